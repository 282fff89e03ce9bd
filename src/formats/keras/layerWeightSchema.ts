// Which weights a layer of a given Keras class owns, in load order (trainable first, then
// non-trainable), derived from its config alone. Legacy files name their weights, so this is only
// consulted when names cannot decide: checking that an architecture pairs with a weights file, and
// splitting a nested model's flat weight list by Keras's order rule. Unknown classes answer null so
// callers can say "cannot tell" instead of guessing.

export interface ExpectedWeight {
  /** Canonical name (see legacyWeightNames.ts), e.g. `kernel`, `forward_layer/bias`. */
  name: string;
  trainable: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Layer classes that never own weights (Keras 1 spellings included). */
const WEIGHTLESS = new Set([
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
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
  'ActivityRegularization',
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Lambda',
  'Masking',
  'Cropping1D',
  'Cropping2D',
  'Cropping3D',
  'ZeroPadding1D',
  'ZeroPadding2D',
  'ZeroPadding3D',
  'UpSampling1D',
  'UpSampling2D',
  'UpSampling3D',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'GlobalMaxPooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalAveragePooling3D',
  'MaxPool1D',
  'MaxPool2D',
  'MaxPool3D',
  'AvgPool1D',
  'AvgPool2D',
  'AvgPool3D',
  'GlobalMaxPool1D',
  'GlobalMaxPool2D',
  'GlobalAvgPool1D',
  'GlobalAvgPool2D',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
  'Dot',
  'Merge',
  'TFOpLambda',
  'SlicingOpLambda',
  'Identity',
  'Rescaling',
  'CenterCrop',
  'Resizing',
]);

/** Keras 1 class names mapped to the Keras 2 class that the Keras 2 loader converts them into. */
const KERAS_ONE_CLASSES: Record<string, string> = {
  Convolution1D: 'Conv1D',
  AtrousConvolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  AtrousConvolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
  TimeDistributedDense: 'Dense',
};

/** The Keras 2/3 class a (possibly Keras 1) class name stands for. */
export function modernClassName(className: string): string {
  return KERAS_ONE_CLASSES[className] ?? className;
}

const CONV_CLASSES = new Set([
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv1DTranspose',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'Convolution1D',
  'Convolution2D',
  'Convolution3D',
]);

function flag(config: Json, keys: string[], fallback: boolean): boolean {
  for (const k of keys) if (typeof config[k] === 'boolean') return config[k] as boolean;
  return fallback;
}

const trainable = (name: string): ExpectedWeight => ({ name, trainable: true });
const frozen = (name: string): ExpectedWeight => ({ name, trainable: false });

/** The wrapped layer of a Bidirectional / TimeDistributed config, as `{className, config}`. */
export function wrappedLayer(config: Json | null): { className: string; config: Json } | null {
  const inner = config?.layer;
  if (!isObject(inner) || typeof inner.class_name !== 'string') return null;
  return { className: inner.class_name, config: isObject(inner.config) ? inner.config : {} };
}

/**
 * Own weights of one (non-model) layer in load order, or null when the class is not known here.
 * `trainable` is the variable's own flag; a frozen layer moves every weight to the non-trainable part.
 */
export function expectedLayerWeights(className: string, config: Json | null): ExpectedWeight[] | null {
  const cfg = config ?? {};
  const cls = modernClassName(className);
  if (WEIGHTLESS.has(cls)) return [];
  const useBias = flag(cfg, ['use_bias', 'bias'], true);
  const withBias = (names: string[]) => [...names, ...(useBias ? ['bias'] : [])].map(trainable);
  if (cls === 'Dense' || CONV_CLASSES.has(cls)) return withBias(['kernel']);
  switch (cls) {
    case 'DepthwiseConv1D':
    case 'DepthwiseConv2D':
      return withBias(['kernel']);
    case 'SeparableConv1D':
    case 'SeparableConv2D':
      return withBias(['depthwise_kernel', 'pointwise_kernel']);
    case 'LocallyConnected1D':
    case 'LocallyConnected2D':
      return withBias(['kernel']);
    case 'Embedding':
      return [trainable('embeddings')];
    case 'PReLU':
      return [trainable('alpha')];
    case 'BatchNormalization':
    case 'SyncBatchNormalization': {
      const out: ExpectedWeight[] = [];
      if (flag(cfg, ['scale'], true)) out.push(trainable('gamma'));
      if (flag(cfg, ['center'], true)) out.push(trainable('beta'));
      return [...out, frozen('moving_mean'), frozen('moving_variance')];
    }
    case 'LayerNormalization': {
      if (cfg.rms_scaling === true) return [trainable('gamma')];
      const out: ExpectedWeight[] = [];
      if (flag(cfg, ['scale'], true)) out.push(trainable('gamma'));
      if (flag(cfg, ['center'], true)) out.push(trainable('beta'));
      return out;
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
    case 'CuDNNLSTM':
    case 'CuDNNGRU':
    case 'ConvLSTM1D':
    case 'ConvLSTM2D':
    case 'ConvLSTM3D':
      return withBias(['kernel', 'recurrent_kernel']);
    case 'Bidirectional': {
      const inner = wrappedLayer(config);
      const own = inner ? expectedLayerWeights(inner.className, inner.config) : null;
      if (!own) return null;
      // Keras saves the forward layer's weights, then the backward layer's (each trainable-first).
      return [
        ...own.map((w) => ({ ...w, name: `forward_layer/${w.name}` })),
        ...own.map((w) => ({ ...w, name: `backward_layer/${w.name}` })),
      ];
    }
    case 'TimeDistributed': {
      const inner = wrappedLayer(config);
      return inner ? expectedLayerWeights(inner.className, inner.config) : null;
    }
    case 'MultiHeadAttention': {
      const parts = ['query', 'key', 'value', 'attention_output'];
      return parts.flatMap((p) => [`${p}/kernel`, ...(useBias ? [`${p}/bias`] : [])]).map(trainable);
    }
    case 'Attention':
    case 'AdditiveAttention':
      return flag(cfg, ['use_scale'], cls === 'AdditiveAttention') ? [trainable('scale')] : [];
    case 'Normalization':
      return [frozen('mean'), frozen('variance'), frozen('count')];
    default:
      return null;
  }
}

/** Whether a variable with this canonical name is non-trainable by nature (BatchNorm statistics). */
export function isStatisticsWeight(name: string, className: string | null): boolean {
  const last = name.split('/').pop() ?? name;
  if (last === 'moving_mean' || last === 'moving_variance') return true;
  return className === 'Normalization' && (last === 'mean' || last === 'variance' || last === 'count');
}
