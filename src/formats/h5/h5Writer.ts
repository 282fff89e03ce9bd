// Write access to one new HDF5 file with every h5wasm call checked, the counterpart of H5Reader.
// h5wasm creates nothing for `a/b` when `a` is missing, may return null instead of a dataset, writes
// variable-length UTF-8 strings by default (old Keras cannot decode them) and has no 2-byte floats;
// this class handles each of those and records what it wrote, so the caller can re-open the file
// and check every group, attribute and dataset against the record.

import type { Group } from 'h5wasm';
import type { DType } from '../../model/modelSpec';
import type { Tensor } from '../../model/tensorExpr';
import { GraftError } from '../../model/errors';
import type { H5Lib } from './h5Host';
import { hdf5Reason } from './h5Failure';
import { checksumBytes } from './byteChecksum';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from './halfFloatWidening';

export interface WrittenDataset {
  path: string;
  shape: number[];
  /** The dtype in the file (float16/bfloat16 are stored as float32, see halfFloatWidening.ts). */
  dtype: DType;
  checksum: string;
}

/** A fixed-length string attribute: a scalar, or a 1-D list. */
export interface WrittenStrings {
  group: string;
  name: string;
  values: string[];
  scalar: boolean;
}

export interface WriteRecord {
  groups: string[];
  strings: WrittenStrings[];
  /** Empty lists, stored as Keras stores them: float64 arrays of shape [0]. */
  emptyLists: { group: string; name: string }[];
  datasets: WrittenDataset[];
}

interface StoredType {
  type: number;
  size: number;
  signed: boolean;
}

const STORED_TYPES: Partial<Record<DType, StoredType>> = {
  float32: { type: 1, size: 4, signed: false },
  float64: { type: 1, size: 8, signed: false },
  int8: { type: 0, size: 1, signed: true },
  uint8: { type: 0, size: 1, signed: false },
  int16: { type: 0, size: 2, signed: true },
  uint16: { type: 0, size: 2, signed: false },
  int32: { type: 0, size: 4, signed: true },
  uint32: { type: 0, size: 4, signed: false },
  int64: { type: 0, size: 8, signed: true },
  uint64: { type: 0, size: 8, signed: false },
};

/** `['', 'a', 'b/c']` -> `/a/b/c`; empty parts and doubled slashes collapse. */
export function joinH5Path(...parts: string[]): string {
  const segments = parts.flatMap((p) => p.split('/')).filter((p) => p !== '');
  return '/' + segments.join('/');
}

function byteView(data: Tensor['data']): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The bytes and dtype that go into the file for a tensor. */
export function storedForm(tensor: Tensor): { dtype: DType; bytes: Uint8Array } {
  if (tensor.dtype === 'float16' || tensor.dtype === 'bfloat16') {
    const bits =
      tensor.data instanceof Uint16Array
        ? tensor.data
        : new Uint16Array(byteView(tensor.data).slice().buffer);
    const wide = tensor.dtype === 'float16' ? float16BitsToFloat32(bits) : bfloat16BitsToFloat32(bits);
    return { dtype: 'float32', bytes: byteView(wide) };
  }
  // h5wasm has no enum types; a bool is one byte 0/1 either way and Keras casts on load.
  if (tensor.dtype === 'bool') return { dtype: 'int8', bytes: byteView(tensor.data) };
  return { dtype: tensor.dtype, bytes: byteView(tensor.data) };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

export class H5Writer {
  readonly record: WriteRecord = { groups: ['/'], strings: [], emptyLists: [], datasets: [] };
  private readonly file: InstanceType<H5Lib['File']>;
  private readonly groupPaths = new Set<string>(['/']);
  private closed = false;

  /** Creates (truncates) `path`; `label` names the output in every message. */
  constructor(
    private readonly lib: H5Lib,
    path: string,
    readonly label: string,
  ) {
    try {
      // v1.8 format bounds: readable by every HDF5 >= 1.8 (every h5py Keras 2 used) and still able
      // to hold attributes over 64 KB (a large model_config) in dense attribute storage.
      this.file = new lib.File(path, 'w', { libver: 'v108' });
    } catch (error) {
      throw this.failure(error, 'creating the file');
    }
    if (!this.file.file_id || this.file.file_id < 0n) {
      throw new GraftError(
        'write',
        `${label}: HDF5 could not create the output file; check that the folder is writable.`,
      );
    }
  }

  private failure(error: unknown, doing: string): GraftError {
    if (error instanceof GraftError) return error;
    return new GraftError(
      'write',
      `${this.label}: ${doing} failed (${hdf5Reason(error)}); nothing was saved.`,
    );
  }

  private guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.failure(error, doing);
    }
  }

  private groupAt(path: string): Group {
    const g = this.guard(`opening group ${path}`, () => (path === '/' ? this.file : this.file.get(path)));
    if (!(g instanceof this.lib.Group))
      throw this.failure(new Error('the group is missing after creating it'), `opening group ${path}`);
    return g;
  }

  /** Creates a group and every missing level above it, one level at a time. */
  createGroup(path: string): void {
    const full = joinH5Path(path);
    if (this.groupPaths.has(full)) return;
    const parts = full.split('/').filter((p) => p !== '');
    let current = '/';
    for (const part of parts) {
      const next = joinH5Path(current, part);
      if (!this.groupPaths.has(next)) {
        const parent = this.groupAt(current);
        const created = this.guard(`creating group ${next}`, () => parent.create_group(part));
        if (!(created instanceof this.lib.Group)) {
          throw this.failure(new Error('HDF5 created nothing'), `creating group ${next}`);
        }
        this.groupPaths.add(next);
        this.record.groups.push(next);
      }
      current = next;
    }
  }

  private checkAttribute(group: Group, path: string, name: string): void {
    const present = this.guard(`checking attribute ${name} of ${path}`, () => name in group.attrs);
    if (!present)
      throw this.failure(new Error('HDF5 created nothing'), `writing attribute ${name} of ${path}`);
  }

  /**
   * Fixed-length byte strings, the type h5py gives a NumPy `S` array: every h5py (2.x and 3.x) reads
   * them as bytes, which Keras <= 2.3 needs (it calls `.decode` unconditionally). Width is the longest
   * UTF-8 encoding; ASCII charset like h5py unless a string needs UTF-8.
   */
  writeStrings(groupPath: string, name: string, values: string[], scalar = false): void {
    if (scalar && values.length !== 1)
      throw new GraftError('write', `${this.label}: internal error: a scalar attribute needs one value.`);
    const path = joinH5Path(groupPath);
    const group = this.groupAt(path);
    const encoder = new TextEncoder();
    const width = Math.max(1, ...values.map((v) => encoder.encode(v).length));
    const dtype = `${values.every(isAscii) ? 'A' : 'S'}${width}`;
    this.guard(`writing attribute ${name} of ${path}`, () =>
      scalar
        ? group.create_attribute(name, values[0], [], dtype)
        : group.create_attribute(name, values, [values.length], dtype),
    );
    this.checkAttribute(group, path, name);
    this.record.strings.push({ group: path, name, values: [...values], scalar });
  }

  /** An empty list attribute exactly as Keras writes it (`np.asarray([])`: float64, shape (0,)). */
  writeEmptyList(groupPath: string, name: string): void {
    const path = joinH5Path(groupPath);
    const group = this.groupAt(path);
    this.guard(`writing attribute ${name} of ${path}`, () =>
      group.create_attribute(name, new Float64Array(0), [0], '<d'),
    );
    this.checkAttribute(group, path, name);
    this.record.emptyLists.push({ group: path, name });
  }

  /**
   * A contiguous, unfiltered little-endian dataset holding the tensor's bits. The parent groups are
   * created first; the data goes through the emscripten heap once, then the caller may drop the tensor.
   */
  writeTensor(datasetPath: string, tensor: Tensor): WrittenDataset {
    const path = joinH5Path(datasetPath);
    const cut = path.lastIndexOf('/');
    const parentPath = cut === 0 ? '/' : path.slice(0, cut);
    const leaf = path.slice(cut + 1);
    this.createGroup(parentPath);
    const { dtype, bytes } = storedForm(tensor);
    const stored = STORED_TYPES[dtype];
    if (!stored)
      throw new GraftError('write', `${this.label}: cannot store ${tensor.dtype} values (${path}).`);
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== count * stored.size) {
      throw new GraftError(
        'write',
        `${this.label}: ${path} has ${bytes.byteLength} bytes of ${tensor.dtype} data for shape [${tensor.shape.join(', ')}]; the values are inconsistent, nothing was saved.`,
      );
    }
    const module = this.lib.Module;
    const shape = tensor.shape.map((d) => BigInt(d));
    const ptr = module._malloc(Math.max(1, bytes.byteLength));
    if (!ptr)
      throw new GraftError(
        'write',
        `${this.label}: not enough memory to write ${path} (${bytes.byteLength} bytes).`,
      );
    try {
      module.HEAPU8.set(bytes, ptr);
      const metadata = {
        ...stored,
        vlen: false,
        littleEndian: true,
        shape,
        maxshape: shape,
        chunks: null,
        compression: 0,
        compression_opts: [],
        track_order: false,
        total_size: count,
      };
      this.guard(`writing ${path}`, () =>
        module.create_dataset(
          this.file.file_id,
          path,
          BigInt(ptr),
          metadata as unknown as Parameters<typeof module.create_dataset>[3],
        ),
      );
    } finally {
      module._free(ptr);
    }
    const parent = this.groupAt(parentPath);
    const created = this.guard(`checking ${path}`, () => parent.get(leaf));
    if (!(created instanceof this.lib.Dataset))
      throw this.failure(new Error('HDF5 created nothing'), `writing ${path}`);
    const written: WrittenDataset = { path, shape: [...tensor.shape], dtype, checksum: checksumBytes(bytes) };
    this.record.datasets.push(written);
    return written;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.guard('closing the file', () => this.file.close());
  }

  /** Close after a failure: a second error would hide the first. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.file.close();
    } catch {
      // the original failure is what the user needs to see
    }
  }
}
