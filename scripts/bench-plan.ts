// Times planTransfer on a synthetic residual network (conv -> BN -> ReLU blocks joined by Adds) pruned to
// half width, with l1 scoring over real (random) values. Run: npx tsx scripts/bench-plan.ts [blocks]
import type { Tensor, TensorExpr } from '../src/model';
import { planTransfer } from '../src/core/plan';
import { evaluateTensor } from '../src/core/tensor';
import { NetworkSpec } from '../tests/planning/networkSpecs';
import { linkByName, randomStore, storeIO } from '../tests/planning/planFixtures';

function residualStack(blocks: number, width: number) {
  const net = new NetworkSpec();
  net.input('img');
  let x = net.conv('stem', 'img', 3, 3, width);
  for (let b = 0; b < blocks; b++) {
    const c1 = net.conv(`b${b}_conv1`, x, 1, width, width * 2);
    const n1 = net.bn(`b${b}_bn1`, c1, width * 2);
    const r1 = net.plain(`b${b}_relu`, 'ReLU', [n1]);
    const dw = net.depthwise(`b${b}_dw`, r1, 3, width * 2);
    const c2 = net.conv(`b${b}_conv2`, dw, 1, width * 2, width);
    const n2 = net.bn(`b${b}_bn2`, c2, width);
    x = net.plain(`b${b}_add`, 'Add', [x, n2]);
  }
  net.plain('pool', 'GlobalAveragePooling2D', [x]);
  net.dense('head', 'pool', width, 10);
  return net.build(['head']);
}

const blocks = Number(process.argv[2] ?? 200);
const source = residualStack(blocks, 64);
const target = residualStack(blocks, 32);
const store: Map<string, Tensor> = randomStore(source, 1);
const io = storeIO(store);
const started = performance.now();
const plan = await planTransfer(source, target, linkByName(source, target), {
  readSource: (expr: TensorExpr) => evaluateTensor(expr, io),
});
const elapsed = performance.now() - started;
console.log(
  `${target.layers.length} layers, ${plan.layers.length} weighted, ${plan.layers.reduce((n, l) => n + l.weights.length, 0)} weights: ` +
    `planned in ${elapsed.toFixed(0)} ms; counts ${JSON.stringify(plan.counts)}; problems ${plan.problems.length}`,
);
