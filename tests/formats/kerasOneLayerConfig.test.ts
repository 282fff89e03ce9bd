// Keras 1 layer configs rewritten for Keras 3 (kerasOneLayerConfig.ts through toKerasThreeConfig),
// on the two shared Keras 1 configs and on hand-written ones. Real Keras builds the results in
// tests/keras/kerasThreeConfig.test.ts and loads our .keras of the shared files in
// tests/keras/kerasOneForward.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { nativeWeightPaths } from '../../src/formats/keras/nativePaths';
import {
  isKerasOneLayer,
  kerasOneDimOrdering,
  toKerasTwoLayer,
} from '../../src/formats/keras/write/kerasOneLayerConfig';
import { toKerasThreeConfig } from '../../src/formats/keras/write/kerasThreeConfig';
import { isGraftError } from '../../src/model/errors';
import type { LayerSpec } from '../../src/model/modelSpec';
import { sharedFixture } from '../support/fixtures';
import { KERAS_ONE_CASES } from './kerasOneConfigs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Argument names only Keras 1 wrote; none may survive the rewrite. */
const KERAS_ONE_KEYS = [
  'output_dim',
  'init',
  'inner_init',
  'inner_activation',
  'W_regularizer',
  'U_regularizer',
  'b_regularizer',
  'W_constraint',
  'b_constraint',
  'bias',
  'nb_filter',
  'nb_row',
  'nb_col',
  'kernel_dim1',
  'filter_length',
  'subsample',
  'subsample_length',
  'border_mode',
  'dim_ordering',
  'atrous_rate',
  'p',
  'sigma',
  'dropout_W',
  'dropout_U',
  'consume_less',
  'forget_bias_init',
  'mode',
  'pool_length',
  'stride',
  'length',
  'input_dtype',
  'input_length',
  'output_shape',
];

/** Every layer entry of a converted config, wrapped layers included, by name. */
function layersByName(config: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  const visit = (entry: Json) => {
    const cfg = entry.config;
    if (Array.isArray(cfg?.layers)) cfg.layers.forEach(visit);
    else out.set(cfg.name, entry);
    for (const key of ['layer', 'backward_layer']) if (cfg?.[key]) visit(cfg[key]);
  };
  visit(config);
  return out;
}

function leftoverKerasOneKeys(config: Json): string[] {
  return [...layersByName(config)]
    .filter(([, entry]) => entry.class_name !== 'Embedding') // Keras 2 Embedding has output_dim, input_length
    .flatMap(([name, entry]) =>
      Object.keys(entry.config)
        .filter((k) => KERAS_ONE_KEYS.includes(k))
        .map((k) => `${name}.${k}`),
    );
}

describe.skipIf(!existsSync(sharedFixture('real', 'keras2cpp__my_nn_arch.json')))(
  'the shared Keras 1 configs (skipped without ../shared/fixtures)',
  () => {
    let host: FileSystemH5Host;
    beforeAll(async () => {
      host = await createNodeH5Host();
    });

    it('keras2cpp: Convolution2D th -> Conv2D channels_first, every Keras 1 argument renamed', () => {
      const raw = JSON.parse(readFileSync(sharedFixture('real', 'keras2cpp__my_nn_arch.json'), 'utf8'));
      const out = toKerasThreeConfig(raw, 'keras2cpp') as Json;
      expect(leftoverKerasOneKeys(out)).toEqual([]);
      const byName = layersByName(out);
      expect(byName.get('convolution2d_1_input')!.config.batch_shape).toEqual([null, 1, 28, 28]);
      expect(byName.get('convolution2d_1')).toEqual({
        class_name: 'Conv2D',
        config: {
          name: 'convolution2d_1',
          trainable: true,
          filters: 4,
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'same',
          data_format: 'channels_first',
          activation: 'linear',
          kernel_initializer: 'glorot_uniform',
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
      });
      expect(byName.get('maxpooling2d_1')!.config).toMatchObject({
        padding: 'valid',
        data_format: 'channels_first',
        pool_size: [2, 2],
      });
      expect(byName.get('dropout_1')!.config.rate).toBe(0.25);
      expect(byName.get('dense_2')!.config).toMatchObject({ units: 10, use_bias: true });
      expect(byName.get('dense_2')!.class_name).toBe('Dense');
      expect(raw.config[0].class_name).toBe('Convolution2D'); // input not mutated
    });

    it('lstm_theano_1: Keras 1 LSTM arguments -> Keras 2 ones', async () => {
      const open = await readLegacyH5(host, {
        kind: 'path',
        path: sharedFixture('real', 'dl4j-testres__lstm_theano_1.h5'),
        name: 'lstm_theano_1.h5',
      });
      open.close();
      const out = toKerasThreeConfig(open.spec.modelConfig!, 'lstm_theano_1') as Json;
      expect(leftoverKerasOneKeys(out)).toEqual([]);
      const [input, lstm] = out.config.layers;
      expect(input.config.batch_shape).toEqual([null, 4, 1]);
      expect(lstm.config).toMatchObject({
        units: 6,
        kernel_initializer: 'glorot_uniform',
        recurrent_initializer: 'orthogonal',
        recurrent_activation: 'hard_sigmoid',
        unit_forget_bias: true,
        implementation: 0,
        dropout: 0,
        recurrent_dropout: 0,
      });
      expect(lstm.config.input_dim).toBeUndefined();
    });
  },
);

describe('hand-written Keras 1 configs', () => {
  it.each(KERAS_ONE_CASES.map((c) => [c.name, c] as const))('%s: no Keras 1 argument survives', (_, c) => {
    const out = toKerasThreeConfig(c.config, c.name) as Json;
    expect(leftoverKerasOneKeys(out)).toEqual([]);
    // Every weighted layer is still there under its own name.
    const byName = layersByName(out);
    for (const name of Object.keys(c.variables)) expect(byName.has(name), name).toBe(true);
  });

  it('Theano ordering reaches the layers Keras 1 saved without one; the input shape stays as saved', () => {
    const byName = layersByName(toKerasThreeConfig(KERAS_ONE_CASES[0].config, 'x') as Json);
    for (const name of ['conv', 'pad', 'atrous', 'pool', 'up', 'crop', 'sep', 'deconv', 'sdrop', 'gap'])
      expect(byName.get(name)!.config.data_format, name).toBe('channels_first');
    expect(byName.get('conv_input')!.config.batch_shape).toEqual([null, 3, 12, 12]);
    expect(byName.get('atrous')!.class_name).toBe('Conv2D');
    expect(byName.get('atrous')!.config.dilation_rate).toEqual([2, 2]);
    expect(byName.get('deconv')!.class_name).toBe('Conv2DTranspose');
    expect(byName.get('deconv')!.config.output_shape).toBeUndefined();
    expect(byName.get('sep')!.config).toMatchObject({
      depthwise_initializer: 'glorot_uniform',
      pointwise_initializer: 'glorot_uniform',
      depth_multiplier: 2,
    });
    expect(byName.get('sdrop')!.config.trainable).toBeUndefined(); // Keras 3 SpatialDropout2D takes none
    expect(byName.get('prelu')!.config.alpha_initializer).toBe('zero');
    expect(byName.get('noise')!.config.stddev).toBe(0.1);
  });

  it('regularizers and constraints become Keras 2 objects; a kernel constraint axis follows the transposed kernel', () => {
    const conv = layersByName(toKerasThreeConfig(KERAS_ONE_CASES[0].config, 'x') as Json).get('conv')!.config;
    expect(conv.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(conv.activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.01, l2: 0 } });
    // (out, in, kh, kw) axes [1, 2, 3] are (kh, kw, in, out) axes [2, 0, 1]: the same per-filter norm.
    expect(conv.kernel_constraint).toEqual({
      class_name: 'MaxNorm',
      config: { max_value: 2, axis: [2, 0, 1] },
    });
    expect(conv.bias_constraint).toEqual({ class_name: 'NonNeg', config: {} });
    const conv1d = layersByName(toKerasThreeConfig(KERAS_ONE_CASES[2].config, 'x') as Json).get('conv1d')!;
    // Keras 1 Conv1D kernel (k, 1, in, out): axis 2 (in) is axis 1 of (k, in, out).
    expect(conv1d.config.kernel_constraint).toEqual({ class_name: 'UnitNorm', config: { axis: 1 } });
    const conv1dAxes = (axis: unknown) =>
      toKerasTwoLayer(
        {
          class_name: 'Convolution1D',
          config: {
            name: 'c',
            nb_filter: 1,
            filter_length: 3,
            W_constraint: { name: 'MaxNorm', m: 1, axis },
          },
        },
        { dimOrdering: null, label: 'k1.json' },
      ).config as Json;
    expect(conv1dAxes([0, 1, 2]).kernel_constraint.config.axis).toEqual([0, 1]);
    expect(() => conv1dAxes(1)).toThrow(/layer "c" constrains its kernel over the size-1 axis/);
  });

  it('sequences: 1D pooling and upsampling renamed, padding dict to a pair, GRU without reset_after, wrappers', () => {
    const byName = layersByName(toKerasThreeConfig(KERAS_ONE_CASES[2].config, 'x') as Json);
    expect(byName.get('embed_input')!.config).toMatchObject({ batch_shape: [null, 10], dtype: 'int32' });
    // Embedding's input_dim is its vocabulary: kept.
    expect(byName.get('embed')!.config).toMatchObject({
      input_dim: 20,
      output_dim: 6,
      embeddings_initializer: 'uniform',
    });
    expect(byName.get('embed')!.config.dropout).toBeUndefined();
    expect(byName.get('conv1d')!.config).toMatchObject({
      filters: 4,
      kernel_size: 3,
      strides: 1,
      padding: 'same',
    });
    expect(byName.get('atrous1d')!.config.dilation_rate).toBe(2);
    expect(byName.get('pool1d')!.config).toMatchObject({ pool_size: 2, strides: null, padding: 'valid' });
    expect(byName.get('up1d')!.config.size).toBe(2);
    expect(byName.get('pad1d')!.config.padding).toEqual([1, 0]);
    expect(byName.get('gru')!.config).toMatchObject({ units: 5, reset_after: false, implementation: 0 });
    expect(byName.get('tdd')!.class_name).toBe('Dense');
    // Inner entries of wrappers carry a module: Keras 3 wrappers cannot find a bare class name.
    expect(byName.get('td_dense')).toMatchObject({ module: 'keras.layers', class_name: 'Dense' });
    expect(byName.get('td_dense')!.config.units).toBe(3);
    expect(byName.get('bidi_lstm')!.config).toMatchObject({ units: 3, unit_forget_bias: true });
  });

  it('functional: InputLayer input_dtype -> dtype; an inner input_dim becomes an input_shape Keras 3 ignores', () => {
    const out = toKerasThreeConfig(KERAS_ONE_CASES[3].config, 'x') as Json;
    expect(out.class_name).toBe('Functional');
    const byName = layersByName(out);
    expect(byName.get('seq_in')!.config).toMatchObject({ batch_input_shape: [null, 7, 3], dtype: 'float32' });
    expect(byName.get('rnn')!.config.input_shape).toEqual([7, 3]);
    expect(byName.get('rnn')!.config.implementation).toBeUndefined(); // Keras 3 SimpleRNN rejects it
    expect(byName.get('rnn')!.inbound_nodes).toEqual([[['seq_in', 0, 0]]]);
  });
});

describe('toKerasTwoLayer rule by rule', () => {
  const convert = (class_name: string, config: Json, dimOrdering: 'th' | 'tf' | null = null): Json =>
    toKerasTwoLayer({ class_name, config }, { dimOrdering, label: 'k1.json' });

  it('ZeroPadding2D: Keras 1 (top, bottom, left, right) and dict forms; the model ordering fills a missing one', () => {
    expect(convert('ZeroPadding2D', { name: 'z', padding: [1, 2, 3, 4] }, 'tf').config).toEqual({
      name: 'z',
      padding: [
        [1, 2],
        [3, 4],
      ],
      data_format: 'channels_last',
    });
    expect(convert('ZeroPadding2D', { name: 'z', padding: { top_pad: 2, right_pad: 1 } }).config).toEqual({
      name: 'z',
      padding: [
        [2, 0],
        [0, 1],
      ],
    });
  });

  it("dim_ordering 'default' takes the model's ordering", () => {
    expect(
      convert('UpSampling2D', { name: 'u', size: [2, 2], dim_ordering: 'default' }, 'th').config.data_format,
    ).toBe('channels_first');
  });

  it('Dense input_dim with no batch input shape becomes input_shape, as Keras 2 did', () => {
    expect(convert('Dense', { name: 'd', output_dim: 2, input_dim: 5 }).config).toEqual({
      name: 'd',
      units: 2,
      input_shape: [5],
    });
    expect(
      convert('Dense', { name: 'd', output_dim: 2, input_dim: 5, batch_input_shape: [null, 5] }).config,
    ).toEqual({
      name: 'd',
      units: 2,
      batch_input_shape: [null, 5],
    });
  });

  it("forget_bias_init other than 'one' leaves the forget bias at zero", () => {
    expect(
      convert('LSTM', { name: 'l', output_dim: 2, forget_bias_init: 'zero' }).config.unit_forget_bias,
    ).toBe(false);
  });

  it('MinMaxNorm and an unknown regularizer', () => {
    expect(
      convert('Dense', {
        name: 'd',
        output_dim: 2,
        W_constraint: { name: 'MinMaxNorm', low: 0.5, high: 3, rate: 0.9, axis: 0 },
      }).config.kernel_constraint,
    ).toEqual({ class_name: 'MinMaxNorm', config: { min_value: 0.5, max_value: 3, rate: 0.9, axis: 0 } });
    expect(() =>
      convert('Dense', { name: 'd', output_dim: 2, W_regularizer: { name: 'EigenvalueRegularizer', k: 1 } }),
    ).toThrow(/k1\.json: layer "d" has a kernel_regularizer of Keras 1 class "EigenvalueRegularizer"/);
  });

  it.each([
    ['Merge', { name: 'm', mode: 'concat' }, /layer "m" is a Keras 1 Merge layer.*Concatenate/],
    ['Highway', { name: 'h' }, /layer "h" is a Keras 1 Highway layer/],
    ['BatchNormalization', { name: 'bn', mode: 2 }, /layer "bn" is a Keras 1 BatchNormalization with mode 2/],
    ['Convolution2D', { name: 'c', nb_filter: 1, nb_row: 3, nb_col: 3, border_mode: 'full' }, /'full'/],
  ])('refuses %s that Keras 2 could not read either', (className, config, message) => {
    let thrown: unknown;
    try {
      convert(className, config as Json);
    } catch (error) {
      thrown = error;
    }
    expect(isGraftError(thrown) && thrown.code).toBe('architecture');
    expect((thrown as Error).message).toMatch(message);
  });

  it('a Merge in a whole model is refused by toKerasThreeConfig with the file name', () => {
    const model = {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          {
            name: 'merge_1',
            class_name: 'Merge',
            config: { name: 'merge_1', mode: 'sum' },
            inbound_nodes: [],
          },
        ],
        input_layers: [],
        output_layers: [],
      },
    };
    expect(() => toKerasThreeConfig(model, 'old.h5')).toThrow(
      /^old\.h5: layer "merge_1" is a Keras 1 Merge layer/,
    );
  });
});

describe('isKerasOneLayer and kerasOneDimOrdering', () => {
  it('Keras 2 and tf.keras layer entries are not touched', () => {
    const keras2: Json[] = [
      {
        class_name: 'Conv2D',
        config: { name: 'c', filters: 2, kernel_size: [3, 3], data_format: 'channels_first' },
      },
      { class_name: 'Dense', config: { name: 'd', units: 2, use_bias: true } },
      { class_name: 'Embedding', config: { name: 'e', input_dim: 3, output_dim: 2, input_length: 5 } },
      { class_name: 'RandomFlip', config: { name: 'f', mode: 'horizontal' } },
      { class_name: 'UpSampling2D', config: { name: 'u', size: [2, 2], data_format: 'channels_last' } },
      { class_name: 'LSTM', config: { name: 'l', units: 2, implementation: 2 } },
    ];
    for (const entry of keras2) expect(isKerasOneLayer(entry, null), entry.class_name).toBe(false);
    // A model that states no Keras 1 ordering: a Keras 2 layer without data_format is Keras 2's default.
    expect(isKerasOneLayer({ class_name: 'UpSampling2D', config: { name: 'u', size: [2, 2] } }, null)).toBe(
      false,
    );
    expect(isKerasOneLayer({ class_name: 'UpSampling2D', config: { name: 'u', size: [2, 2] } }, 'th')).toBe(
      true,
    );
  });

  it('a Keras 2 config goes through toKerasThreeConfig with its layer entries unchanged', () => {
    const layer = { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: [3, 3], groups: 2 } };
    const out = toKerasThreeConfig(
      { class_name: 'Sequential', config: { name: 's', layers: [layer] } },
      'x',
    ) as Json;
    expect(out.config.layers[0]).toEqual(layer);
  });

  it('the ordering is the one the layers state, or none when they state both or neither', () => {
    const seq = (...orderings: string[]) => ({
      class_name: 'Sequential',
      config: orderings.map((o, i) => ({
        class_name: 'Convolution2D',
        config: { name: `c${i}`, dim_ordering: o },
      })),
    });
    expect(kerasOneDimOrdering(seq('th', 'th'))).toBe('th');
    expect(kerasOneDimOrdering(seq('tf'))).toBe('tf');
    expect(kerasOneDimOrdering(seq('th', 'tf'))).toBeNull();
    expect(kerasOneDimOrdering(seq())).toBeNull();
  });

  it('a wrapped Keras 1 layer is rewritten inside its wrapper', () => {
    const out = toKerasThreeConfig(
      {
        class_name: 'Sequential',
        config: [
          {
            class_name: 'TimeDistributed',
            config: {
              name: 't',
              layer: {
                class_name: 'Convolution2D',
                config: { name: 'c', nb_filter: 2, nb_row: 1, nb_col: 1, dim_ordering: 'tf' },
              },
            },
          },
        ],
      },
      'x',
    ) as Json;
    expect(out.config.layers[0].config.layer).toEqual({
      module: 'keras.layers',
      class_name: 'Conv2D',
      config: { name: 'c', filters: 2, kernel_size: [1, 1], data_format: 'channels_last' },
      registered_name: null,
    });
  });
});

describe('Keras 3 weight paths of Keras 1 classes', () => {
  it('are keyed by the Keras 2/3 class the config is rebuilt as', () => {
    const layer = (name: string, className: string): LayerSpec => ({
      id: name,
      name,
      className,
      config: { name },
      inbound: [],
      path: [],
      weights: [
        { name: 'kernel', shape: [1], dtype: 'float32', trainable: true, values: null, storedName: null },
        { name: 'bias', shape: [1], dtype: 'float32', trainable: true, values: null, storedName: null },
      ],
    });
    const paths = nativeWeightPaths({
      modelClass: 'Sequential',
      layers: [
        layer('c1', 'Convolution2D'),
        layer('c2', 'AtrousConvolution2D'),
        layer('c3', 'Conv2D'),
        layer('d1', 'TimeDistributedDense'),
        layer('t1', 'Deconvolution2D'),
      ],
    });
    expect([...paths.values()].map((p) => p[0])).toEqual([
      'layers/conv2d/vars/0',
      'layers/conv2d_1/vars/0',
      'layers/conv2d_2/vars/0',
      'layers/dense/vars/0',
      'layers/conv2d_transpose/vars/0',
    ]);
  });
});
