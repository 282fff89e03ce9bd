// The `.keras` zip as Keras 3 writes it: metadata.json, config.json, model.weights.h5, in that order,
// all STORED. Keras's loader reads only config.json and model.weights.h5; metadata.json is for
// KerasFileEditor and people.

import { unzipSync, zipSync } from 'fflate';
import type { ModelSpec } from '../../../model/modelSpec';
import { GraftError } from '../../../model/errors';
import { checksumBytes } from '../../h5/byteChecksum';
import { isKerasThreeConfig, toKerasThreeConfig } from './kerasThreeConfig';

/** `YYYY-MM-DD@HH:MM:SS`, Keras's `date_saved` format. */
function kerasDate(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}

export function archiveMetadata(target: ModelSpec, now = new Date()): Record<string, unknown> {
  if (target.archiveMetadata) return target.archiveMetadata;
  // The oldest Keras 3 that reads what we write (root `/vars`, layer paths) unless the target says more.
  const version = /^3\./.test(target.kerasVersion ?? '') ? target.kerasVersion! : '3.0.0';
  return { keras_version: version, date_saved: kerasDate(now) };
}

export function archiveConfig(target: ModelSpec, label: string): Record<string, unknown> {
  if (!target.modelConfig) {
    throw new GraftError('usage', `${label}: a .keras file needs the architecture: pass --arch model.json.`);
  }
  return isKerasThreeConfig(target.modelConfig)
    ? target.modelConfig
    : toKerasThreeConfig(target.modelConfig, label);
}

const encoder = new TextEncoder();

/** The archive bytes, members stored uncompressed like Keras. */
export function buildKerasArchive(
  metadata: Record<string, unknown>,
  config: Record<string, unknown>,
  weights: Uint8Array,
): Uint8Array {
  return zipSync(
    {
      'metadata.json': [encoder.encode(JSON.stringify(metadata)), { level: 0 }],
      'config.json': [encoder.encode(JSON.stringify(config)), { level: 0 }],
      'model.weights.h5': [weights, { level: 0 }],
    },
    { level: 0 },
  );
}

/** Reads an archive back: the three members, byte for byte, all stored. */
export function verifyKerasArchive(
  bytes: Uint8Array,
  expected: Record<string, Uint8Array>,
  label: string,
): void {
  const fail = (what: string): never => {
    throw new GraftError(
      'write',
      `${label}: the written archive did not verify (${what}); nothing was saved.`,
    );
  };
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const names = Object.keys(members);
  const wanted = Object.keys(expected);
  if (names.length !== wanted.length || !wanted.every((n, i) => names[i] === n))
    fail(`members are ${names.join(', ')}`);
  for (const name of wanted) {
    if (checksumBytes(members[name]) !== checksumBytes(expected[name]))
      fail(`${name} reads back different bytes`);
  }
  // Local file headers: compression method 0 (stored) for every member, as Keras writes them.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (const name of wanted) {
    if (view.getUint32(at, true) !== 0x04034b50) fail(`no local header for ${name}`);
    if (view.getUint16(at + 8, true) !== 0) fail(`${name} is compressed`);
    const compressed = view.getUint32(at + 18, true);
    at += 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true) + compressed;
  }
}
