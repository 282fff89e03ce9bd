// The members of a zip archive (a `.keras` file) from its central directory, read with a few range
// reads: a big archive is never loaded whole, and a STORED member can be handed to HDF5 as a byte
// range of the original file. ZIP64 is handled (Python's zipfile writes it past 4 GiB).

import { inflateSync } from 'fflate';
import { GraftError } from '../../model/errors';
import type { ByteRange, ByteSource } from '../source';

export interface RangeSource {
  sizeOf(source: ByteSource): Promise<number>;
  readRange(source: ByteSource, offset: number, length: number): Promise<Uint8Array>;
}

export interface ZipMember {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

function cutShort(label: string, what: string): GraftError {
  return new GraftError(
    'truncated',
    `${label}: the archive is cut short (${what}); the file is incomplete (an interrupted download or copy?): fetch it again.`,
  );
}

/** Reads the central directory. Throws `truncated` when the end of the zip is missing. */
export async function readZipDirectory(
  io: RangeSource,
  source: ByteSource,
  label: string,
): Promise<ZipMember[]> {
  const size = await io.sizeOf(source);
  const tailLength = Math.min(size, 22 + MAX_COMMENT);
  const tailStart = size - tailLength;
  const tail = await io.readRange(source, tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === EOCD && i + 22 + u16(tail, i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw cutShort(label, 'no zip directory at its end');
  let count = u16(tail, at + 10);
  let directorySize = u32(tail, at + 12);
  let directoryOffset = u32(tail, at + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorAt = at - 20;
    if (locatorAt < 0 || u32(tail, locatorAt) !== ZIP64_LOCATOR)
      throw cutShort(label, 'the ZIP64 directory locator is missing');
    const zip64At = u64(tail, locatorAt + 8);
    const record = await io.readRange(source, zip64At, 56);
    if (record.length < 56 || u32(record, 0) !== ZIP64_EOCD)
      throw cutShort(label, 'the ZIP64 directory record is missing');
    count = u64(record, 32);
    directorySize = u64(record, 40);
    directoryOffset = u64(record, 48);
  }
  if (directoryOffset + directorySize > tailStart + at)
    throw cutShort(label, 'the zip directory points past the end of the file');
  const dir = await io.readRange(source, directoryOffset, directorySize);
  const members: ZipMember[] = [];
  const decoder = new TextDecoder();
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > dir.length || u32(dir, p) !== CENTRAL)
      throw new GraftError(
        'archive',
        `${label}: the zip directory is damaged (entry ${k + 1} of ${count}); re-save the model.`,
      );
    const nameLength = u16(dir, p + 28);
    const extraLength = u16(dir, p + 30);
    const commentLength = u16(dir, p + 32);
    const member: ZipMember = {
      name: decoder.decode(dir.subarray(p + 46, p + 46 + nameLength)),
      flags: u16(dir, p + 8),
      method: u16(dir, p + 10),
      crc32: u32(dir, p + 16),
      compressedSize: u32(dir, p + 20),
      size: u32(dir, p + 24),
      localHeaderOffset: u32(dir, p + 42),
    };
    readZip64Extra(member, dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    members.push(member);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** ZIP64 extended information (header id 1): 64-bit values for the fields saturated at 0xffffffff. */
function readZip64Extra(member: ZipMember, extra: Uint8Array): void {
  for (let q = 0; q + 4 <= extra.length;) {
    const id = u16(extra, q);
    const length = u16(extra, q + 2);
    if (id === 1) {
      let r = q + 4;
      if (member.size === 0xffffffff) {
        member.size = u64(extra, r);
        r += 8;
      }
      if (member.compressedSize === 0xffffffff) {
        member.compressedSize = u64(extra, r);
        r += 8;
      }
      if (member.localHeaderOffset === 0xffffffff) member.localHeaderOffset = u64(extra, r);
    }
    q += 4 + length;
  }
}

/** Where a member's (possibly compressed) bytes lie in the archive. */
export async function memberRange(
  io: RangeSource,
  source: ByteSource,
  member: ZipMember,
  label: string,
): Promise<ByteRange> {
  const header = await io.readRange(source, member.localHeaderOffset, 30);
  if (header.length < 30 || u32(header, 0) !== LOCAL) {
    throw new GraftError(
      'archive',
      `${label}: the zip entry for ${member.name} is damaged; re-save the model.`,
    );
  }
  const offset = member.localHeaderOffset + 30 + u16(header, 26) + u16(header, 28);
  if (offset + member.compressedSize > (await io.sizeOf(source)))
    throw cutShort(label, `${member.name} ends past the end of the file`);
  return { offset, length: member.compressedSize };
}

/** The uncompressed bytes of a (small) member, CRC-checked. */
export async function readMember(
  io: RangeSource,
  source: ByteSource,
  member: ZipMember,
  label: string,
): Promise<Uint8Array> {
  if (member.flags & 1)
    throw new GraftError(
      'archive',
      `${label}: ${member.name} is encrypted; Keras archives are never encrypted.`,
    );
  const range = await memberRange(io, source, member, label);
  const raw = await io.readRange(source, range.offset, range.length);
  let bytes: Uint8Array;
  if (member.method === 0) bytes = raw;
  else if (member.method === 8) {
    try {
      bytes = inflateSync(raw, { out: new Uint8Array(member.size) });
    } catch (error) {
      throw new GraftError(
        'archive',
        `${label}: ${member.name} could not be decompressed (${(error as Error).message}); the archive is damaged.`,
      );
    }
  } else {
    throw new GraftError(
      'archive',
      `${label}: ${member.name} uses zip compression method ${member.method}; only stored and deflated members are supported (Keras writes stored ones).`,
    );
  }
  if (bytes.length !== member.size || crc32(bytes) !== member.crc32) {
    throw new GraftError(
      'archive',
      `${label}: ${member.name} fails its zip checksum; the archive is damaged: fetch or save it again.`,
    );
  }
  return bytes;
}

let crcTable: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
