// Times the matcher on large inputs: `npx tsx scripts/bench-align.ts [layers]`.
// 1. alignLayers alone on two random 1,000-element sequences with a trivial score.
// 2. autoMatch on two ~1,000-weighted-layer networks where every target layer was renamed and a block
//    range was cut from the middle, so nothing matches by name and alignment does all the work.
import { alignLayers } from '../src/core/match/alignLayers';
import { autoMatch } from '../src/core/match';
import { kerasAutoNames, longNetwork } from '../tests/core/kerasLikeModels';

const size = Number(process.argv[2] ?? 1000);

function time<T>(label: string, run: () => T, repeats = 5): T {
  let result = run(); // warm-up
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    result = run();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  console.log(
    `${label}: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, best ${times[0].toFixed(1)} ms`,
  );
  return result;
}

const a = Array.from({ length: size }, (_, k) => (k * 7919) % 13);
const b = Array.from({ length: size }, (_, k) => (k * 104729) % 13);
time(`alignLayers ${size} x ${size}`, () =>
  alignLayers(a, b, (x, y) => (x === y ? 2 : -1), { open: 3, extend: 0.5 }),
);

const blocks = Math.round(size / 2);
const cutFrom = Math.floor(blocks * 0.4);
const cutBlocks = Math.max(1, Math.round(blocks * 0.05));
const source = longNetwork(blocks + cutBlocks);
const kept = longNetwork(blocks + cutBlocks, (k) => k >= cutFrom && k < cutFrom + cutBlocks);
const { spec: target, renamed } = kerasAutoNames(kept);
const weighted = (n: typeof source) => n.layers.filter((l) => l.weights.length > 0).length;
const result = time(
  `autoMatch ${weighted(target)} x ${weighted(source)} weighted layers (all renamed, ${2 * cutBlocks} cut)`,
  () => autoMatch(source, target),
);
const back = new Map([...renamed].map(([old, now]) => [now, old]));
const right = result.mapping.links.filter((l) => back.get(l.target) === l.source).length;
console.log(
  `links ${result.mapping.links.length}, right ${right} of ${weighted(target)}, unmatched ${result.unmatched.length}`,
);
const heap = process.memoryUsage().heapUsed / 2 ** 20;
console.log(`heap used after: ${heap.toFixed(0)} MiB`);
