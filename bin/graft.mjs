#!/usr/bin/env node
// `graft`: runs the TypeScript CLI (through tsx, so a fresh clone needs no build step) in a worker
// thread and stays on the main thread as its watchdog. HDF5 loops forever on some damaged files and a
// synchronous wasm call cannot be interrupted where it runs; a worker thread can be stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createHeartbeat, hdf5TimeoutMs, stuckCallMessage, watchWorker } from './hdf5Watchdog.mjs';

// `graft map ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

let limitMs;
try {
  limitMs = hdf5TimeoutMs(process.env.GRAFT_HDF5_TIMEOUT_MS);
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}

// The watchdog owns the scratch folder: a stopped worker cannot clean up after itself.
const scratchDir = mkdtempSync(join(tmpdir(), 'graft-'));
process.on('exit', () => rmSync(scratchDir, { recursive: true, force: true }));
// Ctrl-C must not leave it behind either ('exit' handlers do not run on a signal's default action).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const heartbeat = createHeartbeat();
const worker = new Worker(new URL('./graftWorker.mjs', import.meta.url), {
  argv: process.argv.slice(2),
  workerData: { heartbeat, scratchDir },
});
let stuck = false;

watchWorker(worker, heartbeat, limitMs, (call) => {
  stuck = true;
  void worker.terminate().then(() => {
    process.stderr.write(`error: ${stuckCallMessage(call, limitMs)}\n`);
    process.exitCode = 1;
  });
});
worker.on('error', (error) => {
  process.stderr.write(
    `error: internal error: ${error?.message ?? String(error)} (please report this with the file that caused it)\n`,
  );
  process.exitCode = 1;
});
worker.on('exit', (code) => {
  if (!stuck && process.exitCode === undefined) process.exitCode = code;
});
