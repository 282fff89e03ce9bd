import { describe, expect, it } from 'vitest';
import type { LayerSpec, Tensor, TensorExpr } from '../../model';
import { evaluateTensor } from '../tensor';
import { adaptTensor, type AxisPlan } from './adaptTensor';
import { leadingMap, replicaSources, spatialMap } from './axisMaps';
import { layerChannelsOf } from './axisRoles';
import { pairWeights, roleAlignment } from './weightPairing';

const f32 = (shape: number[], values: number[]): Tensor => ({
  shape,
  dtype: 'float32',
  data: Float32Array.from(values),
});
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** source: shape (2, 4) = [[0..3], [10..13]]; target own: all 100 + index. */
const source = f32([2, 4], [0, 1, 2, 3, 10, 11, 12, 13]);
const io = {
  readSource: async () => source,
  readTarget: async (path: string) =>
    path === 'own35' ? f32([3, 5], range(15, 100)) : f32([2, 6], range(12, 100)),
};
const sourceExpr: TensorExpr = { op: 'read', path: 's', shape: [2, 4], dtype: 'float32' };
const unchanged: AxisPlan = { map: null, fill: 'zeros', divide: false, kind: 'channel', detail: 'unchanged' };
const plan = (map: number[], extra: Partial<AxisPlan> = {}): AxisPlan => ({
  map,
  fill: 'zeros',
  divide: false,
  kind: 'channel',
  detail: 'test',
  ...extra,
});

async function run(axes: AxisPlan[], targetShape: number[], targetOwn: TensorExpr | null = null) {
  const result = adaptTensor({
    source: sourceExpr,
    sourceShape: [2, 4],
    sourceDType: 'float32',
    targetShape,
    targetDType: 'float32',
    targetOwn,
    axes,
  });
  const value = await evaluateTensor(result.expr, io);
  return { ...result, value: Array.from(value.data as Float32Array), shape: value.shape };
}

describe('adaptTensor', () => {
  it('copies when nothing changes', async () => {
    const out = await run([unchanged, unchanged], [2, 4]);
    expect(out.status).toBe('copied');
    expect(out.value).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
    expect(out.expr).toEqual(sourceExpr);
    expect(out.sourceElements).toBe(8);
  });

  it('slices the kept channels', async () => {
    const out = await run([unchanged, plan([1, 3])], [2, 2]);
    expect(out.status).toBe('sliced');
    expect(out.value).toEqual([1, 3, 11, 13]);
    expect(out.steps).toEqual([{ kind: 'slice', axis: 1, detail: 'slice axis 1: test' }]);
  });

  it('pads new channels with zeros or with the target values at the same positions', async () => {
    const zeros = await run([unchanged, plan(leadingMap(4, 6))], [2, 6]);
    expect(zeros.status).toBe('padded');
    expect(zeros.value).toEqual([0, 1, 2, 3, 0, 0, 10, 11, 12, 13, 0, 0]);
    expect(zeros.sourceElements).toBe(8);
    const own: TensorExpr = { op: 'target', path: 'own26', shape: [2, 6], dtype: 'float32' };
    const target = await run([unchanged, plan(leadingMap(4, 6), { fill: 'target' })], [2, 6], own);
    expect(target.value).toEqual([0, 1, 2, 3, 104, 105, 10, 11, 12, 13, 110, 111]);
  });

  it('pads two axes from the target: every new position gets the target value', async () => {
    const own: TensorExpr = { op: 'target', path: 'own35', shape: [3, 5], dtype: 'float32' };
    const out = await run(
      [plan([0, -1, 1], { fill: 'target' }), plan([0, 1, 2, 3, -1], { fill: 'target' })],
      [3, 5],
      own,
    );
    expect(out.value).toEqual([0, 1, 2, 3, 104, 105, 106, 107, 108, 109, 10, 11, 12, 13, 114]);
    expect(out.sourceElements).toBe(8);
  });

  it('slices one axis and grows the other', async () => {
    const out = await run([plan([1, -1, -1]), plan([3, 0])], [3, 2]);
    expect(out.status).toBe('adapted');
    expect(out.value).toEqual([13, 10, 0, 0, 0, 0]);
  });

  it('replicates (Net2Net), dividing repeated positions only when asked', async () => {
    const copies = await run([unchanged, plan([0, 1, 2, 3, 0, 1])], [2, 6]);
    expect(copies.value).toEqual([0, 1, 2, 3, 0, 1, 10, 11, 12, 13, 10, 11]);
    expect(copies.status).toBe('padded');
    const divided = await run([unchanged, plan([0, 1, 2, 3, 0, 1], { divide: true })], [2, 6]);
    expect(divided.value).toEqual([0, 0.5, 2, 3, 0, 0.5, 5, 5.5, 12, 13, 5, 5.5]);
    expect(divided.steps[0].detail).toMatch(/divided by their count/);
  });

  it('spatial maps keep kernels centred', async () => {
    expect(spatialMap(5, 3, 'center')).toEqual([1, 2, 3]);
    expect(spatialMap(3, 5, 'center')).toEqual([-1, 0, 1, 2, -1]);
    expect(spatialMap(3, 5, 'corner')).toEqual([0, 1, 2, -1, -1]);
    expect(spatialMap(4, 3, 'center')).toEqual([0, 1, 2]);
    const crop = await run([unchanged, plan(spatialMap(4, 2, 'center'), { kind: 'spatial' })], [2, 2]);
    expect(crop.value).toEqual([1, 2, 11, 12]);
    expect(crop.status).toBe('adapted');
    expect(crop.steps[0].kind).toBe('crop');
    const grown = await run([unchanged, plan(spatialMap(4, 6, 'center'), { kind: 'spatial' })], [2, 6]);
    expect(grown.value).toEqual([0, 0, 1, 2, 3, 0, 0, 10, 11, 12, 13, 0]);
  });

  it('grows with a new channel in the middle (concatenated groups)', async () => {
    const out = await run([unchanged, plan([0, 1, -1, 3])], [2, 4]);
    expect(out.value).toEqual([0, 1, 0, 3, 10, 11, 0, 13]);
  });

  it('casts at the end and says so when dtypes differ', () => {
    const result = adaptTensor({
      source: sourceExpr,
      sourceShape: [2, 4],
      sourceDType: 'float32',
      targetShape: [2, 4],
      targetDType: 'float16',
      targetOwn: null,
      axes: [unchanged, unchanged],
    });
    expect(result.status).toBe('converted');
    expect(result.expr).toEqual({ op: 'cast', dtype: 'float16', input: sourceExpr });
  });

  it("reports a 'target' fill when the target has no values, and uses zeros", async () => {
    const out = await run([unchanged, plan(leadingMap(4, 5), { fill: 'target' })], [2, 5], null);
    expect(out.problems).toEqual([
      'the target has no values of its own to fill new positions with; used zeros',
    ]);
    expect(out.value).toEqual([0, 1, 2, 3, 0, 10, 11, 12, 13, 0]);
  });
});

describe('axis roles', () => {
  const layer = (
    className: string | null,
    weights: Array<[string, number[]]>,
    config: Record<string, unknown> = {},
  ): LayerSpec => ({
    id: 'l',
    name: 'l',
    className,
    config,
    inbound: [],
    path: [],
    weights: weights.map(([name, shape]) => ({
      name,
      shape,
      dtype: 'float32',
      trainable: true,
      values: null,
      storedName: null,
    })),
  });
  const kinds = (spec: LayerSpec) =>
    layerChannelsOf(spec).roles.map((roles) => roles.map((role) => role.kind).join(','));

  it('Conv2D, Conv2DTranspose, depthwise and separable kernels', () => {
    expect(
      kinds(
        layer('Conv2D', [
          ['kernel', [3, 3, 8, 16]],
          ['bias', [16]],
        ]),
      ),
    ).toEqual(['spatial,spatial,in,out', 'out']);
    expect(
      kinds(
        layer('Conv2DTranspose', [
          ['kernel', [3, 3, 16, 8]],
          ['bias', [16]],
        ]),
      ),
    ).toEqual(['spatial,spatial,out,in', 'out']);
    expect(
      kinds(
        layer('DepthwiseConv2D', [
          ['depthwise_kernel', [3, 3, 8, 1]],
          ['bias', [8]],
        ]),
      ),
    ).toEqual(['spatial,spatial,in,other', 'out']);
    expect(layerChannelsOf(layer('DepthwiseConv2D', [['kernel', [3, 3, 8, 2]]])).flow).toEqual({
      kind: 'expand',
      expand: { factor: 2, layout: 'outer' },
    });
    expect(
      kinds(
        layer('SeparableConv2D', [
          ['depthwise_kernel', [3, 3, 8, 1]],
          ['pointwise_kernel', [1, 1, 8, 16]],
          ['bias', [16]],
        ]),
      ),
    ).toEqual(['spatial,spatial,in,other', 'spatial,spatial,in,out', 'out']);
    expect(kinds(layer('Conv2D', [['kernel', [3, 3, 4, 16]]], { groups: 2 }))).toEqual([
      'spatial,spatial,other,out',
    ]);
  });

  it('guesses classes for weights-only files and unwraps TimeDistributed', () => {
    expect(
      layerChannelsOf(
        layer(null, [
          ['kernel', [3, 3, 8, 16]],
          ['bias', [16]],
        ]),
      ).family,
    ).toBe('conv');
    expect(
      layerChannelsOf(
        layer(null, [
          ['kernel', [8, 16]],
          ['bias', [16]],
        ]),
      ).family,
    ).toBe('dense');
    expect(
      layerChannelsOf(
        layer(null, [
          ['gamma', [8]],
          ['beta', [8]],
          ['moving_mean', [8]],
          ['moving_variance', [8]],
        ]),
      ).family,
    ).toBe('normalization');
    expect(layerChannelsOf(layer(null, [['depthwise_kernel', [3, 3, 8, 1]]])).family).toBe('depthwise');
    expect(layerChannelsOf(layer(null, [])).flow).toEqual({ kind: 'same' });
    expect(
      layerChannelsOf(
        layer(
          'TimeDistributed',
          [
            ['kernel', [8, 4]],
            ['bias', [4]],
          ],
          { layer: { class_name: 'Dense' } },
        ),
      ).family,
    ).toBe('dense');
    const lstm = layerChannelsOf(
      layer(null, [
        ['kernel', [8, 16]],
        ['recurrent_kernel', [4, 16]],
        ['bias', [16]],
      ]),
    );
    expect(lstm.family).toBe('recurrent');
    expect(lstm.roles[1]).toEqual([
      { kind: 'loop' },
      { kind: 'out', expand: { factor: 4, layout: 'inner' } },
    ]);
  });

  it('a Reshape to (1, 1, C) keeps channels (squeeze-and-excitation); other reshapes are opaque', () => {
    expect(layerChannelsOf(layer('Reshape', [], { target_shape: [1, 1, 32] })).flow).toEqual({
      kind: 'same',
    });
    expect(layerChannelsOf(layer('Reshape', [], { target_shape: [4, 8] })).flow).toEqual({ kind: 'opaque' });
    expect(layerChannelsOf(layer('Lambda', [])).flow).toEqual({ kind: 'opaque' });
  });

  it('aligns a Conv2DTranspose kernel to a Conv2D kernel by role', () => {
    const conv = layerChannelsOf(layer('Conv2D', [['kernel', [3, 3, 8, 16]]])).roles[0];
    const transpose = layerChannelsOf(layer('Conv2DTranspose', [['kernel', [3, 3, 16, 8]]])).roles[0];
    expect(roleAlignment(conv, transpose)).toEqual([0, 1, 3, 2]);
    expect(roleAlignment(conv, conv)).toBeNull();
  });

  it('pairs weights by name when every name is found, else by position', () => {
    const bnTarget = layer('BatchNormalization', [
      ['beta', [4]],
      ['moving_mean', [4]],
      ['moving_variance', [4]],
    ]);
    const bnSource = layer('BatchNormalization', [
      ['gamma', [4]],
      ['beta', [4]],
      ['moving_mean', [4]],
      ['moving_variance', [4]],
    ]);
    expect(pairWeights(bnTarget, bnSource)).toMatchObject({
      by: 'name',
      pairs: [
        { target: 0, source: 1 },
        { target: 1, source: 2 },
        { target: 2, source: 3 },
      ],
    });
    const keras3 = layer('DepthwiseConv2D', [
      ['kernel', [3, 3, 4, 1]],
      ['bias', [4]],
    ]);
    const keras2 = layer('DepthwiseConv2D', [
      ['depthwise_kernel', [3, 3, 4, 1]],
      ['bias', [4]],
    ]);
    expect(pairWeights(keras3, keras2)).toMatchObject({
      by: 'position',
      pairs: [
        { target: 0, source: 0 },
        { target: 1, source: 1 },
      ],
      notes: [],
    });
  });

  it('replica sources are cyclic or seeded-random', () => {
    expect(replicaSources(3, 5, 'first', 0)).toEqual([0, 1, 2, 0, 1]);
    const random = replicaSources(10, 50, 'random', 42);
    expect(random).toEqual(replicaSources(10, 50, 'random', 42));
    expect(new Set(random).size).toBeGreaterThan(3);
    expect(random.every((i) => i >= 0 && i < 10)).toBe(true);
  });
});
