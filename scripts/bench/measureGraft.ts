// One measurement in a fresh process, so its peak RSS belongs to that work alone:
//   node scripts/bench/runMeasure.mjs <task> [--warm] <args...>   (runMeasure.mjs says why not tsx directly)
// Prints one JSON line: { ms, warmMs?, rssBeforeKiB, maxRssKiB, detail }. `ms` times the work only, not
// Node/tsx start-up or h5wasm's initialisation, the same way the h5py reference times its work after
// `import h5py`. With --warm the task runs a second time in the same process (JIT and wasm tiers warm,
// as in the app's long-lived worker) and `warmMs` is that second run.

import { readFileSync } from 'node:fs';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { autoMatch } from '../../src/core/match';
import { runCli } from './cliInProcess';
import { listModel, readAllTensors } from './modelReads';
import { syntheticPair } from './syntheticNetworks';
import { transferPhases } from './transferPhases';

type Task = (args: string[]) => Promise<unknown>;

const host = await createNodeH5Host();

function alignSynthetic(layerCount: number) {
  const { source, target, truth } = syntheticPair(layerCount);
  const start = performance.now();
  const result = autoMatch(source, target);
  const ms = performance.now() - start;
  const right = result.mapping.links.filter((link) => truth.get(link.target) === link.source).length;
  // Identical blocks make the cut's position ambiguous: a link to a layer of the same class and weight
  // shapes as the true one transfers equally well, and no matcher can tell them apart without values.
  const layerById = new Map(source.layers.map((l) => [l.id, l]));
  const signature = (id: string | undefined) => {
    const l = id === undefined ? undefined : layerById.get(id);
    return l ? `${l.className}${JSON.stringify(l.weights.map((w) => w.shape))}` : null;
  };
  const equivalent = result.mapping.links.filter(
    (link) => signature(truth.get(link.target)) === signature(link.source),
  ).length;
  return {
    ms,
    sourceLayers: source.layers.length,
    targetLayers: target.layers.length,
    weightedTargetLayers: truth.size,
    links: result.mapping.links.length,
    right,
    equivalent,
  };
}

const tasks: Record<string, Task> = {
  list: ([path]) => listModel(host, path),
  'read-all': ([path]) => readAllTensors(host, path),
  // The floor: the whole file into memory with one call.
  'read-file': async ([path]) => ({ bytes: readFileSync(path).byteLength }),
  // `graft convert` / `graft apply` through the CLI's main(); outputs are left for the caller to remove,
  // outside the timed work.
  convert: ([source, output]) => runCli(['convert', source, output]),
  apply: ([source, target, output]) => runCli(['apply', source, target, '-o', output]),
  // The same transfer through GraftSession step by step, for the phase breakdown.
  'transfer-phases': ([source, target, output]) => transferPhases(source, target, output),
  // The matcher alone; its own clock excludes building the specs.
  align: async ([layers]) => alignSynthetic(Number(layers ?? 1000)),
};

const [name, ...rest] = process.argv.slice(2);
const warm = rest[0] === '--warm';
const args = warm ? rest.slice(1) : rest;
const task = tasks[name];
if (!task) {
  console.error(`unknown task ${name}; one of ${Object.keys(tasks).join(', ')}`);
  process.exit(2);
}
async function timed(): Promise<{ ms: number; detail: Record<string, unknown> }> {
  const start = performance.now();
  const detail = (await task(args)) as Record<string, unknown>;
  return { ms: typeof detail.ms === 'number' ? detail.ms : performance.now() - start, detail };
}

const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
const { ms, detail } = await timed();
const maxRssKiB = process.resourceUsage().maxRSS;
const warmMs = warm ? (await timed()).ms : undefined;
process.stdout.write(`${JSON.stringify({ ms, warmMs, rssBeforeKiB, maxRssKiB, detail })}\n`);
