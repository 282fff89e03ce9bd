// Browser host, for use inside a Web Worker only. Picked files are mounted with WORKERFS, so HDF5
// reads them lazily in small synchronous Blob reads (no copy of a 500 MB file into the wasm heap);
// outputs are written to MEMFS and handed back as bytes. WORKERFS aborts on the main thread.

import * as h5web from 'h5wasm';
import type { ByteRange, ByteSource } from '../source';
import type { H5Host, H5Lib, MountedFile } from './h5Host';

interface EmscriptenFs {
  mkdir(path: string): void;
  mount(type: unknown, opts: unknown, mountpoint: string): void;
  unmount(mountpoint: string): void;
  rmdir(path: string): void;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array, opts?: { canOwn?: boolean }): void;
  unlink(path: string): void;
  filesystems: { WORKERFS: unknown };
}

let counter = 0;

function blobOf(source: ByteSource): Blob {
  if (source.kind === 'blob') return source.blob;
  if (source.kind === 'bytes') return new Blob([source.bytes as Uint8Array<ArrayBuffer>]);
  throw new Error('file paths cannot be opened in the browser');
}

export async function createWorkerH5Host(): Promise<H5Host> {
  const module = await h5web.ready;
  module.activate_throwing_error_handler();
  const fs = h5web.FS as unknown as EmscriptenFs;
  const lib = h5web as unknown as H5Lib;
  fs.mkdir('/scratch');

  return {
    lib,
    async sizeOf(source) {
      return source.kind === 'bytes' ? source.bytes.length : blobOf(source).size;
    },
    async readRange(source, offset, length) {
      if (source.kind === 'bytes') return source.bytes.subarray(offset, offset + length);
      return new Uint8Array(
        await blobOf(source)
          .slice(offset, offset + length)
          .arrayBuffer(),
      );
    },
    async mount(source: ByteSource, range?: ByteRange): Promise<MountedFile> {
      counter += 1;
      const dir = `/in${counter}`;
      const name = 'file.h5';
      if (source.kind === 'bytes' && !range) {
        // Already in memory: MEMFS can own it without another copy.
        const path = `/scratch/in${counter}.h5`;
        fs.writeFile(path, source.bytes, { canOwn: true });
        return { path, release: () => fs.unlink(path) };
      }
      const whole = blobOf(source);
      const blob = range ? whole.slice(range.offset, range.offset + range.length) : whole;
      fs.mkdir(dir);
      fs.mount(fs.filesystems.WORKERFS, { blobs: [{ name, data: blob }] }, dir);
      return {
        path: `${dir}/${name}`,
        release: () => {
          fs.unmount(dir);
          fs.rmdir(dir);
        },
      };
    },
    scratchPath(hint) {
      counter += 1;
      return `/scratch/${counter}-${hint.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    },
    async writeScratch(path, bytes) {
      fs.writeFile(path, bytes);
    },
    async readScratch(path) {
      return fs.readFile(path);
    },
    removeScratch(path) {
      try {
        fs.unlink(path);
      } catch {
        // Already gone.
      }
    },
  };
}
