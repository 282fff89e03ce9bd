// Where test inputs come from: the read-only shared fixtures next to the clone, and the sets our
// generators write into .fixtures/<kind>/ (real Keras for 'keras', h5py only for 'bad').
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { h5pyAvailable } from './h5py';
import { ensureKeras } from './keras';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Read-only real files (see its real/ and keras-apps/ MANIFEST.md); CI lays `../shared` beside the clone. */
export const SHARED = path.resolve(repoRoot, '../shared/fixtures');

export function sharedAvailable(): boolean {
  return existsSync(SHARED);
}

/** e.g. sharedFixture('real', 'emg-hand__model.h5'). */
export function sharedFixture(folder: 'real' | 'keras-apps', file: string): string {
  return path.join(SHARED, folder, file);
}

export type FixtureKind = 'keras' | 'bad';

export type GeneratedFixtures = { dir: string; reason?: undefined } | { dir: null; reason: string };

export interface GenerateOptions {
  /** Folder holding `<kind>/` (default `<repo>/.fixtures`). */
  root?: string;
}

interface Generator {
  script: string;
  /** Files whose content decides whether a cached set is stale. */
  inputs: string[];
  python: () => { python: string } | { reason: string };
}

const py = (name: string) => path.join(repoRoot, 'scripts/py', name);

const GENERATORS: Record<FixtureKind, Generator> = {
  keras: {
    script: py('make_keras_fixtures.py'),
    inputs: [py('make_keras_fixtures.py'), py('keras_jobs.py')],
    python: () => {
      const keras = ensureKeras();
      return keras.ok ? { python: keras.python } : { reason: `real Keras unavailable: ${keras.reason}` };
    },
  },
  bad: {
    script: py('make_bad_inputs.py'),
    inputs: [py('make_bad_inputs.py')],
    python: () =>
      h5pyAvailable() ? { python: '/usr/bin/python3' } : { reason: '/usr/bin/python3 has no h5py' },
  },
};

const HASH_FILE = '.generator-sha256';
const LOCK_STALE_MS = 20 * 60_000;

function generatorHash(generator: Generator, python: string): string {
  const hash = createHash('sha256').update(python);
  for (const input of generator.inputs) hash.update(readFileSync(input));
  return hash.digest('hex');
}

function isFresh(dir: string, hash: string): boolean {
  const hashFile = path.join(dir, HASH_FILE);
  return (
    existsSync(path.join(dir, 'index.json')) &&
    existsSync(hashFile) &&
    readFileSync(hashFile, 'utf8').trim() === hash
  );
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Test files run in parallel processes; a mkdir lock keeps one generator per kind at a time. */
function withLock<T>(lockDir: string, body: () => T): T {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS)
          rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // the holder released it between our mkdir and stat
      }
      sleep(250);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Runs the generator for `kind` into `<root>/<kind>/` unless a complete set made by the same
 * generator source is already there, and returns the folder. Returns `{dir: null, reason}` when
 * the generator's Python is unavailable (Keras could not be installed, no h5py); throws when the
 * generator itself fails, since that is a bug to fix rather than a reason to skip.
 */
export function generatedFixtures(kind: FixtureKind, opts: GenerateOptions = {}): GeneratedFixtures {
  const generator = GENERATORS[kind];
  const chosen = generator.python();
  if ('reason' in chosen) return { dir: null, reason: chosen.reason };
  const root = opts.root ?? path.join(repoRoot, '.fixtures');
  const dir = path.join(root, kind);
  const hash = generatorHash(generator, chosen.python);
  if (isFresh(dir, hash)) return { dir };
  mkdirSync(root, { recursive: true });
  return withLock(path.join(root, `${kind}.lock`), () => {
    if (isFresh(dir, hash)) return { dir };
    rmSync(dir, { recursive: true, force: true });
    const run = spawnSync(chosen.python, [generator.script, dir], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 20 * 60_000,
    });
    if (run.status !== 0 || !existsSync(path.join(dir, 'index.json'))) {
      const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
      throw new Error(
        `${path.basename(generator.script)} failed (exit ${run.status ?? run.signal}):\n${output}`,
      );
    }
    writeFileSync(path.join(dir, HASH_FILE), `${hash}\n`);
    return { dir };
  });
}

export interface KerasFixtureVariable {
  /** `<layer path>/<index in layer.weights>`: the dataset name keras_batch dumps use for it. */
  key: string;
  /** Keras variable path when written (a rebuilt model may name it differently, e.g. without the model scope). */
  path: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
  /** sha256 of the value's C-order bytes, computed by Keras/numpy when the file was written. */
  sha256: string;
}

export interface KerasFixtureModel {
  name: string;
  description: string;
  class: 'Sequential' | 'Functional' | string;
  compiled: boolean;
  /** File names inside the fixture folder. */
  files: { keras: string; weights_h5: string; h5: string; json: string };
  layers: number;
  weighted_layers: number;
  weights: number;
  params: number;
  classes: Record<string, number>;
  nested: { name: string; class: string; layers: number; classes: Record<string, number> }[];
  layer_names: string[];
  /** Layer by layer (nested models walked into), each layer's variables in `layer.weights` order. */
  variables: KerasFixtureVariable[];
  chunked_layer_names?: string[];
}

export interface KerasFixtureIndex {
  generator: string;
  keras_version: string;
  backend: string;
  models: KerasFixtureModel[];
}

export interface BadInput {
  file: string;
  /** The GraftErrorCode the file calls for, or null for a control file that must load. */
  code: string | null;
  description: string;
  bytes: number;
}

export interface BadInputIndex {
  generator: string;
  files: BadInput[];
}

export function kerasFixtureIndex(dir: string): KerasFixtureIndex {
  return JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as KerasFixtureIndex;
}

export function badInputIndex(dir: string): BadInputIndex {
  return JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as BadInputIndex;
}
