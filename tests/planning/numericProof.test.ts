// Numeric proof: a network pruned (or widened) by planTransfer computes the same function as the
// source, when the source is built so that the dropped channels contribute nothing downstream. An
// inconsistent selection — the same plan with one layer's input channels chosen differently — breaks it.

import { describe, expect, it } from 'vitest';
import type { ModelSpec, Tensor, TensorExpr, TransferPlan } from '../../src/model';
import { planTransfer } from '../../src/core/plan';
import { evaluateTensor } from '../../src/core/tensor';
import { NetworkSpec } from './networkSpecs';
import { channelsOf, forward, maxAbs, maxAbsDifference, type Activation } from './nhwcForward';
import { evaluatePlan, linkByName, randomStore, seededRandom, storeIO, storeValues } from './planFixtures';

const H = 5;
const W = 5;

/**
 * img -> conv1 -> bn1 -> relu1 -> conv2 --+
 *    \------------------------> skip ----+-> add -> relu2 -> dw -> bn2 -> conv3 -> flat -> fc
 * Widths: A = conv1 out, B = conv2/skip out (joined by the Add, carried through dw/bn2), C = conv3 out.
 */
function residualNetwork(a: number, b: number, c: number): ModelSpec {
  const net = new NetworkSpec();
  net.input('img');
  net.conv('conv1', 'img', 3, 3, a);
  net.bn('bn1', 'conv1', a);
  net.plain('relu1', 'ReLU', ['bn1']);
  net.conv('conv2', 'relu1', 3, a, b);
  net.conv('skip', 'img', 1, 3, b);
  net.plain('add', 'Add', ['conv2', 'skip']);
  net.plain('relu2', 'ReLU', ['add']);
  net.depthwise('dw', 'relu2', 3, b);
  net.bn('bn2', 'dw', b);
  net.conv('conv3', 'bn2', 1, b, c);
  net.plain('flat', 'Flatten', ['conv3']);
  net.dense('fc', 'flat', H * W * c, 3);
  return net.build(['fc']);
}

const KEEP_A = [1, 2, 5, 7];
const KEEP_B = [0, 3, 4];
const KEEP_C = [1, 3];

type Store = Map<string, Tensor>;
const f32 = (store: Store, path: string) => store.get(path)!.data as Float32Array;

/** Scales the channels of `axis` not in `keep` (last axis = `stride` 1 when axis is last). */
function scaleChannels(
  tensor: Float32Array,
  shape: number[],
  axis: number,
  keep: number[],
  factor: number,
): void {
  const inner = shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const size = shape[axis];
  for (let i = 0; i < tensor.length; i++) {
    const channel = Math.floor(i / inner) % size;
    if (!keep.includes(channel)) tensor[i] *= factor;
  }
}

/**
 * A source whose dropped channels are weak producers (so l1 picks the kept ones) and exact zero
 * contributors downstream (so removing them changes nothing).
 */
function prunableSource(): { model: ModelSpec; store: Store } {
  const model = residualNetwork(8, 6, 4);
  const store = randomStore(model, 7);
  // Group A: conv1 outputs; conv2 reads them.
  scaleChannels(f32(store, 'conv1/kernel'), [3, 3, 3, 8], 3, KEEP_A, 0.01);
  scaleChannels(f32(store, 'conv2/kernel'), [3, 3, 8, 6], 2, KEEP_A, 0);
  // Group B: conv2 and skip write it (joined by the Add); dw and bn2 carry it; conv3 reads it.
  scaleChannels(f32(store, 'conv2/kernel'), [3, 3, 8, 6], 3, KEEP_B, 0.01);
  scaleChannels(f32(store, 'skip/kernel'), [1, 1, 3, 6], 3, KEEP_B, 0.01);
  scaleChannels(f32(store, 'conv3/kernel'), [1, 1, 6, 4], 2, KEEP_B, 0);
  // Group C: conv3 writes it; fc reads it flattened, rows (y*W + x)*C + c.
  scaleChannels(f32(store, 'conv3/kernel'), [1, 1, 6, 4], 3, KEEP_C, 0.01);
  const fcKernel = f32(store, 'fc/kernel');
  for (let row = 0; row < H * W * 4; row++)
    if (!KEEP_C.includes(row % 4)) for (let u = 0; u < 3; u++) fcKernel[row * 3 + u] = 0;
  return { model, store };
}

function randomImage(seed: number): Activation {
  const random = seededRandom(seed);
  return { shape: [H, W, 3], data: Float64Array.from({ length: H * W * 3 }, () => random() * 2 - 1) };
}

function weightPlan(plan: TransferPlan, layer: string, weight: string) {
  return plan.layers.find((l) => l.target === layer)!.weights.find((w) => w.weight === weight)!;
}

/** The channel indices a `take` on `axis` keeps somewhere in an expression. */
function takenOn(expr: TensorExpr, axis: number): number[] | null {
  if (expr.op === 'take' && expr.axis === axis) {
    const index = expr.index;
    return index.kind === 'range'
      ? Array.from({ length: index.length }, (_, i) => index.start + i)
      : index.indices;
  }
  if ('input' in expr) return takenOn(expr.input, axis);
  return null;
}

describe('numeric proof: consistent pruning keeps the function', () => {
  const source = prunableSource();
  const target = residualNetwork(4, 3, 2);
  const image = randomImage(99);
  const sourceOut = forward(source.model, image, storeValues(source.model, source.store));
  const io = storeIO(source.store);
  const readSource = (expr: TensorExpr) => evaluateTensor(expr, io);

  it('chooses one selection per group by l1 and the pruned network matches the source', async () => {
    const plan = await planTransfer(
      source.model,
      target,
      linkByName(source.model, target, { select: 'l1' }),
      { readSource },
    );
    expect(plan.problems).toEqual([]);
    // The same channels everywhere in each group.
    expect(takenOn(weightPlan(plan, 'conv1', 'kernel').expr, 3)).toEqual(KEEP_A);
    expect(takenOn(weightPlan(plan, 'bn1', 'gamma').expr, 0)).toEqual(KEEP_A);
    expect(takenOn(weightPlan(plan, 'conv2', 'kernel').expr, 2)).toEqual(KEEP_A);
    expect(takenOn(weightPlan(plan, 'conv2', 'kernel').expr, 3)).toEqual(KEEP_B);
    expect(takenOn(weightPlan(plan, 'skip', 'kernel').expr, 3)).toEqual(KEEP_B);
    expect(takenOn(weightPlan(plan, 'dw', 'kernel').expr, 2)).toEqual(KEEP_B);
    expect(takenOn(weightPlan(plan, 'bn2', 'moving_variance').expr, 0)).toEqual(KEEP_B);
    expect(takenOn(weightPlan(plan, 'conv3', 'kernel').expr, 2)).toEqual(KEEP_B);
    expect(takenOn(weightPlan(plan, 'fc', 'kernel').expr, 0)).toEqual(
      Array.from({ length: H * W }, (_, p) => KEEP_C.map((c) => p * 4 + c)).flat(),
    );
    expect(weightPlan(plan, 'fc', 'bias').status).toBe('copied');
    expect(weightPlan(plan, 'conv2', 'kernel').status).toBe('sliced');

    const pruned = forward(target, image, await evaluatePlan(plan, io));
    const sourceAdd = channelsOf(sourceOut.get('add')!, KEEP_B);
    expect(maxAbs(sourceAdd)).toBeGreaterThan(0.1);
    expect(maxAbsDifference(pruned.get('add')!, sourceAdd)).toBeLessThan(1e-5);
    expect(maxAbsDifference(pruned.get('conv3')!, channelsOf(sourceOut.get('conv3')!, KEEP_C))).toBeLessThan(
      1e-5,
    );
    expect(maxAbs(sourceOut.get('fc')!)).toBeGreaterThan(0.1);
    expect(maxAbsDifference(pruned.get('fc')!, sourceOut.get('fc')!)).toBeLessThan(1e-5);
  });

  it('negative control: one layer reading other channels than its producer kept breaks equality', async () => {
    const plan = await planTransfer(
      source.model,
      target,
      linkByName(source.model, target, { select: 'l1' }),
      { readSource },
    );
    const values = await evaluatePlan(plan, io);
    // conv2 reads the first four conv1 channels instead of the ones conv1 and bn1 kept.
    const inconsistent: TensorExpr = {
      op: 'take',
      axis: 2,
      index: { kind: 'indices', indices: [0, 1, 2, 3] },
      input: {
        op: 'take',
        axis: 3,
        index: { kind: 'indices', indices: KEEP_B },
        input: { op: 'read', path: 'conv2/kernel', shape: [3, 3, 8, 6], dtype: 'float32' },
      },
    };
    values.get('conv2')![0] = await evaluateTensor(inconsistent, io);
    const broken = forward(target, image, values);
    expect(maxAbsDifference(broken.get('fc')!, sourceOut.get('fc')!)).toBeGreaterThan(1e-2);
  });

  it("negative control: without source values the rule falls back to 'first', which here is wrong", async () => {
    const plan = await planTransfer(source.model, target, linkByName(source.model, target, { select: 'l1' }));
    expect(takenOn(weightPlan(plan, 'conv1', 'kernel').expr, 3)).toEqual([0, 1, 2, 3]);
    expect(
      weightPlan(plan, 'conv1', 'kernel')
        .steps.map((step) => step.detail)
        .join(' '),
    ).toMatch(/by first \(l1 needs source values\)/);
    const pruned = forward(target, image, await evaluatePlan(plan, io));
    expect(maxAbsDifference(pruned.get('fc')!, sourceOut.get('fc')!)).toBeGreaterThan(1e-2);
  });

  it('bn-gamma scores the group by its BatchNorm gammas', async () => {
    // Make l1 point the wrong way for group A and the gammas the right way.
    const store = new Map(
      [...source.store].map(([path, tensor]) => [
        path,
        { ...tensor, data: (tensor.data as Float32Array).slice() },
      ]),
    );
    scaleChannels(f32(store, 'conv1/kernel'), [3, 3, 3, 8], 3, KEEP_A, 1e4);
    scaleChannels(f32(store, 'bn1/gamma'), [8], 0, KEEP_A, 1e-3);
    const bnIO = storeIO(store);
    const gammaOf = (seedPlan: TransferPlan) => takenOn(weightPlan(seedPlan, 'bn1', 'gamma').expr, 0);
    // The group's rule comes from its producer's link: only conv1 asks for bn-gamma.
    const byGamma = await planTransfer(
      source.model,
      target,
      linkByName(source.model, target, { select: 'l1' }, { conv1: { select: 'bn-gamma' } }),
      {
        readSource: (expr) => evaluateTensor(expr, bnIO),
      },
    );
    expect(gammaOf(byGamma)).toEqual(KEEP_A);
    expect(weightPlan(byGamma, 'bn1', 'gamma').steps[0].detail).toMatch(
      /keep 4 of 8 by bn-gamma \(group conv1\/bn1\/conv2\)/,
    );
    expect(takenOn(weightPlan(byGamma, 'conv2', 'kernel').expr, 2)).toEqual(KEEP_A);
    const byL1 = await planTransfer(
      source.model,
      target,
      linkByName(source.model, target, { select: 'l1' }),
      {
        readSource: (expr) => evaluateTensor(expr, bnIO),
      },
    );
    expect(gammaOf(byL1)).toEqual([0, 3, 4, 6]);
    const pruned = forward(target, image, await evaluatePlan(byGamma, bnIO));
    const reference = forward(source.model, image, storeValues(source.model, store));
    expect(maxAbsDifference(pruned.get('fc')!, reference.get('fc')!)).toBeLessThan(
      1e-4 * maxAbs(reference.get('fc')!),
    );
  });
});

describe('numeric proof: widening keeps the function', () => {
  const model = residualNetwork(8, 6, 4);
  const store = randomStore(model, 3);
  const image = randomImage(5);
  const io = storeIO(store);
  const reference = forward(model, image, storeValues(model, store)).get('fc')!;

  it('Net2Net replicate: repeated channels, next layer divided by the count', async () => {
    const wide = residualNetwork(13, 9, 4);
    const plan = await planTransfer(model, wide, linkByName(model, wide, { grow: 'replicate' }));
    expect(plan.problems).toEqual([]);
    const conv3 = weightPlan(plan, 'conv3', 'kernel');
    expect(conv3.expr).toMatchObject({
      op: 'replicate',
      axis: 2,
      sources: [0, 1, 2, 3, 4, 5, 0, 1, 2],
      divide: true,
    });
    expect(weightPlan(plan, 'conv1', 'kernel').expr).toMatchObject({
      op: 'replicate',
      axis: 3,
      divide: false,
    });
    expect(weightPlan(plan, 'conv1', 'kernel').status).toBe('padded');
    expect(plan.coverage).toBe(1);
    const widened = forward(wide, image, await evaluatePlan(plan, io)).get('fc')!;
    expect(maxAbs(reference)).toBeGreaterThan(0.1);
    expect(maxAbsDifference(widened, reference)).toBeLessThan(1e-5);
  });

  it('zero padding: new channels are silent', async () => {
    const wide = residualNetwork(10, 7, 4);
    const plan = await planTransfer(model, wide, linkByName(model, wide, { grow: 'zeros' }));
    expect(weightPlan(plan, 'conv2', 'kernel').status).toBe('padded');
    expect(plan.coverage).toBeLessThan(1);
    const widened = forward(wide, image, await evaluatePlan(plan, io)).get('fc')!;
    expect(maxAbsDifference(widened, reference)).toBeLessThan(1e-5);
  });

  it('negative control: replicating without dividing the next layer changes the output', async () => {
    const wide = residualNetwork(13, 9, 4);
    const plan = await planTransfer(model, wide, linkByName(model, wide, { grow: 'replicate' }));
    const values = await evaluatePlan(plan, io);
    const conv3 = weightPlan(plan, 'conv3', 'kernel').expr;
    values.get('conv3')![0] = await evaluateTensor(
      { ...(conv3 as Extract<TensorExpr, { op: 'replicate' }>), divide: false },
      io,
    );
    const widened = forward(wide, image, values).get('fc')!;
    expect(maxAbsDifference(widened, reference)).toBeGreaterThan(1e-2);
  });
});
