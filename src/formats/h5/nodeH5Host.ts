// Node host: h5wasm's Node build reads and writes host paths directly (NODERAWFS), so a 500 MB file
// is never copied into the wasm heap. Only archive members are copied out, to a temp file.

import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as h5node from 'h5wasm/node';
import type { ByteRange, ByteSource } from '../source';
import type { FileSystemH5Host, H5Lib, MountedFile } from './h5Host';

let scratchDir: string | null = null;
let counter = 0;

/**
 * Scratch files go into `dir`, which the caller made and removes. The CLI's watchdog owns the folder
 * because it outlives a worker thread it had to stop in the middle of an HDF5 call.
 */
export function placeScratchFilesIn(dir: string): void {
  scratchDir = dir;
}

function tempPath(hint: string): string {
  if (scratchDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'graft-'));
    scratchDir = dir;
    // Scratch files are removed as they are used; the folder goes when the process does.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  counter += 1;
  return join(scratchDir, `${counter}-${hint.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

async function bytesOf(source: ByteSource): Promise<Uint8Array> {
  if (source.kind === 'bytes') return source.bytes;
  if (source.kind === 'path') return readFileSync(source.path);
  return new Uint8Array(await source.blob.arrayBuffer());
}

export async function createNodeH5Host(): Promise<FileSystemH5Host> {
  const module = await h5node.ready;
  // HDF5 reports errors by printing; make them throw so every failure becomes a message we control.
  module.activate_throwing_error_handler();
  const lib = h5node as unknown as H5Lib;

  const host: FileSystemH5Host = {
    lib,
    async sizeOf(source) {
      if (source.kind === 'path') return statSync(source.path).size;
      if (source.kind === 'bytes') return source.bytes.length;
      return source.blob.size;
    },
    async readRange(source, offset, length) {
      if (source.kind === 'path') {
        const fd = openSync(source.path, 'r');
        try {
          const out = new Uint8Array(length);
          let done = 0;
          while (done < length) {
            const n = readSync(fd, out, done, length - done, offset + done);
            if (n === 0) break;
            done += n;
          }
          return out.subarray(0, done);
        } finally {
          closeSync(fd);
        }
      }
      if (source.kind === 'bytes') return source.bytes.subarray(offset, offset + length);
      return new Uint8Array(await source.blob.slice(offset, offset + length).arrayBuffer());
    },
    async mount(source: ByteSource, range?: ByteRange): Promise<MountedFile> {
      if (source.kind === 'path' && !range) return { path: source.path, release() {} };
      const all = range ? await host.readRange(source, range.offset, range.length) : await bytesOf(source);
      const path = tempPath(source.name);
      writeFileSync(path, all);
      return { path, release: () => rmSync(path, { force: true }) };
    },
    scratchPath: tempPath,
    async writeScratch(path, bytes) {
      writeFileSync(path, bytes);
    },
    async readScratch(path) {
      return readFileSync(path);
    },
    removeScratch(path) {
      rmSync(path, { force: true });
    },
    async commitScratch(path, destination) {
      try {
        renameSync(path, destination);
      } catch {
        // Across file systems rename fails; copy next to the destination first so the final step stays atomic.
        const beside = join(dirname(destination), `.${Date.now()}.graft-partial`);
        writeFileSync(beside, readFileSync(path));
        renameSync(beside, destination);
        rmSync(path, { force: true });
      }
    },
  };
  return host;
}
