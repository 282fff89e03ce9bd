// The big inputs of `npm run bench`, generated once into .fixtures/big/ (gitignored) and reused.
// Real Keras when the project's Keras venv can be made (scripts/setup-keras.sh), else h5py random data
// in the same legacy layout; the manifest says which, and how long it took.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SYSTEM_PYTHON = '/usr/bin/python3';

export function readManifest(dir) {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return { models: {} };
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { models: {} };
  }
}

function complete(dir, manifest, model) {
  const entry = manifest.models?.[model];
  return Boolean(entry) && Object.values(entry.files).every((f) => existsSync(path.join(dir, f.name)));
}

/** A python that can run the Keras generator, or null with the reason. */
function kerasPython(root, log) {
  const venv = path.join(root, '.venv-keras');
  log(
    'inputs: checking the Keras venv (scripts/setup-keras.sh; the first time this installs TensorFlow) ...',
  );
  const setup = spawnSync('bash', [path.join(root, 'scripts/setup-keras.sh')], {
    encoding: 'utf8',
    timeout: 45 * 60_000,
  });
  const python = path.join(venv, 'bin/python');
  if (setup.status === 0 && existsSync(path.join(venv, 'OK')) && existsSync(python)) return { python };
  const why = existsSync(path.join(venv, 'UNAVAILABLE'))
    ? readFileSync(path.join(venv, 'UNAVAILABLE'), 'utf8').trim()
    : `${setup.stdout ?? ''}${setup.stderr ?? ''}`.trim();
  return { python: null, why };
}

/**
 * Makes sure every model's files exist; returns the manifest and how many seconds generation took
 * (0 when everything was cached). `generator` 'h5py' forces the fallback.
 */
export function ensureInputs({ root, dir, models, generator, log }) {
  const before = readManifest(dir);
  const missing = models.filter(
    (m) => !complete(dir, before, m) || (generator && before.models[m].generator !== generator),
  );
  if (missing.length === 0) return { manifest: before, generatedSeconds: 0 };
  const started = Date.now();
  let python = SYSTEM_PYTHON;
  let chosen = generator ?? 'keras';
  if (chosen === 'keras' && process.env.GRAFT_SKIP_KERAS === '1') {
    log('inputs: GRAFT_SKIP_KERAS=1, so h5py random weights instead of real Keras');
    chosen = 'h5py';
  }
  if (chosen === 'keras') {
    const found = kerasPython(root, log);
    if (found.python) python = found.python;
    else {
      log(`inputs: real Keras unavailable (${found.why}); falling back to h5py random weights`);
      chosen = 'h5py';
    }
  }
  log(`inputs: generating ${missing.join(', ')} with ${chosen} into ${dir} ...`);
  const run = spawnSync(
    python,
    [
      path.join(root, 'scripts/py/make_big_weights.py'),
      dir,
      '--models',
      missing.join(','),
      '--generator',
      chosen,
    ],
    { encoding: 'utf8', timeout: 60 * 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.status !== 0) {
    const tail = (run.stderr || String(run.error ?? '')).trim().split('\n').slice(-15).join('\n');
    throw new Error(`make_big_weights.py failed (exit ${run.status}):\n${tail}`);
  }
  const manifest = readManifest(dir);
  for (const m of models)
    if (!complete(dir, manifest, m)) throw new Error(`generation did not produce every ${m} file`);
  const generatedSeconds = (Date.now() - started) / 1000;
  log(`inputs: generated in ${generatedSeconds.toFixed(0)} s`);
  return { manifest, generatedSeconds };
}
