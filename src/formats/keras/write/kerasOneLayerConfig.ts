// Keras 1 layer entries rewritten the way Keras 2.0-2.2 read them (keras/legacy/interfaces.py: every
// Keras 2 layer constructor renamed the Keras 1 arguments before running), so that Keras 3, which has
// neither the Keras 1 classes nor those arguments, can build the layer. Keras 3 rejects what Keras 2
// merely tolerated, so this also does what the Keras 2 constructors did silently: nb_row/nb_col become
// kernel_size, the Keras 1 input_dim/input_length become an input_shape, dropped arguments go.
//
// Three things Keras 2 did not do, because the Keras 1 file and the converted weights need them:
// - Keras 1 did not save `dim_ordering` for UpSampling, ZeroPadding, Cropping and SpatialDropout
//   (their get_config omits it; Keras 1 used the session's image_dim_ordering), so a layer that lacks it
//   gets the ordering the model's other layers state;
// - Keras 1 regularizers and constraints are flat `{name, l1, l2}` / `{name, m, axis}` objects that no
//   later deserializer reads; they become `{class_name, config}`, and a kernel constraint's axis follows
//   the kernel when our reader transposed it (kerasOneLayout.ts);
// - 'th' stays channels_first: the readers convert kernels to the Keras 2/3 layout, which is the same
//   for both data formats, so only activations are laid out differently and the input shape the user
//   saved stays valid.

import { GraftError } from '../../../model/errors';
import { kerasTwoClassName } from '../kerasOneClasses';

type Json = Record<string, unknown>;

/** Keras 1 `dim_ordering`: Theano (channels first) or TensorFlow (channels last). */
export type DimOrdering = 'th' | 'tf';

export interface KerasOneContext {
  /** The ordering the model's Keras 1 layers state, for the layers whose config left it out. */
  dimOrdering: DimOrdering | null;
  /** The file name, for messages. */
  label: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras 1 classes Keras 2 dropped without a replacement class. */
const REMOVED_CLASSES: Record<string, string> = {
  Merge: 'merge its inputs with Add, Multiply, Average, Maximum, Concatenate or Dot layers',
  Highway: 'Keras 2 removed it',
  MaxoutDense: 'Keras 2 removed it',
  ParametricSoftplus: 'Keras 2 removed it',
  SReLU: 'Keras 2 removed it',
};

const DATA_FORMAT: Record<DimOrdering, string> = { th: 'channels_first', tf: 'channels_last' };

type Renames = [keras1: string, keras2: string][];

/** The weight arguments most Keras 1 layers share (legacy_dense_support, legacy_conv2d_support, ...). */
const WEIGHT_ARGUMENTS: Renames = [
  ['init', 'kernel_initializer'],
  ['W_regularizer', 'kernel_regularizer'],
  ['b_regularizer', 'bias_regularizer'],
  ['W_constraint', 'kernel_constraint'],
  ['b_constraint', 'bias_constraint'],
  ['bias', 'use_bias'],
];

const CONVOLUTION: Renames = [
  ['nb_filter', 'filters'],
  ['subsample', 'strides'],
  ['border_mode', 'padding'],
  ['atrous_rate', 'dilation_rate'],
];

const RECURRENT: Renames = [
  ['output_dim', 'units'],
  ['init', 'kernel_initializer'],
  ['inner_init', 'recurrent_initializer'],
  ['inner_activation', 'recurrent_activation'],
  ['W_regularizer', 'kernel_regularizer'],
  ['U_regularizer', 'recurrent_regularizer'],
  ['b_regularizer', 'bias_regularizer'],
  ['dropout_W', 'dropout'],
  ['dropout_U', 'recurrent_dropout'],
  ['consume_less', 'implementation'],
];

interface Rule {
  renames: Renames;
  /** The layer takes a data format (Keras 1 `dim_ordering`). */
  spatial?: boolean;
  /** Keras 1 input_dim (and input_length) describe the input: they become a batch input shape. */
  inputDim?: boolean;
  /** Keras 1 keys Keras 2 dropped. */
  drop?: string[];
  /** Keras 1 keys or values `prepare` rewrites. */
  isKerasOne?: (cfg: Json) => boolean;
  /** Changes renaming cannot express; runs before the renames, on a copy. */
  prepare?: (cfg: Json, name: string, ctx: KerasOneContext) => void;
}

/** nb_row/nb_col (2D) or kernel_dim1..3 (3D) -> kernel_size. */
function kernelSize(keys: string[]): (cfg: Json) => void {
  return (cfg) => {
    if (!keys.every((k) => typeof cfg[k] === 'number')) return;
    cfg.kernel_size = keys.map((k) => cfg[k]);
    for (const k of keys) delete cfg[k];
  };
}

function refuse(ctx: KerasOneContext, name: string, what: string): never {
  throw new GraftError('architecture', `${ctx.label}: layer "${name}" ${what}`);
}

/** Keras 1's Theano-only 'full' border has no Keras 2/3 padding mode. */
function noFullBorder(cfg: Json, name: string, ctx: KerasOneContext): void {
  if (cfg.border_mode === 'full')
    refuse(
      ctx,
      name,
      "uses Keras 1's border_mode 'full' (Theano only), which Keras 2 and 3 have no padding for; write a legacy .h5 instead.",
    );
}

const convolution2d =
  (extra?: (cfg: Json) => void) =>
  (cfg: Json, name: string, ctx: KerasOneContext): void => {
    noFullBorder(cfg, name, ctx);
    kernelSize(['nb_row', 'nb_col'])(cfg);
    extra?.(cfg);
  };

/** Keras 1 `(top, bottom, left, right)` or `{top_pad, ...}` -> Keras 2 `((top, bottom), (left, right))`. */
function zeroPadding2d(cfg: Json): void {
  const p = cfg.padding;
  if (isObject(p)) {
    const side = (k: string) => (typeof p[k] === 'number' ? p[k] : 0);
    cfg.padding = [
      [side('top_pad'), side('bottom_pad')],
      [side('left_pad'), side('right_pad')],
    ];
  } else if (Array.isArray(p) && p.length === 4 && p.every((v) => typeof v === 'number')) {
    cfg.padding = [
      [p[0], p[1]],
      [p[2], p[3]],
    ];
  }
}

function zeroPadding1d(cfg: Json): void {
  const p = cfg.padding;
  if (isObject(p))
    cfg.padding = [
      typeof p.left_pad === 'number' ? p.left_pad : 0,
      typeof p.right_pad === 'number' ? p.right_pad : 0,
    ];
}

/** legacy_recurrent_support's preprocessor: forget_bias_init 'one' is unit_forget_bias. */
function recurrent(cfg: Json): void {
  if ('forget_bias_init' in cfg) {
    // Keras 2 ignored any other value (its bias starts at zero then), which is what false gives here.
    cfg.unit_forget_bias = cfg.forget_bias_init === 'one';
    delete cfg.forget_bias_init;
  }
  const implementation: Record<string, number> = { cpu: 0, mem: 1, gpu: 2 };
  if (typeof cfg.consume_less === 'string' && cfg.consume_less in implementation)
    cfg.consume_less = implementation[cfg.consume_less];
}

const has =
  (...keys: string[]) =>
  (cfg: Json): boolean =>
    keys.some((k) => k in cfg);

const pooling2d: Rule = { renames: [['border_mode', 'padding']], spatial: true };
const pooling1d: Rule = {
  renames: [
    ['pool_length', 'pool_size'],
    ['stride', 'strides'],
    ['border_mode', 'padding'],
  ],
};
const spatialOnly: Rule = { renames: [], spatial: true };
const dropout: Rule = { renames: [['p', 'rate']] };

/** Rules by the Keras 2 class (Keras 1 names are mapped first with kerasTwoClassName). */
const RULES: Record<string, Rule> = {
  InputLayer: { renames: [['input_dtype', 'dtype']] },
  Dense: { renames: [['output_dim', 'units'], ...WEIGHT_ARGUMENTS], inputDim: true },
  Conv1D: {
    renames: [
      ['nb_filter', 'filters'],
      ['filter_length', 'kernel_size'],
      ['subsample_length', 'strides'],
      ['border_mode', 'padding'],
      ['atrous_rate', 'dilation_rate'],
      ...WEIGHT_ARGUMENTS,
    ],
    inputDim: true,
    prepare: noFullBorder,
  },
  Conv2D: {
    renames: [...CONVOLUTION, ...WEIGHT_ARGUMENTS],
    spatial: true,
    isKerasOne: has('nb_row', 'nb_col'),
    prepare: convolution2d(),
  },
  Conv2DTranspose: {
    renames: [...CONVOLUTION, ...WEIGHT_ARGUMENTS],
    spatial: true,
    // Keras 2 computes the output shape itself (deconv2d_args_preprocessor drops it).
    drop: ['output_shape'],
    isKerasOne: has('nb_row', 'nb_col'),
    prepare: convolution2d(),
  },
  SeparableConv2D: {
    renames: [
      ...CONVOLUTION,
      ['b_regularizer', 'bias_regularizer'],
      ['b_constraint', 'bias_constraint'],
      ['bias', 'use_bias'],
    ],
    spatial: true,
    isKerasOne: has('nb_row', 'nb_col', 'init'),
    prepare: convolution2d((cfg) => {
      if (!('init' in cfg)) return;
      cfg.depthwise_initializer = cfg.init;
      cfg.pointwise_initializer = cfg.init;
      delete cfg.init;
    }),
  },
  Conv3D: {
    renames: [...CONVOLUTION, ...WEIGHT_ARGUMENTS],
    spatial: true,
    isKerasOne: has('kernel_dim1', 'kernel_dim2', 'kernel_dim3'),
    prepare: (cfg, name, ctx) => {
      noFullBorder(cfg, name, ctx);
      kernelSize(['kernel_dim1', 'kernel_dim2', 'kernel_dim3'])(cfg);
    },
  },
  ConvLSTM2D: {
    renames: [...CONVOLUTION, ...RECURRENT.filter(([k]) => k !== 'output_dim'), ['bias', 'use_bias']],
    spatial: true,
    isKerasOne: has('nb_row', 'nb_col', 'forget_bias_init'),
    prepare: convolution2d(recurrent),
  },
  LSTM: { renames: RECURRENT, inputDim: true, isKerasOne: has('forget_bias_init'), prepare: recurrent },
  GRU: { renames: RECURRENT, inputDim: true, prepare: recurrent },
  // Keras 3's SimpleRNN, unlike its LSTM and GRU, rejects `implementation`.
  SimpleRNN: {
    renames: RECURRENT.filter(([k]) => k !== 'consume_less'),
    inputDim: true,
    drop: ['consume_less'],
    prepare: recurrent,
  },
  Embedding: {
    renames: [
      ['init', 'embeddings_initializer'],
      ['W_regularizer', 'embeddings_regularizer'],
      ['W_constraint', 'embeddings_constraint'],
    ],
    // Keras 2 dropped Embedding's dropout (a SpatialDropout1D after it does the same).
    drop: ['dropout'],
  },
  BatchNormalization: {
    renames: [
      ['beta_init', 'beta_initializer'],
      ['gamma_init', 'gamma_initializer'],
    ],
    isKerasOne: has('mode'),
    prepare: (cfg, name, ctx) => {
      if (cfg.mode !== undefined && cfg.mode !== 0)
        refuse(
          ctx,
          name,
          `is a Keras 1 BatchNormalization with mode ${JSON.stringify(cfg.mode)}, which Keras 2 and 3 no longer have (only mode 0); write a legacy .h5 instead.`,
        );
      delete cfg.mode;
    },
  },
  Dropout: dropout,
  GaussianDropout: dropout,
  SpatialDropout1D: dropout,
  SpatialDropout2D: { ...dropout, spatial: true },
  SpatialDropout3D: { ...dropout, spatial: true },
  GaussianNoise: { renames: [['sigma', 'stddev']] },
  PReLU: { renames: [['init', 'alpha_initializer']] },
  MaxPooling1D: pooling1d,
  AveragePooling1D: pooling1d,
  MaxPooling2D: pooling2d,
  AveragePooling2D: pooling2d,
  MaxPooling3D: pooling2d,
  AveragePooling3D: pooling2d,
  GlobalMaxPooling2D: spatialOnly,
  GlobalAveragePooling2D: spatialOnly,
  GlobalMaxPooling3D: spatialOnly,
  GlobalAveragePooling3D: spatialOnly,
  UpSampling1D: { renames: [['length', 'size']] },
  UpSampling2D: spatialOnly,
  UpSampling3D: spatialOnly,
  ZeroPadding1D: { renames: [], isKerasOne: (cfg) => isObject(cfg.padding), prepare: zeroPadding1d },
  ZeroPadding2D: {
    renames: [],
    spatial: true,
    isKerasOne: (cfg) => isObject(cfg.padding) || (Array.isArray(cfg.padding) && cfg.padding.length === 4),
    prepare: zeroPadding2d,
  },
  ZeroPadding3D: spatialOnly,
  Cropping2D: spatialOnly,
  Cropping3D: spatialOnly,
};

const ruleOf = (className: string): Rule | undefined => RULES[kerasTwoClassName(className)];

/** Every `dim_ordering` the config's layers state, nested models and wrapped layers included. */
function statedOrderings(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) statedOrderings(v, into);
  else if (isObject(value))
    for (const [key, v] of Object.entries(value)) {
      if (key === 'dim_ordering' && (v === 'th' || v === 'tf')) into.add(v);
      else statedOrderings(v, into);
    }
  return into;
}

/**
 * The one `dim_ordering` a Keras 1 model config states (Keras 1 used a single image ordering per
 * session); null when it states none, or both.
 */
export function kerasOneDimOrdering(modelConfig: Json): DimOrdering | null {
  const found = [...statedOrderings(modelConfig, new Set())];
  return found.length === 1 ? (found[0] as DimOrdering) : null;
}

/**
 * True when Keras 3 cannot build this layer entry as it stands because Keras 1 wrote it: a Keras 1
 * class name, a Keras 1 argument, or a spatial layer whose ordering Keras 1 left out of a model
 * whose other layers state one.
 */
export function isKerasOneLayer(entry: Json, dimOrdering: DimOrdering | null): boolean {
  const className = String(entry.class_name);
  if (className in REMOVED_CLASSES || kerasTwoClassName(className) !== className) return true;
  const cfg = entry.config;
  const rule = ruleOf(className);
  if (!rule || !isObject(cfg)) return false;
  if (rule.renames.some(([old]) => old in cfg) || rule.drop?.some((k) => k in cfg)) return true;
  if (rule.isKerasOne?.(cfg)) return true;
  return (
    rule.spatial === true && ('dim_ordering' in cfg || (dimOrdering !== null && !('data_format' in cfg)))
  );
}

/** Keras 1 `{name: 'WeightRegularizer', l1, l2}` -> Keras 2 `L1L2`. */
function regularizer(value: unknown, key: string, name: string, ctx: KerasOneContext): unknown {
  if (!isObject(value) || 'class_name' in value) return value;
  if (['WeightRegularizer', 'ActivityRegularizer', 'L1L2Regularizer'].includes(String(value.name)))
    return {
      class_name: 'L1L2',
      config: {
        l1: typeof value.l1 === 'number' ? value.l1 : 0,
        l2: typeof value.l2 === 'number' ? value.l2 : 0,
      },
    };
  return refuse(
    ctx,
    name,
    `has a ${key} of Keras 1 class ${JSON.stringify(value.name)}, which has no Keras 2/3 counterpart; write a legacy .h5 instead.`,
  );
}

/**
 * Where a Keras 1 kernel axis went when the reader converted the kernel (kerasOneLayout.ts): new axis
 * per old one, -1 for an axis dropped; null when the layout did not change.
 */
function kernelAxes(className: string, cfg: Json): number[] | null {
  const th = cfg.dim_ordering === 'th';
  switch (kerasTwoClassName(className)) {
    case 'Conv1D':
      return [0, -1, 1, 2]; // (k, 1, in, out) -> (k, in, out)
    case 'Conv2D':
    case 'SeparableConv2D':
      return th ? [3, 2, 0, 1] : null; // (out, in, kh, kw) -> (kh, kw, in, out)
    case 'Conv2DTranspose':
      return th ? [2, 3, 0, 1] : [0, 1, 3, 2];
    case 'Conv3D':
      return th ? [4, 3, 0, 1, 2] : null;
    default:
      return null;
  }
}

/** The Keras 2 axis of a Keras 1 kernel axis; null for the axis the conversion dropped. */
function movedAxis(axis: unknown, axes: number[] | null): unknown {
  if (axes === null || typeof axis !== 'number') return axis;
  const moved = axes[axis < 0 ? axis + axes.length : axis];
  if (moved === undefined) return axis;
  return moved < 0 ? null : moved;
}

/** Keras 1 `{name: 'MaxNorm', m, axis}` -> Keras 2 `{class_name: 'MaxNorm', config: {max_value, axis}}`. */
function constraint(
  value: unknown,
  key: string,
  axes: number[] | null,
  name: string,
  ctx: KerasOneContext,
): unknown {
  if (!isObject(value) || 'class_name' in value) return value;
  const axis = (fallback: number): unknown => {
    const raw = value.axis ?? fallback;
    // A norm over Keras 1 Conv1D's size-1 dummy axis adds nothing to the other axes' norm.
    if (Array.isArray(raw)) return raw.map((a) => movedAxis(a, axes)).filter((a) => a !== null);
    const moved = movedAxis(raw, axes);
    if (moved === null)
      refuse(
        ctx,
        name,
        `constrains its kernel over the size-1 axis Keras 2 removed from Conv1D kernels (${key} axis ${JSON.stringify(raw)}); write a legacy .h5 instead.`,
      );
    return moved;
  };
  const num = (keys: string[], fallback: number): number => {
    for (const k of keys) if (typeof value[k] === 'number') return value[k] as number;
    return fallback;
  };
  switch (value.name) {
    case 'MaxNorm':
      return { class_name: 'MaxNorm', config: { max_value: num(['m', 'max_value'], 2), axis: axis(0) } };
    case 'NonNeg':
      return { class_name: 'NonNeg', config: {} };
    case 'UnitNorm':
      return { class_name: 'UnitNorm', config: { axis: axis(0) } };
    case 'MinMaxNorm':
      return {
        class_name: 'MinMaxNorm',
        config: {
          min_value: num(['low', 'min_value'], 0),
          max_value: num(['high', 'max_value'], 1),
          rate: num(['rate'], 1),
          axis: axis(0),
        },
      };
    default:
      return refuse(
        ctx,
        name,
        `has a ${key} of Keras 1 class ${JSON.stringify(value.name)}, which has no Keras 2/3 counterpart; write a legacy .h5 instead.`,
      );
  }
}

/**
 * Keras 1 input_dim (and, for sequences, input_length) -> the input_shape Keras 2 made of them
 * (legacy_dense_support, conv1d_args_preprocessor, recurrent_args_preprocessor). Keras 3 ignores it
 * except on a Sequential's first layer, where kerasThreeConfig.ts turns it into the InputLayer.
 */
function inputShape(cfg: Json): void {
  const given = Array.isArray(cfg.batch_input_shape) || Array.isArray(cfg.input_shape);
  if (!given && typeof cfg.input_dim === 'number')
    cfg.input_shape = 'input_length' in cfg ? [cfg.input_length ?? null, cfg.input_dim] : [cfg.input_dim];
  delete cfg.input_dim;
  delete cfg.input_length;
}

const KERNEL_CONSTRAINTS = new Set(['kernel_constraint', 'depthwise_constraint', 'pointwise_constraint']);

/**
 * The Keras 2 entry for a Keras 1 layer entry (see isKerasOneLayer). Throws GraftError('architecture')
 * for what Keras 2 and 3 cannot express: a Merge layer, BatchNormalization mode 1 or 2, border_mode
 * 'full', a regularizer or constraint without a Keras 2 class.
 */
export function toKerasTwoLayer(entry: Json, ctx: KerasOneContext): Json {
  const className = String(entry.class_name);
  const original = isObject(entry.config) ? entry.config : {};
  const name = String(original.name ?? entry.name ?? className);
  if (className in REMOVED_CLASSES)
    refuse(
      ctx,
      name,
      `is a Keras 1 ${className} layer, which Keras 2 and 3 no longer have (${REMOVED_CLASSES[className]}); Keras 3 cannot rebuild this model, so write a legacy .h5 instead.`,
    );
  const keras2Class = kerasTwoClassName(className);
  const rule = RULES[keras2Class] ?? { renames: [] };
  const cfg: Json = { ...original };
  rule.prepare?.(cfg, name, ctx);
  for (const [old, renamed] of rule.renames) {
    if (!(old in cfg)) continue;
    if (!(renamed in cfg)) cfg[renamed] = cfg[old];
    delete cfg[old];
  }
  for (const key of rule.drop ?? []) delete cfg[key];
  if (rule.inputDim) inputShape(cfg);
  if (rule.spatial) {
    // 'default' meant the session's ordering when the model was built: the one its other layers state.
    const stated = cfg.dim_ordering === 'th' || cfg.dim_ordering === 'tf' ? cfg.dim_ordering : null;
    const ordering = stated ?? ctx.dimOrdering;
    delete cfg.dim_ordering;
    if (!('data_format' in cfg) && ordering !== null) cfg.data_format = DATA_FORMAT[ordering];
  }
  const axes = kernelAxes(className, original);
  for (const key of Object.keys(cfg)) {
    if (key.endsWith('_regularizer')) cfg[key] = regularizer(cfg[key], key, name, ctx);
    else if (key.endsWith('_constraint'))
      cfg[key] = constraint(cfg[key], key, KERNEL_CONSTRAINTS.has(key) ? axes : null, name, ctx);
  }
  return { ...entry, class_name: keras2Class, config: cfg };
}
