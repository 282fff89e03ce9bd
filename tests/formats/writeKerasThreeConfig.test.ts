// The Keras 1/2 -> Keras 3 config rewrite, rule by rule (real Keras judges the result in
// tests/keras/kerasThreeConfig.test.ts and tests/keras/writeKeras.test.ts).
import { describe, expect, it } from 'vitest';
import { isKerasThreeConfig, toKerasThreeConfig } from '../../src/formats/keras/write/kerasThreeConfig';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dense = (name: string, extra: Json = {}) => ({
  class_name: 'Dense',
  config: { name, units: 2, ...extra },
});

describe('toKerasThreeConfig', () => {
  it('leaves a Keras 3 config untouched', () => {
    const k3 = {
      module: 'keras',
      class_name: 'Sequential',
      config: { name: 's', layers: [] },
      registered_name: null,
    };
    expect(isKerasThreeConfig(k3)).toBe(true);
    expect(toKerasThreeConfig(k3, 'x')).toBe(k3);
  });

  it('list-form Sequential with batch_input_shape on its first layer -> dict form with an InputLayer', () => {
    const keras21: Json = {
      class_name: 'Sequential',
      config: [dense('dense_1', { batch_input_shape: [null, 4], dtype: 'float64' }), dense('dense_2')],
    };
    const out = toKerasThreeConfig(keras21, 'x') as Json;
    expect(out.module).toBe('keras');
    expect(out.registered_name).toBeNull();
    expect(out.config.name).toBe('sequential');
    expect(out.config.layers.map((l: Json) => l.config.name)).toEqual([
      'dense_1_input',
      'dense_1',
      'dense_2',
    ]);
    expect(out.config.layers[0]).toEqual({
      class_name: 'InputLayer',
      config: { batch_shape: [null, 4], dtype: 'float64', sparse: false, name: 'dense_1_input' },
    });
    expect(out.config.layers[1].config.batch_input_shape).toBeUndefined();
    expect(keras21.config[0].config.batch_input_shape).toEqual([null, 4]); // input not mutated
  });

  it('input_shape / input_dim forms get the batch axis added', () => {
    const a = toKerasThreeConfig(
      { class_name: 'Sequential', config: { name: 's', layers: [dense('d', { input_shape: [3, 5] })] } },
      'x',
    ) as Json;
    expect(a.config.layers[0].config.batch_shape).toEqual([null, 3, 5]);
    const b = toKerasThreeConfig(
      { class_name: 'Sequential', config: { name: 's', layers: [dense('d', { input_dim: 7 })] } },
      'x',
    ) as Json;
    expect(b.config.layers[0].config.batch_shape).toEqual([null, 7]);
    expect(b.config.layers[1].config.input_dim).toBeUndefined();
  });

  it('an InputLayer name that would collide gets a suffix', () => {
    const out = toKerasThreeConfig(
      {
        class_name: 'Sequential',
        config: { name: 's', layers: [dense('d', { batch_input_shape: [null, 1] }), dense('d_input')] },
      },
      'x',
    ) as Json;
    expect(out.config.layers[0].config.name).toBe('d_input_1');
  });

  it('Functional: Keras 2 node offsets of nested models move down by one in inbound_nodes; endpoints only for Sequential', () => {
    const keras2 = {
      class_name: 'Model',
      keras_version: '2.2.4',
      config: {
        name: 'outer',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'in',
            config: { name: 'in', batch_input_shape: [null, 2] },
            inbound_nodes: [],
          },
          {
            class_name: 'Model',
            name: 'inner',
            config: { name: 'inner', layers: [], input_layers: [], output_layers: [] },
            inbound_nodes: [[['in', 0, 0, {}]], [['in', 0, 0, {}]]],
          },
          {
            class_name: 'Sequential',
            name: 'seq',
            config: { name: 'seq', layers: [dense('s1')] },
            inbound_nodes: [[['inner', 2, 0, {}]]],
          },
          {
            class_name: 'Add',
            name: 'add',
            config: { name: 'add' },
            inbound_nodes: [
              [
                ['inner', 1, 0, {}],
                ['seq', 1, 0, {}],
                ['in', 0, 0, {}],
              ],
            ],
          },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [
          ['add', 0, 0],
          ['inner', 2, 0],
          ['seq', 1, 0],
        ],
      },
    };
    const out = toKerasThreeConfig(keras2, 'x') as Json;
    expect(out).toMatchObject({
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      registered_name: 'Functional',
    });
    expect(out.keras_version).toBeUndefined();
    const byName = Object.fromEntries(out.config.layers.map((l: Json) => [l.name, l]));
    expect(byName.seq.inbound_nodes).toEqual([[['inner', 1, 0, {}]]]);
    expect(byName.add.inbound_nodes).toEqual([
      [
        ['inner', 0, 0, {}],
        ['seq', 0, 0, {}],
        ['in', 0, 0, {}],
      ],
    ]);
    expect(byName.inner.class_name).toBe('Functional');
    // Keras 3 subtracts the offset itself for a nested Functional in output_layers, not for a Sequential.
    expect(out.config.output_layers).toEqual([
      ['add', 0, 0],
      ['inner', 2, 0],
      ['seq', 0, 0],
    ]);
    // A single input stays a bare triple, as Keras 3 writes it (a one-element list would yield a list).
    expect(out.config.input_layers).toEqual(['in', 0, 0]);
  });

  it('drops tf.keras groups: 1 where Keras 3 has no such argument, also inside wrappers', () => {
    const cfg = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'InputLayer', config: { name: 'i', batch_input_shape: [null, 8, 8, 3] } },
          { class_name: 'DepthwiseConv2D', config: { name: 'dw', groups: 1 } },
          { class_name: 'Conv2D', config: { name: 'c', groups: 1 } },
          {
            class_name: 'TimeDistributed',
            config: {
              name: 't',
              layer: { class_name: 'Conv2DTranspose', config: { name: 'ct', groups: 1 } },
            },
          },
        ],
      },
    };
    const layers = (toKerasThreeConfig(cfg, 'x') as Json).config.layers;
    expect(layers[1].config.groups).toBeUndefined();
    expect(layers[2].config.groups).toBe(1);
    expect(layers[3].config.layer.config.groups).toBeUndefined();
  });

  it('a Keras 2 Embedding first in a Sequential keeps input_dim, its vocabulary size', () => {
    const out = toKerasThreeConfig(
      {
        class_name: 'Sequential',
        config: [
          {
            class_name: 'Embedding',
            config: {
              name: 'e',
              input_dim: 50,
              output_dim: 4,
              input_length: 7,
              batch_input_shape: [null, 7],
            },
          },
        ],
      },
      'x',
    ) as Json;
    expect(out.config.layers[0].config.batch_shape).toEqual([null, 7]);
    expect(out.config.layers[1].config).toEqual({ name: 'e', input_dim: 50, output_dim: 4, input_length: 7 });
  });

  it('Keras 3 argument gaps: GRU without reset_after, SpatialDropout trainable, bare wrapped entries', () => {
    const out = toKerasThreeConfig(
      {
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [
            { class_name: 'GRU', config: { name: 'g', units: 2 } },
            { class_name: 'GRU', config: { name: 'g2', units: 2, reset_after: true } },
            { class_name: 'SpatialDropout1D', config: { name: 'sd', rate: 0.1, trainable: true } },
            {
              class_name: 'Bidirectional',
              config: { name: 'b', layer: { class_name: 'GRU', config: { name: 'bg', units: 2 } } },
            },
          ],
        },
      },
      'x',
    ) as Json;
    const [gru, gru2, spatial, bidi] = out.config.layers;
    expect(gru.config.reset_after).toBe(false); // Keras 2.0-2.1 wrote none and computed without it
    expect(gru2.config.reset_after).toBe(true);
    expect(spatial.config).toEqual({ name: 'sd', rate: 0.1 });
    expect(bidi.config.layer).toEqual({
      module: 'keras.layers',
      class_name: 'GRU',
      config: { name: 'bg', units: 2, reset_after: false },
      registered_name: null,
    });
  });

  it('refuses something that is not a model', () => {
    expect(() => toKerasThreeConfig({ class_name: 'Dense', config: { units: 2 } }, 'x.json')).toThrow(
      /x\.json: .*Keras 3 cannot rebuild/,
    );
  });
});
