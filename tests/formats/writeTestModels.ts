// Synthetic targets for the writer tests: ModelSpecs built by hand (no reader involved) with
// seeded random tensors, so every expected byte is known independently of the code under test.
import { createHash } from 'node:crypto';
import type { DType, LayerSpec, ModelSpec, WeightSpec } from '../../src/model/modelSpec';
import type { Tensor } from '../../src/model/tensorExpr';

export function weight(
  name: string,
  shape: number[],
  trainable = true,
  dtype: DType = 'float32',
): WeightSpec {
  return { name, shape, dtype, trainable, values: null, storedName: null };
}

export function layer(
  name: string,
  className: string | null,
  weights: WeightSpec[],
  path: string[] = [],
  config: Record<string, unknown> | null = {},
): LayerSpec {
  return {
    id: [...path, name].join('/'),
    name,
    className,
    config: className ? { name, ...config } : null,
    inbound: [],
    path,
    weights,
  };
}

export function model(layers: LayerSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    format: 'keras-legacy-weights',
    kerasVersion: '2.15.0',
    backend: 'tensorflow',
    modelClass: 'Functional',
    name: 'synthetic',
    layers,
    inputs: [],
    outputs: [],
    modelConfig: null,
    archiveMetadata: null,
    notes: [],
    ...extra,
  };
}

/** Deterministic pseudo-random values (mulberry32) for a weight; different per seed string. */
export function seededTensor(seed: string, shape: number[], dtype: DType = 'float32'): Tensor {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const count = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'float16' || dtype === 'bfloat16') {
    // Arbitrary finite bit patterns: exponent field kept below all-ones.
    const bits = new Uint16Array(count);
    for (let i = 0; i < count; i++) {
      const raw = Math.floor(next() * 65536);
      bits[i] = dtype === 'float16' ? raw & 0xfbff : raw & 0xff7f;
    }
    return { shape, dtype, data: bits };
  }
  if (dtype === 'float64')
    return { shape, dtype, data: Float64Array.from({ length: count }, () => next() - 0.5) };
  if (dtype === 'int32')
    return { shape, dtype, data: Int32Array.from({ length: count }, () => Math.floor(next() * 1e6)) };
  return { shape, dtype, data: Float32Array.from({ length: count }, () => next() - 0.5) };
}

/** A provider serving seeded tensors that match each target weight. */
export function seededProvider(_target?: ModelSpec) {
  return async (l: LayerSpec, i: number): Promise<Tensor> =>
    seededTensor(`${l.id}:${i}`, l.weights[i].shape, l.weights[i].dtype);
}

export function sha256(tensor: Tensor): string {
  return createHash('sha256')
    .update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength))
    .digest('hex');
}

/**
 * A functional model with an input, a Dense, a weightless Activation, a BatchNormalization and a
 * nested model holding [BN, Dense] (the legacy order then interleaves their weights), plus a
 * frozen Dense whose weights are all non-trainable.
 */
export function nestedModel(): ModelSpec {
  return model([
    layer('input_1', 'InputLayer', []),
    layer('dense_1', 'Dense', [weight('kernel', [4, 3]), weight('bias', [3])], [], {
      units: 3,
      use_bias: true,
    }),
    layer('act', 'Activation', []),
    layer('bn', 'BatchNormalization', [
      weight('gamma', [3]),
      weight('beta', [3]),
      weight('moving_mean', [3], false),
      weight('moving_variance', [3], false),
    ]),
    { ...layer('inner', 'Functional', []), children: ['inner/inner_in', 'inner/bn_in', 'inner/dense_in'] },
    layer('inner_in', 'InputLayer', [], ['inner']),
    layer(
      'bn_in',
      'BatchNormalization',
      [
        weight('gamma', [3]),
        weight('beta', [3]),
        weight('moving_mean', [3], false),
        weight('moving_variance', [3], false),
      ],
      ['inner'],
    ),
    layer('dense_in', 'Dense', [weight('kernel', [3, 2]), weight('bias', [2])], ['inner'], {
      units: 2,
      use_bias: true,
    }),
    layer('frozen', 'Dense', [weight('kernel', [2, 2], false), weight('bias', [2], false)], [], {
      units: 2,
      use_bias: true,
      trainable: false,
    }),
  ]);
}
