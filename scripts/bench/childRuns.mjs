// Every measurement runs in its own process (peak RSS is per process), Graft through runMeasure.mjs,
// h5py through h5pyReference.py with the Debian python (h5py 3.7 / HDF5 1.10.8, as in h5wasm-notes).

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SYSTEM_PYTHON = '/usr/bin/python3';
const TIMEOUT_MS = 20 * 60_000;

function parseLast(run, what) {
  if (run.status !== 0) {
    const why = (run.stderr || String(run.error ?? '')).trim().split('\n').slice(-20).join('\n');
    throw new Error(`${what} failed (exit ${run.status}):\n${why}`);
  }
  const line = run.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${what} printed no result line:\n${run.stdout.slice(-2000)}`);
  }
}

function spawn(command, args, env = process.env) {
  return spawnSync(command, args, {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env,
  });
}

/**
 * `scratchDir` becomes the child's TMPDIR: the Node host makes a scratch folder per process there,
 * and the caller removes it with the outputs instead of leaving one empty folder per run in /tmp.
 */
export function runGraft(task, args, scratchDir) {
  const env = scratchDir ? { ...process.env, TMPDIR: scratchDir } : process.env;
  if (scratchDir) mkdirSync(scratchDir, { recursive: true });
  return parseLast(
    spawn(process.execPath, [path.join(here, 'runMeasure.mjs'), task, ...args], env),
    `graft ${task} ${args.join(' ')}`,
  );
}

export function runH5py(task, args) {
  return parseLast(
    spawn(SYSTEM_PYTHON, [path.join(here, 'h5pyReference.py'), task, ...args]),
    `h5py ${task} ${args.join(' ')}`,
  );
}

/** Process start to "h5wasm ready" the way bin/graft.mjs starts (tsx first) or with h5wasm imported first. */
export function runStartup(mode) {
  return parseLast(
    spawn(process.execPath, [path.join(here, 'startupProbe.mjs'), mode]),
    `startup probe ${mode}`,
  );
}

export function h5pyVersions() {
  const run = spawn(SYSTEM_PYTHON, [
    '-c',
    'import h5py, numpy; print(h5py.__version__, h5py.version.hdf5_version, numpy.__version__)',
  ]);
  if (run.status !== 0) return null;
  const [h5py, hdf5, numpy] = run.stdout.trim().split(' ');
  return { h5py, hdf5, numpy };
}
