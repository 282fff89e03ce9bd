#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --json] [-- --generator h5py]`: Graft's read, convert and transfer
// paths on ImageNet-size Keras files, each against a reference measured in the same run (h5py, a
// plain readFileSync). Prints absolute times and ratios; asserts nothing about speed. Exit code 1
// only when a measurement fails or Graft and h5py disagree about what the file holds.
//   --quick   ResNet50 only, one repetition
//   --json    machine-readable results on stdout (progress stays on stderr)
//   --no-browser  skip the Chromium row (production build, source file -> layers listed)
// Inputs are generated on first use into .fixtures/big/ (see scripts/py/make_big_weights.py).

import { closeSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { ensureInputs } from './bench/benchInputs.mjs';
import { h5pyVersions, runGraft, runH5py, runStartup } from './bench/childRuns.mjs';
import { summarise } from './bench/benchStats.mjs';
import { renderTables } from './bench/benchTable.mjs';
import { browserUnavailable, measureBrowserLoads } from './bench/browserLoad.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bigDir = path.join(root, '.fixtures', 'big');
const outDir = path.join(bigDir, 'out');
const scratchDir = path.join(outDir, 'tmp');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const valueOf = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = flag('--quick');
const asJson = flag('--json');
const generator = valueOf('--generator');
const withBrowser = !flag('--no-browser');
const repetitions = quick ? 1 : 3;
const models = quick ? ['resnet50'] : ['resnet50', 'vgg16'];
const log = (message) => process.stderr.write(`${message}\n`);

/** Reads a file once so every run below finds it in the page cache (hot-cache numbers, as in h5wasm-notes). */
function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

function sameContent(what, graft, h5py, keys) {
  for (const key of keys) {
    if (graft[key] !== h5py[key]) {
      throw new Error(
        `${what}: Graft found ${key} = ${graft[key]} but h5py found ${h5py[key]}; the two are not doing the same work`,
      );
    }
  }
}

/** Runs graft, h5py and the floor alternately, `repetitions` times, so machine load hits them alike. */
function measureRow({ model, label, graft, h5py, floor, memory, check }) {
  const runs = { graft: [], h5py: [], floor: [] };
  for (let k = 0; k < repetitions; k++) {
    runs.graft.push(graft());
    if (h5py) runs.h5py.push(h5py());
    if (floor) runs.floor.push(floor());
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
  }
  if (h5py && check) sameContent(`${model} ${label}`, runs.graft[0].detail, runs.h5py[0].detail, check);
  const result = {
    model,
    label,
    memory: Boolean(memory),
    graft: summarise(runs.graft),
    h5py: h5py ? summarise(runs.h5py) : null,
    floor: floor ? summarise(runs.floor) : null,
  };
  log(
    `  ${model} ${label}: graft ${Math.round(result.graft.ms)} ms${result.h5py ? `, h5py ${Math.round(result.h5py.ms)} ms` : ''}`,
  );
  return result;
}

function modelRows(model, entry) {
  const file = (key) => path.join(bigDir, entry.files[key].name);
  const legacy = file('source_h5');
  const keras3 = file('source_weights_h5');
  const byKeras = entry.generator === 'keras';
  // Without an architecture (h5py fallback) a Keras 3 .weights.h5 cannot be written; convert to legacy.
  const convertOut = path.join(outDir, byKeras ? `${model}.converted.weights.h5` : `${model}.converted.h5`);
  const copyOut = path.join(outDir, `${model}.h5py-copy.h5`);
  const legacyLabel = byKeras ? 'legacy .h5 (model.save)' : 'legacy weights-only .h5 (h5py fallback)';
  const keras3Label = byKeras ? 'Keras 3 .weights.h5' : 'second legacy .h5 (h5py fallback)';
  for (const f of [legacy, keras3, file('target_h5')]) warmPageCache(f);
  const rows = [];
  for (const [which, p] of [
    [legacyLabel, legacy],
    [keras3Label, keras3],
  ]) {
    rows.push(
      measureRow({
        model,
        label: `open + list metadata, ${which}`,
        graft: () => runGraft('list', ['--warm', p]),
        h5py: () => runH5py('list', ['--warm', p]),
        check: ['weights', 'elements'],
      }),
    );
  }
  for (const [which, p] of [
    ['legacy .h5', legacy],
    [keras3Label, keras3],
  ]) {
    rows.push(
      measureRow({
        model,
        label: `open + list + read every tensor, ${which}`,
        graft: () => runGraft('read-all', ['--warm', p]),
        h5py: () => runH5py('read-all', ['--warm', p]),
        floor: () => runGraft('read-file', [p]),
        memory: true,
        check: ['weights', 'elements', 'bytes'],
      }),
    );
  }
  rows.push(
    measureRow({
      model,
      label: `convert legacy .h5 -> ${path.basename(convertOut).replace(`${model}.converted`, '')} (h5py: copy every dataset)`,
      graft: () => runGraft('convert', [legacy, convertOut], scratchDir),
      h5py: () => runH5py('copy', [legacy, copyOut]),
      memory: true,
    }),
  );
  return rows;
}

function measureTransfer(model, entry) {
  const source = path.join(bigDir, entry.files.source_h5.name);
  const target = path.join(bigDir, entry.files.target_h5.name);
  const output = path.join(outDir, `${model}.grafted.h5`);
  const fresh = () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
  };
  const runs = [];
  for (let k = 0; k < repetitions; k++) {
    runs.push(runGraft('apply', [source, target, output], scratchDir));
    fresh();
  }
  // One extra run through GraftSession step by step says where the time goes.
  const breakdown = runGraft('transfer-phases', [source, target, output], scratchDir);
  fresh();
  const result = {
    model,
    ...summarise(runs),
    phases: breakdown.detail.phases,
    breakdownMs: breakdown.ms,
    detail: { ...breakdown.detail, wrote: runs[0].detail.wrote },
  };
  log(`  ${model} graft apply: ${Math.round(result.ms)} ms`);
  return result;
}

/** The optional Chromium row; a missing browser or app hook, or a failed build, is a skip with a reason. */
async function browserRows(manifest) {
  const why = withBrowser ? browserUnavailable(root) : '--no-browser';
  if (why) return { skipped: why, rows: [] };
  log('browser (production build, Chromium):');
  const files = models.flatMap((m) => {
    const e = manifest.models[m];
    return [
      { label: `${m} ${e.files.source_h5.name}`, file: path.join(bigDir, e.files.source_h5.name) },
      {
        label: `${m} ${e.files.source_weights_h5.name}`,
        file: path.join(bigDir, e.files.source_weights_h5.name),
      },
    ];
  });
  try {
    const rows = await measureBrowserLoads({
      root,
      outDir: path.join(bigDir, 'web'),
      files,
      repetitions,
      log,
    });
    return { skipped: null, rows };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    log(`  browser row skipped: ${reason}`);
    return { skipped: reason, rows: [] };
  }
}

function machine() {
  const pkg = (name) =>
    JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    h5wasm: pkg('h5wasm'),
    tsx: pkg('tsx'),
    reference: h5pyVersions(),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

async function main() {
  const started = Date.now();
  const { manifest, generatedSeconds } = ensureInputs({ root, dir: bigDir, models, generator, log });
  mkdirSync(outDir, { recursive: true });
  const results = {
    when: new Date().toISOString(),
    quick,
    repetitions,
    machine: machine(),
    inputs: { generatedSeconds, models: Object.fromEntries(models.map((m) => [m, manifest.models[m]])) },
    rows: [],
    transfers: [],
  };
  for (const model of models) {
    log(`${model}:`);
    results.rows.push(...modelRows(model, manifest.models[model]));
    results.transfers.push(measureTransfer(model, manifest.models[model]));
  }
  log('alignment and start-up:');
  results.align = summarise(Array.from({ length: repetitions }, () => runGraft('align', ['1000'])));
  const startup = (mode) => summarise(Array.from({ length: repetitions }, () => runStartup(mode)));
  results.startup = { tsx: startup('tsx'), nativeFirst: startup('native-first') };
  results.browser = await browserRows(manifest);
  results.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.seconds = Math.round((Date.now() - started) / 1000);
  rmSync(outDir, { recursive: true, force: true });

  if (asJson) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const m = results.machine;
  const gen = models.map((x) => `${x}: ${manifest.models[x].generator}`).join(', ');
  process.stdout.write(
    [
      `Graft benchmark, ${results.when} (${results.seconds} s; inputs ${generatedSeconds ? `generated in ${Math.round(generatedSeconds)} s` : 'cached'}; ${gen})`,
      `machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, h5wasm ${m.h5wasm}; reference h5py ${m.reference?.h5py} (HDF5 ${m.reference?.hdf5}); load average ${m.loadAverageAtStart.join(' ')} -> ${m.loadAverageAtEnd.join(' ')}`,
      '',
      renderTables(results),
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  rmSync(outDir, { recursive: true, force: true });
  log(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
