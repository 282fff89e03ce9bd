// Where the bytes of an input come from. A path on disk (CLI, tests), a Blob (the browser worker; read
// lazily, never copied whole) or bytes already in memory (an archive member, a small JSON).

export type ByteSource =
  | { kind: 'path'; path: string; name: string }
  | { kind: 'blob'; blob: Blob; name: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string };

/** A contiguous part of a source, e.g. a stored (uncompressed) member of a zip archive. */
export interface ByteRange {
  offset: number;
  length: number;
}

export type ContainerKind = 'hdf5' | 'zip' | 'json' | 'empty' | 'unknown';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Offsets where HDF5 may place its superblock (0, then 512 doubling), per the HDF5 file format spec. */
export const HDF5_SIGNATURE_OFFSETS = [0, 512, 1024, 2048, 4096, 8192];

export function hasHdf5Signature(bytes: Uint8Array, at: number): boolean {
  if (bytes.length < at + HDF5_SIGNATURE.length) return false;
  return HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/**
 * Identifies a container by its first bytes (at least 8200 of them when available, so an HDF5 file
 * with a user block is recognised). Content decides, never the file name.
 */
export function sniffContainer(head: Uint8Array): ContainerKind {
  if (head.length === 0) return 'empty';
  if (HDF5_SIGNATURE_OFFSETS.some((at) => hasHdf5Signature(head, at))) return 'hdf5';
  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 0x03 || head[2] === 0x05) &&
    (head[3] === 0x04 || head[3] === 0x06)
  ) {
    return 'zip';
  }
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 byte order mark
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
    i++;
  if (head[i] === 0x7b || head[i] === 0x5b) return 'json';
  return 'unknown';
}

/** What the first bytes look like, for an error message about a file we cannot use. */
export function describeUnknownContent(head: Uint8Array): string {
  const starts = (sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47])) return 'a PNG image';
  if (starts([0xff, 0xd8, 0xff])) return 'a JPEG image';
  if (starts([0x25, 0x50, 0x44, 0x46])) return 'a PDF document';
  if (starts([0x1f, 0x8b])) return 'a gzip-compressed file';
  if (starts([0x80]) && (head[1] ?? 0) <= 5) return 'a Python pickle (PyTorch/NumPy?)';
  if (starts([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'a NumPy .npy array';
  if (starts([0x08]) || starts([0x0a])) return 'possibly a protobuf (TensorFlow SavedModel / ONNX?)';
  const sample = head.subarray(0, 512);
  const printable = sample.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length;
  if (sample.length > 0 && printable / sample.length > 0.95) return 'a text file';
  return 'an unrecognised binary file';
}
