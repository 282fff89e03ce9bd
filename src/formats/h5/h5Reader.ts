// Read access to one open HDF5 file with every h5wasm result checked. h5wasm fails silently in
// several ways (null datasets, garbage from missing filters, float16 unsupported); this class is the
// only code that touches h5wasm objects for reading, and it returns plain values or throws GraftError.

import type { Group } from 'h5wasm';
import type { DType } from '../../model/modelSpec';
import type { Tensor } from '../../model/tensorExpr';
import { GraftError } from '../../model/errors';
import type { H5Lib } from './h5Host';
import { toGraftError } from './h5Failure';
import { duringH5Call } from './h5CallWatch';

/** HDF5 filters compiled into h5wasm; anything else would silently return garbage. */
const BUILT_IN_FILTERS = new Map<number, string>([
  [1, 'deflate'],
  [2, 'shuffle'],
  [3, 'fletcher32'],
  [5, 'nbit'],
  [6, 'scaleoffset'],
]);

export interface DatasetInfo {
  path: string;
  shape: number[];
  dtype: DType;
  byteSize: number;
}

export interface AttrInfo {
  kind: 'string' | 'float' | 'integer' | 'other';
  /** Variable-length (strings): what old Keras cannot decode. */
  vlen: boolean;
  /** Bytes per element (the fixed width of a fixed-length string). */
  size: number;
  /** [] for a scalar, null for an HDF5 null dataspace. */
  shape: number[] | null;
  /** String character set is ASCII (h5py's choice for `bytes`) rather than UTF-8. */
  ascii: boolean;
}

export type AttrValue = string | string[] | number | number[] | bigint | null;

interface Metadata {
  type: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  shape: number[] | null;
  total_size: number;
}

function dtypeOf(meta: Metadata, attrs: () => Record<string, unknown>): DType | null {
  if (meta.type === 1) {
    if (meta.size === 2) return 'float16';
    if (meta.size === 4) return 'float32';
    if (meta.size === 8) return 'float64';
    return null;
  }
  if (meta.type === 0) {
    const bits = meta.size * 8;
    if (![8, 16, 32, 64].includes(bits)) return null;
    return `${meta.signed ? 'int' : 'uint'}${bits}` as DType;
  }
  if (meta.type === 8 && meta.size === 1) return 'bool'; // h5py/numpy bool is an int8 enum
  if (meta.type === 5 && meta.size === 2 && attrs().dtype === 'bfloat16') return 'bfloat16';
  return null;
}

/** Views `bytes` as the dtype's array; `bytes` must own its whole, aligned buffer (a fresh slice). */
function typedArrayFor(dtype: DType, bytes: Uint8Array): Tensor['data'] {
  const buf =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer
      : bytes.slice().buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'float16':
    case 'bfloat16':
    case 'uint16':
      return new Uint16Array(buf);
    case 'int8':
    case 'bool':
      return new Int8Array(buf);
    case 'uint8':
      return new Uint8Array(buf);
    case 'int16':
      return new Int16Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'uint32':
      return new Uint32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'uint64':
      return new BigUint64Array(buf);
  }
  throw new GraftError('corrupt', `unknown dtype ${dtype as string}`);
}

export class H5Reader {
  private readonly file: InstanceType<H5Lib['File']>;

  /** `label` names the file in every message (the user's file name, not a scratch path). */
  constructor(
    private readonly lib: H5Lib,
    path: string,
    readonly label: string,
  ) {
    try {
      this.file = duringH5Call(label, 'opening it as HDF5', () => new lib.File(path, 'r'));
    } catch (error) {
      throw toGraftError(error, label, 'opening it as HDF5');
    }
    if (!this.file.file_id || this.file.file_id < 0n) {
      throw new GraftError(
        'not-hdf5',
        `${label}: HDF5 could not open it; choose a Keras .h5, .weights.h5 or .keras file.`,
      );
    }
  }

  close(): void {
    try {
      duringH5Call(this.label, 'closing it', () => this.file.close());
    } catch {
      // Closing a file whose open failed half-way is not worth a second error.
    }
  }

  private guard<T>(doing: string, fn: () => T): T {
    try {
      return duringH5Call(this.label, doing, fn);
    } catch (error) {
      throw toGraftError(error, this.label, doing);
    }
  }

  private entity(path: string) {
    return this.guard(`reading ${path}`, () =>
      path === '/' || path === '' ? this.file : this.file.get(path),
    );
  }

  /**
   * HDF5 object type at `path` (`Module.H5G_GROUP`, `H5G_DATASET`, ...), or -1 when nothing is there.
   * h5wasm's `get_type` validates the path component by component without raising HDF5 errors, which
   * makes it much cheaper than listing every parent group.
   */
  private typeAt(path: string): number {
    const absolute = path.startsWith('/') ? path : `/${path}`;
    return this.guard(`looking up ${path}`, () => this.lib.Module.get_type(this.file.file_id, absolute));
  }

  exists(path: string): boolean {
    return path === '/' || path === '' || this.typeAt(path) >= 0;
  }

  isGroup(path: string): boolean {
    return path === '/' || path === '' || this.typeAt(path) === this.lib.Module.H5G_GROUP;
  }

  isDataset(path: string): boolean {
    return path !== '/' && path !== '' && this.typeAt(path) === this.lib.Module.H5G_DATASET;
  }

  /** Child names of a group, in HDF5's (alphabetical) order. */
  keys(path: string): string[] {
    const e = this.entity(path);
    if (!(e instanceof this.lib.Group))
      throw new GraftError('corrupt', `${this.label}: ${path} should be a group but is not.`);
    return this.guard(`listing ${path}`, () => e.keys());
  }

  attrNames(path: string): string[] {
    const e = this.entity(path);
    if (!e) return [];
    return this.guard(`listing attributes of ${path}`, () => Object.keys((e as Group).attrs));
  }

  /** An attribute decoded to plain values: strings (fixed or variable length) as JS strings. */
  attr(path: string, name: string): AttrValue {
    const e = this.entity(path);
    if (!e) return null;
    return this.guard(`reading attribute ${name} of ${path}`, () => {
      const attrs = (e as Group).attrs;
      if (!(name in attrs)) return null;
      const value = attrs[name].value as unknown;
      if (value === null || value === undefined) return null;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value;
      if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : String(v))) as string[];
      if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
      return String(value);
    });
  }

  /** The stored type of an attribute (writers verify fixed-length strings with it); null when absent. */
  attrInfo(path: string, name: string): AttrInfo | null {
    const e = this.entity(path);
    if (!e) return null;
    return this.guard(`reading the type of attribute ${name} of ${path}`, () => {
      const attrs = (e as Group).attrs;
      if (!(name in attrs)) return null;
      const meta = attrs[name].metadata as unknown as Metadata & { cset?: number };
      const kind =
        meta.type === 3 ? 'string' : meta.type === 1 ? 'float' : meta.type === 0 ? 'integer' : 'other';
      return { kind, vlen: meta.vlen, size: meta.size, shape: meta.shape, ascii: meta.cset === 0 };
    });
  }

  stringAttr(path: string, name: string): string | null {
    const v = this.attr(path, name);
    if (v === null) return null;
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
    return String(v);
  }

  /**
   * A list-of-strings attribute, including Keras's chunked form (`name0`, `name1`, ... when the list
   * exceeded the 64 KB header limit). An empty float64 array (Keras's "no weights") reads as [].
   */
  stringListAttr(path: string, name: string): string[] | null {
    const names = this.attrNames(path);
    const one = (attrName: string): string[] => {
      const v = this.attr(path, attrName);
      if (v === null) return [];
      if (typeof v === 'string') return [v];
      if (Array.isArray(v)) return (v as unknown[]).filter((x): x is string => typeof x === 'string');
      return [];
    };
    if (names.includes(name)) return one(name);
    if (!names.includes(`${name}0`)) return null;
    const all: string[] = [];
    for (let i = 0; names.includes(`${name}${i}`); i++) all.push(...one(`${name}${i}`));
    return all;
  }

  datasetInfo(path: string): DatasetInfo {
    const ds = this.entity(path);
    if (!(ds instanceof this.lib.Dataset)) {
      throw new GraftError(
        'corrupt',
        `${this.label}: expected a weight array at ${path}, found ${ds ? 'a group or link' : 'nothing'}.`,
      );
    }
    return this.guard(`reading the header of ${path}`, () => {
      const meta = ds.metadata as unknown as Metadata;
      const dtype = dtypeOf(meta, () =>
        Object.fromEntries(Object.entries(ds.attrs).map(([k, a]) => [k, a.value])),
      );
      if (!dtype) {
        throw new GraftError(
          'corrupt',
          `${this.label}: ${path} holds ${ds.dtype} values, which are not numeric weights.`,
        );
      }
      // Checked with the header, so a file we cannot decode is refused when it is opened, not at export.
      const filters = this.guard(`reading filters of ${path}`, () => ds.filters);
      for (const f of filters) {
        if (!BUILT_IN_FILTERS.has(f.id)) {
          throw new GraftError(
            'unsupported-filter',
            `${this.label}: ${path} is compressed with the ${f.name || `#${f.id}`} filter (id ${f.id}), which this tool cannot decode; re-save it without compression (h5py: compression=None or 'gzip').`,
          );
        }
      }
      const shape = meta.shape ?? [];
      return { path, shape, dtype, byteSize: meta.size * shape.reduce((a, b) => a * b, 1) };
    });
  }

  /** Full values of a dataset, raw little-endian bits (float16 stays as Uint16Array bits). */
  read(path: string): Tensor {
    const info = this.datasetInfo(path);
    const module = this.lib.Module;
    const nbytes = info.byteSize;
    if (nbytes === 0)
      return { shape: info.shape, dtype: info.dtype, data: typedArrayFor(info.dtype, new Uint8Array(0)) };
    const ptr = module._malloc(nbytes);
    if (!ptr)
      throw new GraftError('corrupt', `${this.label}: not enough memory to read ${path} (${nbytes} bytes).`);
    try {
      this.guard(`reading ${path}`, () =>
        module.get_dataset_data(this.file.file_id, path, null, null, null, BigInt(ptr)),
      );
      const bytes = module.HEAPU8.slice(ptr, ptr + nbytes);
      return { shape: info.shape, dtype: info.dtype, data: typedArrayFor(info.dtype, bytes) };
    } finally {
      module._free(ptr);
    }
  }
}
