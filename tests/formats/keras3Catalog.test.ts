import { describe, expect, it } from 'vitest';
import type { LayerSpec, WeightSpec } from '../../src/model/modelSpec';
import { nativeLayout, nativeWeightPaths } from '../../src/formats/keras/nativePaths';
import { expectedWeights, pythonClassName, snakeCase } from '../../src/formats/keras/weightCatalog';

const names = (className: string, config: Record<string, unknown> = {}) =>
  expectedWeights(className, config)?.map((w) => w.name);

describe('snakeCase', () => {
  it("matches Keras's to_snake_case on the examples of keras-formats.md §4.1", () => {
    const examples: Record<string, string> = {
      Conv2D: 'conv2d',
      Conv2DTranspose: 'conv2d_transpose',
      BatchNormalization: 'batch_normalization',
      LSTM: 'lstm',
      GRU: 'gru',
      PReLU: 'p_re_lu',
      ReLU: 're_lu',
      DepthwiseConv2D: 'depthwise_conv2d',
      SeparableConv2D: 'separable_conv2d',
      ConvLSTM2D: 'conv_lstm2d',
      MultiHeadAttention: 'multi_head_attention',
      EinsumDense: 'einsum_dense',
      InputLayer: 'input_layer',
      Sequential: 'sequential',
      Functional: 'functional',
    };
    for (const [className, snake] of Object.entries(examples))
      expect(snakeCase(className), className).toBe(snake);
  });

  it('keys a class by its Python name: aliases, Keras 2 Model, registered `package>Class` names', () => {
    expect(snakeCase(pythonClassName('GroupQueryAttention'))).toBe('grouped_query_attention');
    expect(snakeCase(pythonClassName('Model'))).toBe('functional');
    expect(snakeCase(pythonClassName('graft_test>MyScale'))).toBe('my_scale');
  });

  it('drops non-word characters first, as the Python regex does', () => {
    expect(snakeCase('My-Layer.V2')).toBe('my_layer_v2');
  });
});

describe('expectedWeights', () => {
  it('follows BatchNormalization center/scale', () => {
    expect(names('BatchNormalization')).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(names('BatchNormalization', { center: false })).toEqual([
      'gamma',
      'moving_mean',
      'moving_variance',
    ]);
    expect(names('BatchNormalization', { scale: false })).toEqual(['beta', 'moving_mean', 'moving_variance']);
    expect(names('BatchNormalization', { center: false, scale: false })).toEqual([
      'moving_mean',
      'moving_variance',
    ]);
    expect(expectedWeights('BatchNormalization', {})!.map((w) => w.trainable)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('drops the bias for use_bias=False (and Keras 1 bias=False)', () => {
    expect(names('Dense', { use_bias: false })).toEqual(['kernel']);
    expect(names('Conv2D', { use_bias: false })).toEqual(['kernel']);
    expect(names('SeparableConv2D', { use_bias: false })).toEqual(['depthwise_kernel', 'pointwise_kernel']);
    expect(names('Convolution2D', { bias: false })).toEqual(['kernel']);
    expect(names('LSTM', { use_bias: false })).toEqual(['kernel', 'recurrent_kernel']);
    expect(names('MultiHeadAttention', { use_bias: false })).toEqual([
      'query/kernel',
      'key/kernel',
      'value/kernel',
      'attention_output/kernel',
    ]);
    expect(names('Dense')).toEqual(['kernel', 'bias']);
  });

  it('puts RNN variables in the cell sub-object', () => {
    expect(expectedWeights('LSTM', {})).toEqual([
      { name: 'kernel', trainable: true, subPath: 'cell' },
      { name: 'recurrent_kernel', trainable: true, subPath: 'cell' },
      { name: 'bias', trainable: true, subPath: 'cell' },
    ]);
  });

  it('gives Bidirectional the forward layer then the backward layer, each with its own cell', () => {
    const lstm = { class_name: 'LSTM', config: { units: 2 } };
    const weights = expectedWeights('Bidirectional', { layer: lstm })!;
    expect(weights.map((w) => `${w.subPath}:${w.name}`)).toEqual([
      'forward_layer/cell:forward_layer/kernel',
      'forward_layer/cell:forward_layer/recurrent_kernel',
      'forward_layer/cell:forward_layer/bias',
      'backward_layer/cell:backward_layer/kernel',
      'backward_layer/cell:backward_layer/recurrent_kernel',
      'backward_layer/cell:backward_layer/bias',
    ]);
    const explicitBackward = {
      layer: lstm,
      backward_layer: { class_name: 'LSTM', config: { use_bias: false } },
    };
    expect(names('Bidirectional', explicitBackward)).toHaveLength(5);
  });

  it('unwraps TimeDistributed into its `layer` attribute', () => {
    expect(
      expectedWeights('TimeDistributed', { layer: { class_name: 'Dense', config: { use_bias: false } } }),
    ).toEqual([{ name: 'kernel', trainable: true, subPath: 'layer' }]);
  });

  it('answers [] for weightless classes and null for unknown or quantized ones', () => {
    expect(expectedWeights('Dropout', {})).toEqual([]);
    expect(expectedWeights('Functional', {})).toEqual([]);
    expect(expectedWeights('MyCustomLayer', {})).toBeNull();
    expect(expectedWeights('Bidirectional', { layer: { class_name: 'MyCell', config: {} } })).toBeNull();
    expect(expectedWeights('Dense', { quantization_config: { mode: 'int8' } })).toBeNull();
  });
});

/** A hand-made architecture: only what nativeLayout reads (ids, classes, nesting). */
function layer(id: string, className: string, extra: Partial<LayerSpec> = {}): LayerSpec {
  const parts = id.split('/');
  return {
    id,
    name: parts[parts.length - 1],
    className,
    config: {},
    inbound: [],
    path: parts.slice(0, -1),
    weights: [],
    ...extra,
  };
}

describe('nativeWeightPaths', () => {
  const arch = {
    modelClass: 'Functional',
    layers: [
      layer('in', 'InputLayer'),
      layer('a', 'Conv2D'),
      layer('b', 'Conv2D'),
      layer('r', 'LSTM'),
      layer('s', 'Sequential', { children: ['s/d1', 's/d2'] }),
      layer('s/d1', 'Dense'),
      layer('s/d2', 'Dense'),
      layer('f', 'Functional', { children: ['f/i', 'f/d'] }),
      layer('f/i', 'InputLayer'),
      layer('f/d', 'Dense'),
      layer('head', 'Dense'),
    ],
  };

  it('counts per class and per container in model order (keras-formats.md §4.1)', () => {
    const paths = nativeWeightPaths(arch);
    expect(paths.get('a')).toEqual(['layers/conv2d/vars/0', 'layers/conv2d/vars/1']);
    expect(paths.get('b')).toEqual(['layers/conv2d_1/vars/0', 'layers/conv2d_1/vars/1']);
    expect(paths.get('r')).toEqual([
      'layers/lstm/cell/vars/0',
      'layers/lstm/cell/vars/1',
      'layers/lstm/cell/vars/2',
    ]);
    expect(paths.get('s/d1')).toEqual([
      'layers/sequential/layers/dense/vars/0',
      'layers/sequential/layers/dense/vars/1',
    ]);
    expect(paths.get('s/d2')).toEqual([
      'layers/sequential/layers/dense_1/vars/0',
      'layers/sequential/layers/dense_1/vars/1',
    ]);
    expect(paths.get('f/d')).toEqual([
      'layers/functional/layers/dense/vars/0',
      'layers/functional/layers/dense/vars/1',
    ]);
    expect(paths.get('head')).toEqual(['layers/dense/vars/0', 'layers/dense/vars/1']);
    expect(paths.get('in')).toEqual([]);
  });

  it('lists the empty vars groups: the root, nested models, objects whose variables live deeper', () => {
    const { emptyVarGroups } = nativeLayout(arch);
    expect(emptyVarGroups).toEqual(
      expect.arrayContaining([
        'vars',
        'layers/lstm/vars',
        'layers/sequential/vars',
        'layers/functional/vars',
      ]),
    );
    expect(emptyVarGroups).not.toContain('layers/lstm/cell/vars');
  });

  it("maps a spec's own weights by name, by position, or back from generic var_<i> names", () => {
    const w = (name: string): WeightSpec => ({
      name,
      shape: [1],
      dtype: 'float32',
      trainable: true,
      values: null,
      storedName: null,
    });
    const spec = {
      modelClass: 'Functional',
      layers: [
        layer('bn', 'BatchNormalization', {
          weights: [w('moving_mean'), w('gamma'), w('beta'), w('moving_variance')],
        }),
        layer('dw', 'DepthwiseConv2D', { weights: [w('depthwise_kernel'), w('bias')] }),
        layer('custom', 'MyLayer', { weights: [w('var_1'), w('cell/var_0'), w('other')] }),
      ],
    };
    const paths = nativeWeightPaths(spec);
    expect(paths.get('bn')).toEqual([
      'layers/batch_normalization/vars/2',
      'layers/batch_normalization/vars/0',
      'layers/batch_normalization/vars/1',
      'layers/batch_normalization/vars/3',
    ]);
    expect(paths.get('dw')).toEqual(['layers/depthwise_conv2d/vars/0', 'layers/depthwise_conv2d/vars/1']);
    expect(paths.get('custom')).toEqual([
      'layers/my_layer/vars/1',
      'layers/my_layer/cell/vars/0',
      'layers/my_layer/vars/2',
    ]);
  });
});
