// A `.keras` we write from a Keras 2 file carries the config rewritten for Keras 3 (kerasThreeConfig.ts):
// Keras 2's node offset of 1 for calls of a nested model is gone, yet the node entries keep Keras 2's
// list form. Reading that config back must give the same graph and layer order as the original; the
// round trip of change-detection__siamese_model.h5 (a nested model called twice) found it did not.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../src/formats/keras/modelConfig';
import { toKerasThreeConfig } from '../../src/formats/keras/write/kerasThreeConfig';

const input = (name: string) => ({
  class_name: 'InputLayer',
  config: { batch_input_shape: [null, 4], dtype: 'float32', name },
  name,
  inbound_nodes: [],
});

/** tf.keras 2.8 layout: a shared nested Functional whose two calls are saved as nodes 1 and 2. */
const siamese = {
  class_name: 'Functional',
  config: {
    name: 'siamese',
    layers: [
      input('left'),
      input('right'),
      {
        class_name: 'Functional',
        name: 'encoder',
        config: {
          name: 'encoder',
          layers: [
            input('enc_in'),
            {
              class_name: 'Dense',
              name: 'enc_dense',
              config: { name: 'enc_dense', units: 3 },
              inbound_nodes: [[['enc_in', 0, 0, {}]]],
            },
          ],
          input_layers: [['enc_in', 0, 0]],
          output_layers: [['enc_dense', 0, 0]],
        },
        inbound_nodes: [[['left', 0, 0, {}]], [['right', 0, 0, {}]]],
      },
      {
        class_name: 'Subtract',
        name: 'diff',
        config: { name: 'diff' },
        inbound_nodes: [
          [
            ['encoder', 1, 0, {}],
            ['encoder', 2, 0, {}],
          ],
        ],
      },
      {
        class_name: 'Dense',
        name: 'head',
        config: { name: 'head', units: 1 },
        inbound_nodes: [[['diff', 0, 0, {}]]],
      },
    ],
    input_layers: [
      ['left', 0, 0],
      ['right', 0, 0],
    ],
    output_layers: [['head', 0, 0]],
  },
  keras_version: '2.8.0',
  backend: 'tensorflow',
};

const graph = (config: Record<string, unknown>) =>
  parseModelConfig(config, 'siamese.json').layers.map((l) => ({ id: l.id, inbound: l.inbound }));

describe('a config converted for Keras 3 reads back as the same graph', () => {
  it('a nested model called twice: both calls, in the order Keras 3 lists the layers', () => {
    const original = graph(siamese);
    // Keras 3.15 lists change-detection's converted model as input_179, input_180, model_117, ...
    expect(original.map((l) => l.id)).toEqual([
      'left',
      'right',
      'encoder',
      'encoder/enc_in',
      'encoder/enc_dense',
      'diff',
      'head',
    ]);
    expect(original.find((l) => l.id === 'diff')!.inbound).toEqual([
      [
        { layer: 'encoder', node: 0, tensor: 0 },
        { layer: 'encoder', node: 1, tensor: 0 },
      ],
    ]);
    expect(graph(toKerasThreeConfig(siamese, 'siamese.json'))).toEqual(original);
  });
});

describe('a tf.keras 2.13-2.15 .keras config', () => {
  // tf.keras wrote the new format with its own model modules; Keras 3 cannot import them ("parent
  // module keras.src.engine.functional cannot be imported", clean-document__model_256_YUV_32_64.keras).
  const tfKeras = (config: Record<string, unknown>): Record<string, unknown> => {
    const copy = JSON.parse(JSON.stringify(config)) as {
      config: { layers: Record<string, unknown>[] };
    } & Record<string, unknown>;
    const engine = { module: 'keras.src.engine.functional', registered_name: 'Functional' };
    copy.config.layers = copy.config.layers.map((l) =>
      l.class_name === 'Functional'
        ? { ...l, ...engine }
        : { ...l, module: 'keras.layers', registered_name: null },
    );
    return { ...copy, ...engine };
  };

  it('is rewritten without engine modules and reads back as the same graph', () => {
    const config = tfKeras(siamese);
    const converted = toKerasThreeConfig(config, 'tf-keras.keras');
    expect(JSON.stringify(converted)).not.toMatch(/keras(\.src)?\.engine/);
    expect(converted.module).toBe('keras.src.models.functional');
    expect(graph(converted)).toEqual(graph(config));
  });
});
