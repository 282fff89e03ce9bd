// Hand-written Keras 1 model configs, keyed and valued as Keras 1.2's get_config writes them (the
// flat regularizer/constraint objects, no dim_ordering on UpSampling/ZeroPadding/Cropping/
// SpatialDropout, input_dim/input_length on recurrent and 1D convolution layers, 3-element inbound
// node references). `variables` is what the converted model must hold in Keras 3: every layer's
// variable shapes in Keras 2/3 layout (channels-last kernels whatever the data format, one GRU bias
// vector), worked out by hand from the layer arguments and input shapes.

type Json = Record<string, unknown>;

export interface KerasOneCase {
  name: string;
  config: Json;
  /** Layer name -> shapes of its variables in `layer.weights` order. */
  variables: Record<string, number[][]>;
}

const noRegularizers = {
  W_regularizer: null,
  b_regularizer: null,
  activity_regularizer: null,
  W_constraint: null,
  b_constraint: null,
};

const layer = (class_name: string, config: Json): Json => ({
  class_name,
  config: { trainable: true, ...config },
});

const recurrentBase = (name: string, outputDim: number, extra: Json = {}): Json => ({
  name,
  output_dim: outputDim,
  init: 'glorot_uniform',
  inner_init: 'orthogonal',
  activation: 'tanh',
  W_regularizer: null,
  U_regularizer: null,
  b_regularizer: null,
  dropout_W: 0.0,
  dropout_U: 0.0,
  return_sequences: false,
  go_backwards: false,
  stateful: false,
  unroll: false,
  consume_less: 'cpu',
  input_dim: null,
  input_length: null,
  ...extra,
});

/** Theano ordering, images: every spatial layer, stated or not, must be channels_first. */
const imagesTh: KerasOneCase = {
  name: 'images-th',
  config: {
    class_name: 'Sequential',
    config: [
      layer('Convolution2D', {
        name: 'conv',
        nb_filter: 4,
        nb_row: 3,
        nb_col: 3,
        init: 'glorot_uniform',
        activation: 'relu',
        border_mode: 'valid',
        subsample: [1, 1],
        dim_ordering: 'th',
        W_regularizer: { name: 'WeightRegularizer', l1: 0.0, l2: 0.01 },
        b_regularizer: null,
        activity_regularizer: { name: 'ActivityRegularizer', l1: 0.01, l2: 0.0 },
        W_constraint: { name: 'MaxNorm', m: 2, axis: [1, 2, 3] },
        b_constraint: { name: 'NonNeg' },
        bias: true,
        batch_input_shape: [null, 3, 12, 12],
        input_dtype: 'float32',
      }), // -> (4, 10, 10)
      layer('ZeroPadding2D', { name: 'pad', padding: [1, 1] }), // (4, 12, 12)
      layer('AtrousConvolution2D', {
        name: 'atrous',
        nb_filter: 4,
        nb_row: 3,
        nb_col: 3,
        atrous_rate: [2, 2],
        init: 'he_normal',
        activation: 'linear',
        border_mode: 'same',
        subsample: [1, 1],
        dim_ordering: 'th',
        bias: true,
        ...noRegularizers,
      }), // (4, 12, 12)
      layer('BatchNormalization', {
        name: 'bn',
        epsilon: 0.001,
        mode: 0,
        axis: 1,
        momentum: 0.99,
        gamma_regularizer: null,
        beta_regularizer: null,
      }),
      layer('MaxPooling2D', {
        name: 'pool',
        pool_size: [2, 2],
        strides: [2, 2],
        border_mode: 'valid',
        dim_ordering: 'th',
      }), // (4, 6, 6)
      layer('UpSampling2D', { name: 'up', size: [2, 2] }), // (4, 12, 12)
      layer('Cropping2D', {
        name: 'crop',
        cropping: [
          [1, 1],
          [1, 1],
        ],
      }), // (4, 10, 10)
      layer('SeparableConvolution2D', {
        name: 'sep',
        nb_filter: 5,
        nb_row: 3,
        nb_col: 3,
        init: 'glorot_uniform',
        activation: 'relu',
        border_mode: 'valid',
        subsample: [1, 1],
        depth_multiplier: 2,
        dim_ordering: 'th',
        depthwise_regularizer: null,
        pointwise_regularizer: null,
        b_regularizer: null,
        activity_regularizer: null,
        depthwise_constraint: null,
        pointwise_constraint: null,
        b_constraint: null,
        bias: true,
      }), // (5, 8, 8)
      layer('Deconvolution2D', {
        name: 'deconv',
        nb_filter: 2,
        nb_row: 3,
        nb_col: 3,
        output_shape: [null, 2, 10, 10],
        init: 'glorot_uniform',
        activation: 'linear',
        border_mode: 'valid',
        subsample: [1, 1],
        dim_ordering: 'th',
        bias: true,
        ...noRegularizers,
      }), // (2, 10, 10)
      layer('SpatialDropout2D', { name: 'sdrop', p: 0.1 }),
      layer('GlobalAveragePooling2D', { name: 'gap', dim_ordering: 'th' }), // (2,)
      layer('Dense', {
        name: 'dense',
        output_dim: 3,
        init: 'glorot_uniform',
        activation: 'linear',
        bias: false,
        input_dim: null,
        ...noRegularizers,
      }),
      layer('PReLU', { name: 'prelu', init: 'zero' }),
      layer('GaussianNoise', { name: 'noise', sigma: 0.1 }),
      layer('Dropout', { name: 'drop', p: 0.5 }),
    ],
  },
  variables: {
    conv: [[3, 3, 3, 4], [4]],
    atrous: [[3, 3, 4, 4], [4]],
    bn: [[4], [4], [4], [4]],
    sep: [[3, 3, 4, 2], [1, 1, 8, 5], [5]],
    deconv: [[3, 3, 2, 5], [2]],
    dense: [[2, 3]],
    prelu: [[3]],
  },
};

/** Volumes, Theano ordering: Convolution3D and the 3D layers Keras 1 saved without dim_ordering. */
const volumesTh: KerasOneCase = {
  name: 'volumes-th',
  config: {
    class_name: 'Sequential',
    config: [
      layer('Convolution3D', {
        name: 'conv3d',
        nb_filter: 2,
        kernel_dim1: 2,
        kernel_dim2: 2,
        kernel_dim3: 3,
        init: 'glorot_uniform',
        activation: 'relu',
        border_mode: 'valid',
        subsample: [1, 1, 1],
        dim_ordering: 'th',
        bias: true,
        ...noRegularizers,
        batch_input_shape: [null, 1, 5, 5, 6],
        input_dtype: 'float32',
      }), // (2, 4, 4, 4)
      layer('MaxPooling3D', {
        name: 'pool3d',
        pool_size: [2, 2, 2],
        strides: [2, 2, 2],
        border_mode: 'valid',
        dim_ordering: 'th',
      }), // (2, 2, 2, 2)
      layer('UpSampling3D', { name: 'up3d', size: [2, 2, 2] }), // (2, 4, 4, 4)
      layer('ZeroPadding3D', { name: 'pad3d', padding: [1, 1, 1] }), // (2, 6, 6, 6)
      layer('Cropping3D', {
        name: 'crop3d',
        cropping: [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      }), // (2, 4, 4, 4)
      layer('BatchNormalization', {
        name: 'bn3d',
        epsilon: 0.001,
        mode: 0,
        axis: 1,
        momentum: 0.99,
        gamma_regularizer: null,
        beta_regularizer: null,
      }),
      layer('GlobalMaxPooling3D', { name: 'gmp3d', dim_ordering: 'th' }), // (2,)
    ],
  },
  variables: {
    conv3d: [[2, 2, 3, 1, 2], [2]],
    bn3d: [[2], [2], [2], [2]],
  },
};

/** Sequences: Embedding first, 1D convolutions and pooling, a GRU, wrappers, a Keras 1 TimeDistributedDense. */
const sequences: KerasOneCase = {
  name: 'sequences',
  config: {
    class_name: 'Sequential',
    config: [
      layer('Embedding', {
        name: 'embed',
        input_dim: 20,
        output_dim: 6,
        init: 'uniform',
        input_length: 10,
        mask_zero: false,
        activity_regularizer: null,
        W_regularizer: null,
        W_constraint: null,
        dropout: 0.0,
        batch_input_shape: [null, 10],
        input_dtype: 'int32',
      }), // (10, 6)
      layer('Convolution1D', {
        name: 'conv1d',
        nb_filter: 4,
        filter_length: 3,
        init: 'glorot_uniform',
        activation: 'relu',
        border_mode: 'same',
        subsample_length: 1,
        ...noRegularizers,
        W_constraint: { name: 'UnitNorm', axis: 2 },
        bias: true,
        input_dim: null,
        input_length: null,
      }), // (10, 4)
      layer('AtrousConvolution1D', {
        name: 'atrous1d',
        nb_filter: 4,
        filter_length: 2,
        atrous_rate: 2,
        init: 'glorot_uniform',
        activation: 'linear',
        border_mode: 'valid',
        subsample_length: 1,
        ...noRegularizers,
        bias: true,
        input_dim: null,
        input_length: null,
      }), // (8, 4)
      layer('MaxPooling1D', { name: 'pool1d', stride: null, pool_length: 2, border_mode: 'valid' }), // (4, 4)
      layer('UpSampling1D', { name: 'up1d', length: 2 }), // (8, 4)
      layer('ZeroPadding1D', { name: 'pad1d', padding: { left_pad: 1, right_pad: 0 } }), // (9, 4)
      layer('GRU', recurrentBase('gru', 5, { inner_activation: 'hard_sigmoid', return_sequences: true })),
      layer('TimeDistributed', {
        name: 'td',
        layer: {
          class_name: 'Dense',
          config: {
            name: 'td_dense',
            trainable: true,
            output_dim: 3,
            init: 'glorot_uniform',
            activation: 'relu',
            bias: true,
            input_dim: null,
            ...noRegularizers,
          },
        },
      }), // (9, 3)
      layer('TimeDistributedDense', {
        name: 'tdd',
        output_dim: 2,
        init: 'glorot_uniform',
        activation: 'linear',
        bias: true,
        input_dim: null,
        input_length: null,
        ...noRegularizers,
      }), // (9, 2)
      layer('Bidirectional', {
        name: 'bidi',
        merge_mode: 'concat',
        layer: {
          class_name: 'LSTM',
          config: {
            trainable: true,
            ...recurrentBase('bidi_lstm', 3, { forget_bias_init: 'one', inner_activation: 'hard_sigmoid' }),
          },
        },
      }), // (6,)
      layer('Dense', {
        name: 'out',
        output_dim: 1,
        init: 'glorot_uniform',
        activation: 'sigmoid',
        bias: true,
        input_dim: null,
        ...noRegularizers,
      }),
    ],
  },
  variables: {
    embed: [[20, 6]],
    conv1d: [[3, 6, 4], [4]],
    atrous1d: [[2, 4, 4], [4]],
    gru: [[4, 15], [5, 15], [15]],
    td: [[5, 3], [3]],
    tdd: [[3, 2], [2]],
    bidi: [[2, 12], [3, 12], [12], [2, 12], [3, 12], [12]],
    out: [[6, 1], [1]],
  },
};

/** A Keras 1 functional `Model`: InputLayer with input_dtype, 3-element node references, input_dim on an inner layer. */
const functional: KerasOneCase = {
  name: 'functional',
  config: {
    class_name: 'Model',
    config: {
      name: 'k1_model',
      layers: [
        {
          name: 'seq_in',
          class_name: 'InputLayer',
          config: { batch_input_shape: [null, 7, 3], input_dtype: 'float32', sparse: false, name: 'seq_in' },
          inbound_nodes: [],
        },
        {
          name: 'rnn',
          class_name: 'SimpleRNN',
          config: {
            trainable: true,
            ...recurrentBase('rnn', 4, { return_sequences: true, input_dim: 3, input_length: 7 }),
          },
          inbound_nodes: [[['seq_in', 0, 0]]],
        },
        {
          name: 'flat',
          class_name: 'Flatten',
          config: { name: 'flat', trainable: true },
          inbound_nodes: [[['rnn', 0, 0]]],
        },
        {
          name: 'head',
          class_name: 'Dense',
          config: {
            name: 'head',
            trainable: true,
            output_dim: 2,
            init: 'glorot_uniform',
            activation: 'softmax',
            bias: true,
            input_dim: null,
            ...noRegularizers,
          },
          inbound_nodes: [[['flat', 0, 0]]],
        },
      ],
      input_layers: [['seq_in', 0, 0]],
      output_layers: [['head', 0, 0]],
    },
  },
  variables: {
    rnn: [[3, 4], [4, 4], [4]],
    head: [[28, 2], [2]],
  },
};

export const KERAS_ONE_CASES: KerasOneCase[] = [imagesTh, volumesTh, sequences, functional];
