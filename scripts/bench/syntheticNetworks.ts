// Two ~1,000-layer specs for timing the matcher alone: a ResNet-style bottleneck network (many
// blocks with identical shapes, the hard case for alignment) and a target with two middle blocks cut
// out and every layer renamed the way Keras auto-names them, so nothing can match by name.

import type { LayerSpec, ModelSpec, WeightSpec } from '../../src/model/modelSpec';

const weight = (name: string, shape: number[]): WeightSpec => ({
  name,
  shape,
  dtype: 'float32',
  trainable: !name.startsWith('moving'),
  values: null,
  storedName: null,
});

const layer = (name: string, className: string, weights: WeightSpec[] = []): LayerSpec => ({
  id: name,
  name,
  className,
  config: null,
  inbound: [],
  path: [],
  weights,
});

const conv = (name: string, k: number, cin: number, cout: number) =>
  layer(name, 'Conv2D', [weight('kernel', [k, k, cin, cout]), weight('bias', [cout])]);
const bn = (name: string, c: number) =>
  layer(
    name,
    'BatchNormalization',
    ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => weight(w, [c])),
  );

export interface SyntheticPair {
  source: ModelSpec;
  target: ModelSpec;
  /** Target layer id -> the source layer id it was made from. */
  truth: Map<string, string>;
}

function bottleneckNetwork(layerBudget: number, cut: Set<number>): { layers: LayerSpec[]; blocks: number } {
  const layers: LayerSpec[] = [layer('input', 'InputLayer')];
  const widths = [64, 128, 256, 512];
  let channels = 64;
  let block = 0;
  while (layers.length < layerBudget) {
    const stage = Math.min(3, Math.floor(block / 25));
    const w = widths[stage];
    const first = block % 25 === 0;
    const b = `s${stage}_b${block}`;
    if (!cut.has(block)) {
      if (first) layers.push(conv(`${b}_0_conv`, 1, channels, 4 * w), bn(`${b}_0_bn`, 4 * w));
      layers.push(
        conv(`${b}_1_conv`, 1, channels, w),
        bn(`${b}_1_bn`, w),
        layer(`${b}_1_relu`, 'Activation'),
      );
      layers.push(conv(`${b}_2_conv`, 3, w, w), bn(`${b}_2_bn`, w), layer(`${b}_2_relu`, 'Activation'));
      layers.push(conv(`${b}_3_conv`, 1, w, 4 * w), bn(`${b}_3_bn`, 4 * w));
      layers.push(layer(`${b}_add`, 'Add'), layer(`${b}_out`, 'Activation'));
      channels = 4 * w;
    }
    block += 1;
  }
  return { layers, blocks: block };
}

/** Keras's own `to_snake_case` (Conv2D -> conv2d, BatchNormalization -> batch_normalization). */
const snakeCase = (className: string) =>
  className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();

function model(layers: LayerSpec[], name: string): ModelSpec {
  return {
    format: 'keras-legacy-weights',
    kerasVersion: null,
    backend: null,
    modelClass: null,
    name,
    layers,
    inputs: [],
    outputs: [],
    modelConfig: null,
    archiveMetadata: null,
    notes: [],
  };
}

/** Source of about `layerCount` layers; target without two blocks in the middle of a stage, auto-named. */
export function syntheticPair(layerCount = 1000): SyntheticPair {
  const { layers: sourceLayers, blocks } = bottleneckNetwork(layerCount, new Set());
  const middle = Math.floor(blocks / 2);
  const cut = new Set([middle, middle + 1].map((k) => (k % 25 === 0 ? k + 2 : k)));
  // Build the target with the source's names first, then rename: the truth is name before renaming.
  const kept = bottleneckNetwork(layerCount, cut).layers.slice(0, sourceLayers.length - 10 * cut.size);
  const counters = new Map<string, number>();
  const truth = new Map<string, string>();
  const targetLayers = kept.map((l) => {
    const base = snakeCase(l.className ?? 'layer');
    const n = counters.get(base) ?? 0;
    counters.set(base, n + 1);
    const name = n === 0 ? base : `${base}_${n}`;
    if (l.weights.length > 0) truth.set(name, l.id);
    return { ...l, id: name, name };
  });
  return { source: model(sourceLayers, 'source'), target: model(targetLayers, 'target'), truth };
}
