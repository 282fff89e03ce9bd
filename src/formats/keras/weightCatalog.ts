// What variables a Keras layer owns, in load order, from its class and config alone. Readers use it to
// name the anonymous `vars/<i>` datasets of Keras 3 files and to check counts; the Keras 3 writer uses
// it to place each weight at the sub-object path Keras will look for. Verified against real Keras
// 3.15.1 (tests/keras/keras3RealModels.test.ts builds every listed layer and compares).
//
// Naming convention (shared by every reader so the same model gives the same names from any file):
// - a plain layer's weights use Keras's variable name (`kernel`, `bias`, `gamma`, ...);
// - RNN layers drop their `cell` scope (`kernel`, `recurrent_kernel`, `bias`), TimeDistributed drops
//   its wrapped layer's scope: there is only one inner object, so nothing is ambiguous;
// - Bidirectional prefixes `forward_layer/` and `backward_layer/`;
// - attention layers prefix the projection's Keras name: `query/`, `key/`, `value/`, `attention_output/`;
// - stacked RNN cells keep Keras's variable scope below the layer: `stacked_rnn_cells/gru_cell_1/kernel`.
// DepthwiseConv2D's kernel is `kernel` (Keras 3); Keras 2 files call the same tensor `depthwise_kernel`.

export interface ExpectedWeight {
  /** Canonical weight name (see the convention above). */
  name: string;
  /** False for statistics (BatchNormalization moving mean/variance, Normalization). */
  trainable: boolean;
  /** Keras 3 sub-object path inside the layer's group: `''`, `'cell'`, `'forward_layer/cell'`, `'query_dense'`. */
  subPath: string;
}

type Config = Record<string, unknown>;
type Catalogue = (config: Config) => ExpectedWeight[] | null;

const isObject = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras's `to_snake_case` (keras/src/utils/naming.py), regex for regex. */
export function snakeCase(className: string): string {
  // Python's `\W` is Unicode-aware: letters and numbers of any script are word characters.
  const cleaned = className.replace(/[^\p{L}\p{N}_]+/gu, '');
  const split = cleaned.replace(/(.)([A-Z][a-z]+)/gu, '$1_$2');
  return split.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

const own = (name: string, trainable = true): ExpectedWeight => ({ name, trainable, subPath: '' });

function flag(config: Config, key: string, fallback: boolean): boolean {
  const v = config[key];
  return typeof v === 'boolean' ? v : fallback;
}

/** `use_bias` (Keras 2/3) or `bias` (Keras 1), default true. */
function usesBias(config: Config): boolean {
  if (typeof config.use_bias === 'boolean') return config.use_bias;
  if (typeof config.bias === 'boolean') return config.bias;
  return true;
}

const kernelAndBias: Catalogue = (c) => (usesBias(c) ? [own('kernel'), own('bias')] : [own('kernel')]);
const separable: Catalogue = (c) => [
  own('depthwise_kernel'),
  own('pointwise_kernel'),
  ...(usesBias(c) ? [own('bias')] : []),
];
const recurrentCell: Catalogue = (c) => [
  own('kernel'),
  own('recurrent_kernel'),
  ...(usesBias(c) ? [own('bias')] : []),
];

function scaleCenter(c: Config, scaleName: string, centerName: string): ExpectedWeight[] {
  return [
    ...(flag(c, 'scale', true) ? [own(scaleName)] : []),
    ...(flag(c, 'center', true) ? [own(centerName)] : []),
  ];
}

/** Prefixes every weight of an inner object: names with `namePrefix/`, paths with `pathPrefix/`. */
function nested(inner: ExpectedWeight[], namePrefix: string, pathPrefix: string): ExpectedWeight[] {
  const join = (a: string, b: string) => (a === '' ? b : b === '' ? a : `${a}/${b}`);
  return inner.map((w) => ({
    name: join(namePrefix, w.name),
    trainable: w.trainable,
    subPath: join(pathPrefix, w.subPath),
  }));
}

/** `{class_name, config}` of a serialised inner layer (wrapper `layer`, RNN `cell`). */
function innerWeights(entry: unknown): ExpectedWeight[] | null {
  if (!isObject(entry) || typeof entry.class_name !== 'string') return null;
  return expectedWeights(entry.class_name, isObject(entry.config) ? entry.config : {});
}

/** Cells of a stacked RNN: Keras 3 `StackedRNNCells` (named `stackedName`) holds them in its `cells` list. */
function stackedCells(cells: unknown[], stackedName: string): ExpectedWeight[] | null {
  const used = new Map<string, number>();
  const out: ExpectedWeight[] = [];
  for (const [i, cell] of cells.entries()) {
    const inner = innerWeights(cell);
    if (!inner || !isObject(cell)) return null;
    const base = snakeCase(String(cell.class_name));
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const key = n === undefined ? base : `${base}_${n + 1}`;
    const name =
      isObject(cell.config) && typeof cell.config.name === 'string' ? cell.config.name : `cell_${i}`;
    out.push(...nested(inner, `${stackedName}/${name}`, `cell/cells/${key}`));
  }
  return out;
}

const rnnLayer =
  (cellClass: string): Catalogue =>
  (c) =>
    nested(expectedWeights(cellClass, c) ?? [], '', 'cell');

const genericRnn: Catalogue = (c) => {
  const cell = c.cell;
  if (Array.isArray(cell)) return stackedCells(cell, 'stacked_rnn_cells');
  if (
    isObject(cell) &&
    cell.class_name === 'StackedRNNCells' &&
    isObject(cell.config) &&
    Array.isArray(cell.config.cells)
  ) {
    return stackedCells(
      cell.config.cells,
      typeof cell.config.name === 'string' ? cell.config.name : 'stacked_rnn_cells',
    );
  }
  const inner = innerWeights(cell);
  return inner && nested(inner, '', 'cell');
};

const bidirectional: Catalogue = (c) => {
  const forward = innerWeights(c.layer);
  const backward = c.backward_layer ? innerWeights(c.backward_layer) : forward;
  if (!forward || !backward) return null;
  return [
    ...nested(forward, 'forward_layer', 'forward_layer'),
    ...nested(backward, 'backward_layer', 'backward_layer'),
  ];
};

const timeDistributed: Catalogue = (c) => {
  const inner = innerWeights(c.layer);
  return inner && nested(inner, '', 'layer');
};

/** MultiHeadAttention and GroupedQueryAttention: four EinsumDense projections held as attributes. */
const attentionProjections =
  (attributePrefix: string): Catalogue =>
  (c) => {
    const projections: [string, string][] = [
      ['query', 'query_dense'],
      ['key', 'key_dense'],
      ['value', 'value_dense'],
      ['attention_output', 'output_dense'],
    ];
    const perProjection = usesBias(c) ? ['kernel', 'bias'] : ['kernel'];
    return projections.flatMap(([name, attribute]) =>
      perProjection.map((w) => ({
        name: `${name}/${w}`,
        trainable: true,
        subPath: `${attributePrefix}${attribute}`,
      })),
    );
  };

const WEIGHTED: Record<string, Catalogue> = {
  Dense: kernelAndBias,
  TimeDistributedDense: kernelAndBias, // Keras 1
  EinsumDense: (c) => (c.bias_axes ? [own('kernel'), own('bias')] : [own('kernel')]),
  Conv1D: kernelAndBias,
  Conv2D: kernelAndBias,
  Conv3D: kernelAndBias,
  Conv1DTranspose: kernelAndBias,
  Conv2DTranspose: kernelAndBias,
  Conv3DTranspose: kernelAndBias,
  Convolution1D: kernelAndBias, // Keras 1 names
  Convolution2D: kernelAndBias,
  Convolution3D: kernelAndBias,
  AtrousConvolution1D: kernelAndBias,
  AtrousConvolution2D: kernelAndBias,
  Deconvolution2D: kernelAndBias,
  Deconvolution3D: kernelAndBias,
  LocallyConnected1D: kernelAndBias,
  LocallyConnected2D: kernelAndBias,
  DepthwiseConv1D: kernelAndBias,
  DepthwiseConv2D: kernelAndBias,
  SeparableConv1D: separable,
  SeparableConv2D: separable,
  SeparableConvolution1D: separable,
  SeparableConvolution2D: separable,
  BatchNormalization: (c) => [
    ...scaleCenter(c, 'gamma', 'beta'),
    own('moving_mean', false),
    own('moving_variance', false),
  ],
  LayerNormalization: (c) =>
    flag(c, 'rms_scaling', false) ? [own('gamma')] : scaleCenter(c, 'gamma', 'beta'),
  GroupNormalization: (c) => scaleCenter(c, 'gamma', 'beta'),
  RMSNormalization: () => [own('scale')],
  Normalization: (c) =>
    c.mean != null && c.variance != null
      ? []
      : [own('mean', false), own('variance', false), own('count', false)],
  Embedding: () => [own('embeddings')],
  PReLU: () => [own('alpha')],
  Attention: (c) => [
    ...(flag(c, 'use_scale', false) ? [own('scale')] : []),
    ...(c.score_mode === 'concat' ? [own('concat_score_weight')] : []),
  ],
  AdditiveAttention: (c) => (flag(c, 'use_scale', true) ? [own('scale')] : []),
  MultiHeadAttention: attentionProjections(''),
  GroupedQueryAttention: attentionProjections('_'),
  GroupQueryAttention: attentionProjections('_'), // the name configs use for GroupedQueryAttention
  SimpleRNNCell: recurrentCell,
  LSTMCell: recurrentCell,
  GRUCell: recurrentCell,
  ConvLSTMCell: recurrentCell,
  ConvLSTM1DCell: recurrentCell,
  ConvLSTM2DCell: recurrentCell,
  ConvLSTM3DCell: recurrentCell,
  SimpleRNN: rnnLayer('SimpleRNNCell'),
  LSTM: rnnLayer('LSTMCell'),
  GRU: rnnLayer('GRUCell'),
  ConvLSTM1D: rnnLayer('ConvLSTMCell'),
  ConvLSTM2D: rnnLayer('ConvLSTMCell'),
  ConvLSTM3D: rnnLayer('ConvLSTMCell'),
  CuDNNLSTM: () => [own('kernel'), own('recurrent_kernel'), own('bias')], // Keras 2 only; no Keras 3 path
  CuDNNGRU: () => [own('kernel'), own('recurrent_kernel'), own('bias')],
  RNN: genericRnn,
  Bidirectional: bidirectional,
  TimeDistributed: timeDistributed,
};

/** Layers that own no variables (their absence from a weights file is normal). */
const WEIGHTLESS = new Set([
  'InputLayer',
  'Functional',
  'Sequential',
  'Model',
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
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Lambda',
  'TFOpLambda',
  'SlicingOpLambda',
  'Masking',
  'Identity',
  'UnitNormalization',
  'Merge',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
  'Dot',
  'Rescaling',
  'Resizing',
  'CenterCrop',
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomContrast',
  'RandomTranslation',
  'RandomCrop',
  'RandomBrightness',
  'CategoryEncoding',
  'Hashing',
  ...['1D', '2D', '3D'].flatMap((d) => [
    `Cropping${d}`,
    `ZeroPadding${d}`,
    `UpSampling${d}`,
    `MaxPooling${d}`,
    `AveragePooling${d}`,
    `MaxPool${d}`,
    `AvgPool${d}`,
    `GlobalMaxPooling${d}`,
    `GlobalAveragePooling${d}`,
    `GlobalMaxPool${d}`,
    `GlobalAvgPool${d}`,
  ]),
]);

/**
 * Configs name a built-in class by its public export name, Keras 3 weight paths by the Python class
 * (`type(obj).__name__`). They differ for these (checked over every class in keras.layers, 3.15.1);
 * a Keras 2 `Model` entry is rebuilt by Keras 3 as a `Functional`.
 */
const PYTHON_CLASS_OF: Record<string, string> = {
  GroupQueryAttention: 'GroupedQueryAttention',
  Model: 'Functional',
};

/**
 * The Python class name Keras 3 derives container keys from, for a config's `class_name`. Keras 3's
 * legacy .h5 writer names a registered custom class `package>Class`; the class is the part after `>`.
 */
export function pythonClassName(configClassName: string): string {
  const bare = configClassName.slice(configClassName.lastIndexOf('>') + 1);
  return PYTHON_CLASS_OF[bare] ?? bare;
}

/** Every class the catalogue knows, weighted or not (for guessing a class from a snake-case key). */
export const KNOWN_LAYER_CLASSES: readonly string[] = [...Object.keys(WEIGHTED), ...WEIGHTLESS];

/** A quantized or otherwise re-typed layer stores different variables; only the generic walk is safe. */
function storesPlainVariables(config: Config): boolean {
  if (config.quantization_config != null) return false;
  const dtype = config.dtype;
  return !(isObject(dtype) && typeof dtype.class_name === 'string' && /quantiz/i.test(dtype.class_name));
}

/**
 * The variables of a layer of class `className` configured by `config`, in load order (trainable
 * first, then non-trainable, each in creation order), or null when the class is not known to us.
 */
export function expectedWeights(
  className: string,
  config: Record<string, unknown> | null,
): ExpectedWeight[] | null {
  const c = config ?? {};
  if (WEIGHTLESS.has(className)) return [];
  const entry = WEIGHTED[className];
  if (!entry || !storesPlainVariables(c)) return null;
  return entry(c);
}
