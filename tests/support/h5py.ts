// Node-only bridge to scripts/py/h5_inspect.py: Debian's h5py reads what our h5wasm code wrote,
// so a test compares against a reader that shares none of our code.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SYSTEM_PYTHON = '/usr/bin/python3';
const INSPECT_SCRIPT = path.join(repoRoot, 'scripts/py/h5_inspect.py');

/** Non-finite floats arrive as strings because JSON has no NaN/Infinity. */
export type JsonFloat = number | 'NaN' | 'Infinity' | '-Infinity';

export interface H5Type {
  class:
    'string' | 'float' | 'int' | 'enum' | 'opaque' | 'compound' | 'array' | 'vlen' | 'reference' | string;
  itemsize: number;
  /** null for an attribute with a null dataspace. */
  shape: number[] | null;
  vlen: boolean;
  /** Only for strings. */
  cset?: 'ascii' | 'utf8';
  strpad?: 'nullterm' | 'nullpad' | 'spacepad';
}

export type H5Value = string | number | boolean | null | H5Value[];

export interface H5Attribute {
  type: H5Type;
  /** Strings decoded (byte strings as UTF-8), arrays as nested lists, numbers as numbers. */
  value: H5Value;
  error?: string;
}

export type H5Attributes = Record<string, H5Attribute>;

export interface H5Filter {
  id: number;
  name: 'gzip' | 'shuffle' | 'fletcher32' | 'szip' | 'nbit' | 'scaleoffset' | 'lzf' | string;
  flags: number;
  options: number[];
}

export interface H5Group {
  path: string;
  kind: 'group';
  attrs: H5Attributes;
}

export interface H5Dataset {
  path: string;
  kind: 'dataset';
  shape: number[] | null;
  /** numpy dtype string, e.g. '<f4', '|S7', '|O'. */
  dtype: string;
  type: H5Type;
  layout: 'contiguous' | 'chunked' | 'compact' | 'virtual';
  chunks: number[] | null;
  filters: H5Filter[];
  compression: string | null;
  storage_size: number;
  external: { file: string; offset: number; size: number }[];
  attrs: H5Attributes;
  /** sha256 of the C-order bytes as stored (null for vlen/object data or a read error). */
  sha256: string | null;
  sum: JsonFloat | null;
  abs_sum: JsonFloat | null;
  first: JsonFloat[] | null;
  read_error?: string;
}

export interface H5NamedType {
  path: string;
  kind: 'datatype';
  attrs: H5Attributes;
}

export type H5Object = H5Group | H5Dataset | H5NamedType;

export interface H5Link {
  path: string;
  type: 'soft' | 'external' | string;
  target?: string;
  file?: string;
}

export interface ZipMember {
  name: string;
  compress_type: 'stored' | 'deflated' | string;
  file_size: number;
  compress_size: number;
}

export interface H5Dump {
  file: string;
  /** Bytes of the HDF5 data (the member, for a zip). */
  size: number;
  format: 'hdf5' | 'zip';
  member: string | null;
  superblock: {
    version: number;
    userblock_size: number;
    libver_hint: string;
    signature_offset: number | null;
  };
  /** The root first, then every object h5py's visititems reaches; paths start with '/'. */
  objects: H5Object[];
  /** Soft and external links (Keras refuses both; our outputs must have none). */
  links: H5Link[];
  /** Full values of the datasets asked for with `values`, keyed by absolute path. */
  values?: Record<string, H5Value>;
  zip?: { members: ZipMember[]; config: unknown; metadata: unknown };
}

export interface InspectOptions {
  /** Datasets whose full values to include (small tensors only). */
  values?: string[];
  /** Zip member to open instead of model.weights.h5. */
  member?: string;
}

/** h5_inspect.py's exit codes: 2 not HDF5, 3 HDF5/zip but unreadable (truncated), 64 usage. */
export class H5InspectError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(file: string, exitCode: number | null, stderr: string) {
    super(`h5_inspect.py ${file} exited ${exitCode}: ${stderr.trim()}`);
    this.name = 'H5InspectError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

let available: boolean | undefined;

export function h5pyAvailable(): boolean {
  if (available === undefined) {
    available =
      existsSync(SYSTEM_PYTHON) &&
      spawnSync(SYSTEM_PYTHON, ['-c', 'import h5py, numpy'], { stdio: 'ignore' }).status === 0;
  }
  return available;
}

const dumps = new Map<string, H5Dump>();

/**
 * Dumps `file` with h5py. Cached per file, options and file version (mtime + size), so a test
 * that rewrites a file gets a fresh dump. Throws H5InspectError when the script exits non-zero.
 */
export function inspectWithH5py(file: string, opts: InspectOptions = {}): H5Dump {
  const absolute = path.resolve(file);
  const stat = statSync(absolute);
  const key = JSON.stringify([absolute, stat.mtimeMs, stat.size, opts.values ?? [], opts.member ?? null]);
  const cached = dumps.get(key);
  if (cached) return cached;
  const args = [INSPECT_SCRIPT, absolute];
  for (const value of opts.values ?? []) args.push('--values', value);
  if (opts.member) args.push('--member', opts.member);
  const run = spawnSync(SYSTEM_PYTHON, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new H5InspectError(absolute, run.status, run.stderr);
  const dump = JSON.parse(run.stdout) as H5Dump;
  dumps.set(key, dump);
  return dump;
}

function absolutePath(objectPath: string): string {
  return objectPath.startsWith('/') ? objectPath : `/${objectPath}`;
}

/** The object at `objectPath` ('/a/b' or 'a/b'), or undefined. */
export function h5Object(dump: H5Dump, objectPath: string): H5Object | undefined {
  const wanted = absolutePath(objectPath);
  return dump.objects.find((object) => object.path === wanted);
}

export function h5Dataset(dump: H5Dump, objectPath: string): H5Dataset {
  const found = h5Object(dump, objectPath);
  if (found?.kind !== 'dataset') throw new Error(`${dump.file}: no dataset at ${absolutePath(objectPath)}`);
  return found;
}

export function h5Group(dump: H5Dump, objectPath: string): H5Group {
  const found = h5Object(dump, objectPath);
  if (found?.kind !== 'group') throw new Error(`${dump.file}: no group at ${absolutePath(objectPath)}`);
  return found;
}

export function h5Datasets(dump: H5Dump): H5Dataset[] {
  return dump.objects.filter((object): object is H5Dataset => object.kind === 'dataset');
}
