// Hand-built ModelSpecs that imitate the shapes and layer orders of the keras-apps fixture pairs
// (see ../shared/fixtures/keras-apps/MANIFEST.md), so the matcher can be tested without readers.
import type { LayerSpec, ModelSpec, WeightSpec } from '../../src/model';

export function weight(name: string, shape: number[]): WeightSpec {
  return {
    name,
    shape,
    dtype: 'float32',
    trainable: !name.startsWith('moving_'),
    values: null,
    storedName: null,
  };
}

export function layer(name: string, className: string | null, weights: WeightSpec[] = []): LayerSpec {
  return { id: name, name, className, config: null, inbound: [], path: [], weights };
}

export const conv = (name: string, k: number, cin: number, cout: number, bias = true) =>
  layer(name, 'Conv2D', [weight('kernel', [k, k, cin, cout]), ...(bias ? [weight('bias', [cout])] : [])]);
export const depthwise = (name: string, k: number, c: number) =>
  layer(name, 'DepthwiseConv2D', [weight('depthwise_kernel', [k, k, c, 1])]);
export const bn = (name: string, c: number) =>
  layer(
    name,
    'BatchNormalization',
    ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => weight(w, [c])),
  );
export const dense = (name: string, cin: number, cout: number) =>
  layer(name, 'Dense', [weight('kernel', [cin, cout]), weight('bias', [cout])]);
export const plain = (name: string, className: string) => layer(name, className);

export function model(layers: LayerSpec[], name = 'model'): ModelSpec {
  return {
    format: 'keras-legacy-model',
    kerasVersion: '3.15.1',
    backend: 'tensorflow',
    modelClass: 'Functional',
    name,
    layers,
    inputs: [],
    outputs: [],
    modelConfig: null,
    archiveMetadata: null,
    notes: [],
  };
}

/** A nested model entry followed by its inner layers, with `path` and `id` as the readers give them. */
export function nested(
  name: string,
  className: string,
  inner: LayerSpec[],
  outerPath: string[] = [],
): LayerSpec[] {
  const path = [...outerPath, name];
  const prefix = path.join('/');
  const entry: LayerSpec = { ...layer(name, className), id: [...outerPath, name].join('/'), path: outerPath };
  const children: LayerSpec[] = [];
  const moved = inner.map((l) => {
    const copy: LayerSpec = { ...l, path: [...path, ...l.path], id: `${prefix}/${l.id}` };
    if (l.path.length === 0) children.push(copy);
    return copy;
  });
  entry.children = children.map((c) => c.id);
  return [entry, ...moved];
}

/** A weights-only file: no architecture, so no class names (layer order and weights only). */
export function withoutClasses(spec: ModelSpec): ModelSpec {
  return {
    ...spec,
    modelClass: null,
    format: 'keras-legacy-weights',
    layers: spec.layers.map((l) => ({ ...l, className: null })),
  };
}

const snake = (className: string) =>
  className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();

/**
 * The same network built without names: Keras names each layer after its class with a counter
 * (`conv2d`, `conv2d_1`, ...). `renamed` maps each old id to its new one.
 */
export function kerasAutoNames(
  spec: ModelSpec,
  counterStart = 0,
): { spec: ModelSpec; renamed: Map<string, string> } {
  const counters = new Map<string, number>();
  const renamed = new Map<string, string>();
  const layers = spec.layers.map((l) => {
    const base = snake(l.className ?? 'layer');
    const k = counters.get(base) ?? counterStart;
    counters.set(base, k + 1);
    const name = k === 0 ? base : `${base}_${k}`;
    renamed.set(l.id, name);
    return { ...l, id: name, name };
  });
  return { spec: { ...spec, layers }, renamed };
}

/** VGG16 layer names with filters /4 on 64x64x3 and a small head, as vggmini_source.h5. */
export function vggMini(options: { withoutBlock4?: boolean } = {}): ModelSpec {
  const blocks: [number, number][] = [
    [1, 2],
    [2, 2],
    [3, 3],
    [4, 3],
    [5, 3],
  ];
  const filters = [16, 32, 64, 128, 128];
  const layers: LayerSpec[] = [plain('input_1', 'InputLayer')];
  let channels = 3;
  let side = 64;
  for (const [block, convs] of blocks) {
    if (options.withoutBlock4 && block === 4) continue;
    const f = filters[block - 1];
    for (let c = 1; c <= convs; c++) {
      layers.push(conv(`block${block}_conv${c}`, 3, channels, f));
      channels = f;
    }
    layers.push(plain(`block${block}_pool`, 'MaxPooling2D'));
    side /= 2;
  }
  layers.push(
    plain('flatten', 'Flatten'),
    dense('fc1', side * side * channels, 64),
    dense('fc2', 64, 64),
    dense('predictions', 64, 10),
  );
  return model(layers, 'vggmini');
}

/** ResNet50-style v1 bottleneck stacks (no top), keras.applications names and layer order, as resmini_source.h5. */
export function resMini(
  stacks: number[] = [2, 3, 4, 2],
  skip: (stack: number, block: number) => boolean = () => false,
): ModelSpec {
  const layers: LayerSpec[] = [
    plain('input_1', 'InputLayer'),
    plain('conv1_pad', 'ZeroPadding2D'),
    conv('conv1_conv', 7, 3, 16),
    bn('conv1_bn', 16),
    plain('conv1_relu', 'Activation'),
    plain('pool1_pad', 'ZeroPadding2D'),
    plain('pool1_pool', 'MaxPooling2D'),
  ];
  let channels = 16;
  stacks.forEach((blocks, s) => {
    const f = 16 * 2 ** s;
    const stack = s + 2;
    for (let b = 1; b <= blocks; b++) {
      if (skip(stack, b)) continue;
      const p = `conv${stack}_block${b}`;
      layers.push(
        conv(`${p}_1_conv`, 1, channels, f),
        bn(`${p}_1_bn`, f),
        plain(`${p}_1_relu`, 'Activation'),
      );
      layers.push(conv(`${p}_2_conv`, 3, f, f), bn(`${p}_2_bn`, f), plain(`${p}_2_relu`, 'Activation'));
      if (b === 1) {
        layers.push(conv(`${p}_0_conv`, 1, channels, 4 * f), conv(`${p}_3_conv`, 1, f, 4 * f));
        layers.push(bn(`${p}_0_bn`, 4 * f), bn(`${p}_3_bn`, 4 * f));
      } else {
        layers.push(conv(`${p}_3_conv`, 1, f, 4 * f), bn(`${p}_3_bn`, 4 * f));
      }
      layers.push(plain(`${p}_add`, 'Add'), plain(`${p}_out`, 'Activation'));
      channels = 4 * f;
    }
  });
  return model(layers, 'resmini');
}

const divisible = (v: number, d = 8) => {
  const n = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return n < 0.9 * v ? n + d : n;
};

/** keras.applications MobileNetV2 (include_top=False) layer names, order and shapes for a width `alpha`. */
export function mobileNetV2(alpha: number): ModelSpec {
  const layers: LayerSpec[] = [plain('input_1', 'InputLayer')];
  const first = divisible(32 * alpha);
  layers.push(conv('Conv1', 3, 3, first, false), bn('bn_Conv1', first), plain('Conv1_relu', 'ReLU'));
  let channels = first;
  const settings: [number, number, number][] = [
    [1, 16, 1],
    [6, 24, 2],
    [6, 32, 3],
    [6, 64, 4],
    [6, 96, 3],
    [6, 160, 3],
    [6, 320, 1],
  ];
  let block = 0;
  for (const [t, c, n] of settings) {
    const out = divisible(c * alpha);
    for (let r = 0; r < n; r++) {
      const p = block === 0 ? 'expanded_conv_' : `block_${block}_`;
      const expanded = channels * t;
      if (block > 0) {
        layers.push(
          conv(`${p}expand`, 1, channels, expanded, false),
          bn(`${p}expand_BN`, expanded),
          plain(`${p}expand_relu`, 'ReLU'),
        );
      }
      layers.push(
        depthwise(`${p}depthwise`, 3, expanded),
        bn(`${p}depthwise_BN`, expanded),
        plain(`${p}depthwise_relu`, 'ReLU'),
      );
      layers.push(conv(`${p}project`, 1, expanded, out, false), bn(`${p}project_BN`, out));
      if (r > 0) layers.push(plain(`${p}add`, 'Add'));
      channels = out;
      block++;
    }
  }
  const last = alpha > 1 ? divisible(1280 * alpha) : 1280;
  layers.push(conv('Conv_1', 1, channels, last, false), bn('Conv_1_bn', last), plain('out_relu', 'ReLU'));
  return model(layers, `mobilenetv2_${alpha}`);
}

export const weightedIds = (spec: ModelSpec) =>
  spec.layers.filter((l) => l.weights.length > 0).map((l) => l.id);

/**
 * A long plain network of conv/bn blocks with pseudo-random widths (fixed seed), `blocks` blocks of
 * conv + bn + relu, a pooling layer after every block: 2 weighted layers per block. `skip` leaves out
 * blocks, as a cut would; names are `b<k>_conv` / `b<k>_bn` by block number.
 */
export function longNetwork(
  blocks: number,
  skip: (block: number) => boolean = () => false,
  seed = 1,
): ModelSpec {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const widths = Array.from({ length: blocks }, () => 8 * (1 + Math.floor(random() * 32)));
  const layers: LayerSpec[] = [plain('input', 'InputLayer')];
  let channels = 3;
  for (let k = 0; k < blocks; k++) {
    if (skip(k)) continue;
    layers.push(
      conv(`b${k}_conv`, 3, channels, widths[k]),
      bn(`b${k}_bn`, widths[k]),
      plain(`b${k}_relu`, 'ReLU'),
    );
    if (k % 3 === 2) layers.push(plain(`b${k}_pool`, 'MaxPooling2D'));
    channels = widths[k];
  }
  return model(layers, 'long');
}
