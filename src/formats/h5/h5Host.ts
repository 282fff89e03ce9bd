// The one place that knows how bytes reach the HDF5 library. h5web's provider pattern: readers and
// writers see this small interface; the CLI passes the Node host (files on disk, no copy), the app's
// worker passes the browser host (WORKERFS over the picked File, MEMFS for outputs).

import type * as H5 from 'h5wasm';
import type { ByteRange, ByteSource } from '../source';

/** The h5wasm module namespace: `File` class, `Module` (the emscripten module). */
export type H5Lib = typeof H5;

export interface MountedFile {
  /** Path to hand to `new lib.File(path, 'r')`. */
  path: string;
  release(): void;
}

export interface H5Host {
  readonly lib: H5Lib;
  /** Total byte size of a source. */
  sizeOf(source: ByteSource): Promise<number>;
  /** Read part of a source (sniffing, zip directories, small members). */
  readRange(source: ByteSource, offset: number, length: number): Promise<Uint8Array>;
  /** Make a source, or one byte range of it, openable by HDF5 without copying it where possible. */
  mount(source: ByteSource, range?: ByteRange): Promise<MountedFile>;
  /** A fresh scratch path to write a new HDF5 file at. */
  scratchPath(hint: string): string;
  /** Put bytes into a scratch file (a finished `.keras` zip), replacing what was there. */
  writeScratch(path: string, bytes: Uint8Array): Promise<void>;
  /** Bytes of a scratch file (to put into an archive or hand to the browser). */
  readScratch(path: string): Promise<Uint8Array>;
  /** Remove a scratch file; never throws. */
  removeScratch(path: string): void;
}

/** A host whose scratch files can be moved to a final path (Node). */
export interface FileSystemH5Host extends H5Host {
  /** Atomically move a verified scratch file to its destination. */
  commitScratch(path: string, destination: string): Promise<void>;
}
