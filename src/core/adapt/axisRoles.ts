// What each axis of each weight means, per Keras layer class, and how a layer passes channels from its
// input to its output. Both the channel-coupling code (prune) and the adapters read this, so a
// Conv2DTranspose kernel `(kh, kw, out, in)` or a depthwise kernel `(kh, kw, in, multiplier)` is
// sliced on the right axes everywhere.

import type { LayerSpec, WeightSpec } from '../../model';

/**
 * How an axis indexes a channel space that is wider than the channels themselves:
 * `inner` — position-major, channel fastest: index = p * C + c (Flatten rows, RNN gate blocks);
 * `outer` — channel-major: index = c * k + m (depthwise multiplier).
 * `factor: null` means it follows from the shapes (a Flatten's height x width).
 */
export interface Expansion {
  factor: number | null;
  layout: 'inner' | 'outer';
}

export type AxisRole =
  /** The channels of the tensor the layer reads. */
  | { kind: 'in'; expand?: Expansion }
  /** The channels of the tensor the layer writes. */
  | { kind: 'out'; expand?: Expansion }
  /** The layer's own output channels read back (recurrent kernels). */
  | { kind: 'loop'; expand?: Expansion }
  | { kind: 'spatial' }
  /** Not a channel axis (vocabulary, depth multiplier, GRU bias halves...). */
  | { kind: 'other' };

export type ChannelFlow =
  /** The output has the layer's own channels (Dense, Conv, Embedding, RNN). */
  | { kind: 'new' }
  /** The output has the input's channels (normalisation, activations, pooling, depthwise with multiplier 1). */
  | { kind: 'same' }
  /** The output is the input's channels widened (depthwise multiplier: outer; Flatten: inner). */
  | { kind: 'expand'; expand: Expansion }
  /** All inputs share their channels (Add, Subtract, Multiply, Maximum, Minimum, Average). */
  | { kind: 'merge' }
  /** Inputs are laid side by side on the channel axis. */
  | { kind: 'concat' }
  /** Channels are rearranged in a way graft does not follow (Reshape, Lambda, attention, Bidirectional). */
  | { kind: 'opaque' };

export type LayerFamily =
  | 'dense'
  | 'conv'
  | 'conv-transpose'
  | 'depthwise'
  | 'separable'
  | 'normalization'
  | 'prelu'
  | 'embedding'
  | 'recurrent'
  | 'merge'
  | 'concat'
  | 'flatten'
  | 'passthrough'
  | 'opaque';

export interface LayerChannels {
  family: LayerFamily;
  /** The Keras class the roles were taken from (TimeDistributed unwrapped), or a guess from the weights. */
  effectiveClass: string | null;
  flow: ChannelFlow;
  /** Per weight (in `layer.weights` order), per axis. */
  roles: AxisRole[][];
}

const MERGE_CLASSES = new Set(['Add', 'Subtract', 'Multiply', 'Maximum', 'Minimum', 'Average']);

const PASSTHROUGH_CLASSES = new Set([
  'InputLayer',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
  'ThresholdedReLU',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'SpatialDropout3D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'MaxPool1D',
  'MaxPool2D',
  'MaxPool3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'AvgPool1D',
  'AvgPool2D',
  'AvgPool3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalAveragePooling3D',
  'GlobalAvgPool1D',
  'GlobalAvgPool2D',
  'GlobalAvgPool3D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'GlobalMaxPooling3D',
  'GlobalMaxPool1D',
  'GlobalMaxPool2D',
  'GlobalMaxPool3D',
  'ZeroPadding1D',
  'ZeroPadding2D',
  'ZeroPadding3D',
  'Cropping1D',
  'Cropping2D',
  'Cropping3D',
  'UpSampling1D',
  'UpSampling2D',
  'UpSampling3D',
  'Masking',
  'Identity',
  'Rescaling',
  'Resizing',
  'CenterCrop',
  'UnitNormalization',
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomTranslation',
  'RandomContrast',
  'RandomCrop',
]);

const NORMALIZATION_CLASSES = new Set([
  'BatchNormalization',
  'SyncBatchNormalization',
  'LayerNormalization',
  'GroupNormalization',
  'Normalization',
]);

const CONV_CLASSES = new Set([
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Convolution1D',
  'Convolution2D',
  'Convolution3D',
]);
const CONV_TRANSPOSE_CLASSES = new Set([
  'Conv1DTranspose',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'Convolution2DTranspose',
  'Deconvolution2D',
]);
const DEPTHWISE_CLASSES = new Set(['DepthwiseConv1D', 'DepthwiseConv2D']);
const SEPARABLE_CLASSES = new Set([
  'SeparableConv1D',
  'SeparableConv2D',
  'SeparableConvolution1D',
  'SeparableConvolution2D',
]);
const RECURRENT_GATES: Record<string, number> = {
  LSTM: 4,
  CuDNNLSTM: 4,
  ConvLSTM1D: 4,
  ConvLSTM2D: 4,
  ConvLSTM3D: 4,
  GRU: 3,
  CuDNNGRU: 3,
  SimpleRNN: 1,
};

const spatial = (count: number): AxisRole[] =>
  Array.from({ length: Math.max(0, count) }, () => ({ kind: 'spatial' }) as const);
const other = (count: number): AxisRole[] =>
  Array.from({ length: Math.max(0, count) }, () => ({ kind: 'other' }) as const);

function weightNamed(layer: LayerSpec, ...names: string[]): WeightSpec | undefined {
  return layer.weights.find((w) => names.includes(w.name));
}

/** A bare variable name: `conv1/kernel:0` and `kernel` both give `kernel`. */
export function bareWeightName(weight: WeightSpec): string {
  const last = weight.name.split('/').pop() ?? weight.name;
  return last.replace(/:\d+$/, '');
}

/** Guesses the class of a layer the file gives no architecture for, from its weights. */
function guessClass(layer: LayerSpec): string | null {
  const names = layer.weights.map(bareWeightName);
  const ranks = layer.weights.map((w) => w.shape.length);
  if (layer.weights.length === 0) return null;
  if (names.includes('depthwise_kernel') && names.includes('pointwise_kernel')) return 'SeparableConv2D';
  if (names.includes('depthwise_kernel')) return 'DepthwiseConv2D';
  if (names.includes('recurrent_kernel')) return 'RecurrentGuess';
  if (names.includes('embeddings')) return 'Embedding';
  if (
    names.some((n) => ['gamma', 'beta', 'moving_mean', 'moving_variance'].includes(n)) &&
    ranks.every((r) => r === 1)
  ) {
    return 'BatchNormalization';
  }
  const kernelIndex = names.includes('kernel') ? names.indexOf('kernel') : 0;
  const kernelRank = ranks[kernelIndex];
  const rest = ranks.filter((_, i) => i !== kernelIndex);
  if (rest.some((r) => r !== 1)) return null;
  if (kernelRank === 2) return 'Dense';
  if (kernelRank >= 3 && kernelRank <= 5) return 'Conv2D';
  if (ranks.every((r) => r === 1) && ranks.length >= 2 && ranks.length <= 4) return 'BatchNormalization';
  return null;
}

function effectiveClassOf(layer: LayerSpec): string | null {
  if (layer.className === 'TimeDistributed') {
    const inner = (layer.config?.layer as { class_name?: unknown } | undefined)?.class_name;
    return typeof inner === 'string' ? inner : null;
  }
  return layer.className ?? guessClass(layer);
}

function concatIsOnChannels(layer: LayerSpec): boolean {
  const axis = layer.config?.axis;
  if (axis === undefined || axis === -1) return true;
  if (typeof axis !== 'number') return false;
  // Keras 3 configs carry the input shapes; without them, a positive axis is taken as the channel axis
  // (keras.applications writes `axis=3` for channels-last image models).
  const shapes = (layer.config?.build_config as { input_shape?: unknown } | undefined)?.input_shape;
  const first = Array.isArray(shapes) && Array.isArray(shapes[0]) ? (shapes[0] as unknown[]) : null;
  return first === null || axis === first.length - 1 || axis === 1;
}

/**
 * A Reshape to (1, ..., 1, C) — the squeeze-and-excitation pattern after global pooling — keeps the
 * channels on the last axis; any other Reshape may move them.
 */
function reshapeKeepsChannels(layer: LayerSpec): boolean {
  const shape = layer.config?.target_shape;
  if (!Array.isArray(shape) || shape.length === 0) return false;
  return (
    shape.slice(0, -1).every((size) => size === 1) &&
    typeof shape[shape.length - 1] === 'number' &&
    shape[shape.length - 1] > 0
  );
}

function kernelRoles(rank: number, inAxis: number, outAxis: number): AxisRole[] {
  return Array.from({ length: rank }, (_, axis): AxisRole => {
    if (axis === inAxis) return { kind: 'in' };
    if (axis === outAxis) return { kind: 'out' };
    return { kind: 'spatial' };
  });
}

function recurrentRoles(layer: LayerSpec, gates: number): AxisRole[][] {
  const gated: AxisRole = { kind: 'out', expand: { factor: gates, layout: 'inner' } };
  return layer.weights.map((weight) => {
    const rank = weight.shape.length;
    const name = bareWeightName(weight);
    if (name === 'kernel') return [...spatial(rank - 2), { kind: 'in' }, gated];
    if (name === 'recurrent_kernel') return [...spatial(rank - 2), { kind: 'loop' }, gated];
    if (name === 'bias') return [...other(rank - 1), gated];
    return other(rank);
  });
}

export function layerChannelsOf(layer: LayerSpec): LayerChannels {
  const effectiveClass = effectiveClassOf(layer);
  const weights = layer.weights;
  const opaque = (family: LayerFamily = 'opaque'): LayerChannels => ({
    family,
    effectiveClass,
    flow: { kind: 'opaque' },
    roles: weights.map((w) => other(w.shape.length)),
  });

  if (effectiveClass === null) {
    return weights.length === 0
      ? { family: 'passthrough', effectiveClass, flow: { kind: 'same' }, roles: [] }
      : opaque();
  }
  if (layer.className === 'TimeDistributed' && weights.length === 0) {
    return { family: 'passthrough', effectiveClass, flow: { kind: 'same' }, roles: [] };
  }
  if (MERGE_CLASSES.has(effectiveClass))
    return { family: 'merge', effectiveClass, flow: { kind: 'merge' }, roles: [] };
  if (effectiveClass === 'Concatenate') {
    return concatIsOnChannels(layer)
      ? { family: 'concat', effectiveClass, flow: { kind: 'concat' }, roles: [] }
      : { family: 'merge', effectiveClass, flow: { kind: 'merge' }, roles: [] };
  }
  if (effectiveClass === 'Flatten') {
    return {
      family: 'flatten',
      effectiveClass,
      flow: { kind: 'expand', expand: { factor: null, layout: 'inner' } },
      roles: [],
    };
  }
  if (effectiveClass === 'Reshape' && weights.length === 0 && reshapeKeepsChannels(layer)) {
    return { family: 'passthrough', effectiveClass, flow: { kind: 'same' }, roles: [] };
  }
  if (PASSTHROUGH_CLASSES.has(effectiveClass) && weights.length === 0) {
    return { family: 'passthrough', effectiveClass, flow: { kind: 'same' }, roles: [] };
  }
  if (effectiveClass === 'Dense') {
    return {
      family: 'dense',
      effectiveClass,
      flow: { kind: 'new' },
      roles: weights.map((w) =>
        w.shape.length === 2
          ? kernelRoles(2, 0, 1)
          : w.shape.length === 1
            ? [{ kind: 'out' }]
            : other(w.shape.length),
      ),
    };
  }
  if (CONV_CLASSES.has(effectiveClass) || CONV_TRANSPOSE_CLASSES.has(effectiveClass)) {
    const transposed = CONV_TRANSPOSE_CLASSES.has(effectiveClass);
    const groups = typeof layer.config?.groups === 'number' ? layer.config.groups : 1;
    return {
      family: transposed ? 'conv-transpose' : 'conv',
      effectiveClass,
      flow: { kind: 'new' },
      roles: weights.map((w) => {
        const rank = w.shape.length;
        if (rank === 1) return [{ kind: 'out' }];
        if (rank < 3) return other(rank);
        const roles = transposed
          ? kernelRoles(rank, rank - 1, rank - 2)
          : kernelRoles(rank, rank - 2, rank - 1);
        // A grouped convolution reads a slice of its input per group: its input axis is not the input's channels.
        if (groups > 1 && !transposed) roles[rank - 2] = { kind: 'other' };
        return roles;
      }),
    };
  }
  if (DEPTHWISE_CLASSES.has(effectiveClass)) {
    const kernel =
      weightNamed(layer, 'depthwise_kernel', 'kernel') ?? weights.find((w) => w.shape.length >= 3);
    const multiplier = kernel ? kernel.shape[kernel.shape.length - 1] : 1;
    return {
      family: 'depthwise',
      effectiveClass,
      flow:
        multiplier === 1
          ? { kind: 'same' }
          : { kind: 'expand', expand: { factor: multiplier, layout: 'outer' } },
      roles: weights.map((w) => {
        const rank = w.shape.length;
        if (rank === 1) return [{ kind: 'out' }];
        return [...spatial(rank - 2), { kind: 'in' }, { kind: 'other' }];
      }),
    };
  }
  if (SEPARABLE_CLASSES.has(effectiveClass)) {
    const depthwise = weightNamed(layer, 'depthwise_kernel');
    const multiplier = depthwise ? depthwise.shape[depthwise.shape.length - 1] : 1;
    return {
      family: 'separable',
      effectiveClass,
      flow: { kind: 'new' },
      roles: weights.map((w) => {
        const rank = w.shape.length;
        const name = bareWeightName(w);
        if (rank === 1) return [{ kind: 'out' }];
        if (name === 'depthwise_kernel') return [...spatial(rank - 2), { kind: 'in' }, { kind: 'other' }];
        const expand: Expansion | undefined =
          multiplier === 1 ? undefined : { factor: multiplier, layout: 'outer' };
        return [...spatial(rank - 2), { kind: 'in', ...(expand ? { expand } : {}) }, { kind: 'out' }];
      }),
    };
  }
  if (NORMALIZATION_CLASSES.has(effectiveClass)) {
    return {
      family: 'normalization',
      effectiveClass,
      flow: { kind: 'same' },
      roles: weights.map((w) => (w.shape.length === 1 ? [{ kind: 'in' }] : other(w.shape.length))),
    };
  }
  if (effectiveClass === 'PReLU') {
    return {
      family: 'prelu',
      effectiveClass,
      flow: { kind: 'same' },
      roles: weights.map((w) => (w.shape.length === 0 ? [] : [...other(w.shape.length - 1), { kind: 'in' }])),
    };
  }
  if (effectiveClass === 'Embedding') {
    return {
      family: 'embedding',
      effectiveClass,
      flow: { kind: 'new' },
      roles: weights.map((w) =>
        w.shape.length === 2 ? [{ kind: 'other' }, { kind: 'out' }] : other(w.shape.length),
      ),
    };
  }
  if (effectiveClass in RECURRENT_GATES || effectiveClass === 'RecurrentGuess') {
    let gates = RECURRENT_GATES[effectiveClass] ?? 0;
    if (!gates) {
      const recurrent = weightNamed(layer, 'recurrent_kernel');
      const rank = recurrent?.shape.length ?? 0;
      gates =
        recurrent && rank >= 2 && recurrent.shape[rank - 2] > 0
          ? recurrent.shape[rank - 1] / recurrent.shape[rank - 2]
          : 0;
    }
    if (!Number.isInteger(gates) || gates < 1) return opaque('recurrent');
    return {
      family: 'recurrent',
      effectiveClass,
      flow: { kind: 'new' },
      roles: recurrentRoles(layer, gates),
    };
  }
  return opaque();
}
