// Node-only bridge to real Keras 3 (scripts/setup-keras.sh venv + scripts/py/keras_batch.py):
// the final judge of whether a file we wrote loads, and of what values it loads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const VENV = path.join(repoRoot, '.venv-keras');
const SETUP_SCRIPT = path.join(repoRoot, 'scripts/setup-keras.sh');
const BATCH_SCRIPT = path.join(repoRoot, 'scripts/py/keras_batch.py');

export type KerasAvailability = { ok: true; python: string } | { ok: false; reason: string };

export interface KerasJob {
  /** Architecture source: `.keras`, full-model legacy `.h5`, or `to_json()` / `config.json`. */
  model?: string;
  /** Given to `model.load_weights`; omitted: dump the model as built (fresh initializer values). */
  weights?: string;
  byName?: boolean;
  skipMismatch?: boolean;
  /** `keras.saving.load_model(weights)` instead of building from `model` + load_weights. */
  loadModel?: boolean;
  /** Build with load_model(model), keeping its weights, instead of from its config only. */
  srcWeights?: boolean;
  /**
   * Write every variable to this HDF5 file as `<layer path>/<index in layer.weights>`, with
   * attributes `path` (Keras variable path), `trainable` and `legacy_index`.
   */
  dump?: string;
}

export interface KerasSuccess {
  ok: true;
  /** Layers walked, nested models' layers included. */
  layers: number;
  variables: number;
  /** Top-level layers that have weights (what legacy topological loading counts). */
  weightedLayers: number;
  modelName: string;
  builtWith: string;
  warnings: string[];
}

export interface KerasFailure {
  ok: false;
  /** build: Keras could not make the model; load: the weights did not load; dump: writing the dump failed. */
  stage: 'build' | 'load' | 'dump' | 'import' | 'crash';
  error: string;
  warnings: string[];
}

export type KerasResult = KerasSuccess | KerasFailure;

let availability: KerasAvailability | undefined;

function markerText(name: string): string | null {
  const file = path.join(VENV, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/**
 * Makes sure `.venv-keras` has Keras (runs scripts/setup-keras.sh once per process; the script
 * reuses a working venv). Set GRAFT_SKIP_KERAS=1 to skip the real-Keras checks.
 */
export function ensureKeras(): KerasAvailability {
  if (availability) return availability;
  if (process.env.GRAFT_SKIP_KERAS === '1') {
    availability = { ok: false, reason: 'GRAFT_SKIP_KERAS=1' };
    return availability;
  }
  const run = spawnSync('bash', [SETUP_SCRIPT], { encoding: 'utf8', timeout: 30 * 60_000 });
  const python = path.join(VENV, 'bin/python');
  if (run.status === 0 && markerText('OK') !== null && existsSync(python)) {
    availability = { ok: true, python };
  } else {
    const reason =
      markerText('UNAVAILABLE') ??
      (run.error
        ? String(run.error)
        : `setup-keras.sh exited ${run.status}: ${(run.stdout + run.stderr).trim()}`);
    availability = { ok: false, reason };
  }
  return availability;
}

interface RawResult {
  ok: boolean;
  layers?: number;
  variables?: number;
  weighted_layers?: number;
  model_name?: string;
  built_with?: string;
  stage?: KerasFailure['stage'];
  error?: string;
  warnings?: string[];
}

function fromRaw(raw: RawResult): KerasResult {
  const warnings = raw.warnings ?? [];
  if (!raw.ok)
    return { ok: false, stage: raw.stage ?? 'crash', error: raw.error ?? 'unknown error', warnings };
  return {
    ok: true,
    layers: raw.layers ?? 0,
    variables: raw.variables ?? 0,
    weightedLayers: raw.weighted_layers ?? 0,
    modelName: raw.model_name ?? '',
    builtWith: raw.built_with ?? '',
    warnings,
  };
}

function toRawJob(job: KerasJob): Record<string, unknown> {
  return {
    model: job.model ? path.resolve(job.model) : undefined,
    weights: job.weights ? path.resolve(job.weights) : undefined,
    by_name: job.byName ?? false,
    skip_mismatch: job.skipMismatch ?? false,
    load_model: job.loadModel ?? false,
    src_weights: job.srcWeights ?? false,
    dump: job.dump ? path.resolve(job.dump) : undefined,
  };
}

/**
 * Runs all jobs in one Python process (TensorFlow's import costs seconds) and returns one
 * result per job, in order. A job that fails is a result with ok: false, never a throw; this
 * throws only when Keras is unavailable (check ensureKeras() first) or the process died.
 */
export function kerasBatch(jobs: KerasJob[]): KerasResult[] {
  const keras = ensureKeras();
  if (!keras.ok) throw new Error(`real Keras unavailable: ${keras.reason}`);
  if (jobs.length === 0) return [];
  const work = mkdtempSync(path.join(tmpdir(), 'graft-keras-'));
  try {
    const jobsFile = path.join(work, 'jobs.json');
    const logFile = path.join(work, 'keras.log');
    writeFileSync(jobsFile, JSON.stringify(jobs.map(toRawJob)));
    const run = spawnSync(keras.python, [BATCH_SCRIPT, jobsFile, '--log', logFile], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30 * 60_000,
    });
    const lastLine = run.stdout?.trim().split('\n').pop() ?? '';
    let parsed: RawResult[] | undefined;
    try {
      parsed = JSON.parse(lastLine) as RawResult[];
    } catch {
      parsed = undefined;
    }
    if (run.status !== 0 || !Array.isArray(parsed) || parsed.length !== jobs.length) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
      throw new Error(
        `keras_batch.py exited ${run.status ?? run.signal}: ${String(run.error ?? '')} ${run.stderr ?? ''}\n${log}`,
      );
    }
    return parsed.map(fromRaw);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One job; see kerasBatch. */
export function kerasLoad(job: KerasJob): KerasResult {
  return kerasBatch([job])[0];
}
