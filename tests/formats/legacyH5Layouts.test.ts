// The legacy .h5 reader on layouts no shared fixture has (written here with h5py: Keras 1 GRU /
// BatchNormalization / Embedding / Conv1D / Deconvolution2D, chunked attributes, Bidirectional without
// architecture, a nested model whose names say nothing), on every model real Keras 3 writes with
// model.save('x.h5'), and on the broken inputs of the bad-input set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateTensor } from '../../src/core/tensor';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { parseModelConfig } from '../../src/formats/keras/modelConfig';
import type { OpenModel } from '../../src/formats/openModel';
import type { LayerSpec, WeightSpec } from '../../src/model/modelSpec';
import { isGraftError } from '../../src/model/errors';
import { badInputIndex, generatedFixtures, kerasFixtureIndex } from '../support/fixtures';
import { h5pyAvailable } from '../support/h5py';
import { ensureKeras } from '../support/keras';
import { numpyDigests, runH5pyScript, tensorSha256 } from './numpyOracle';

let host: H5Host;
const work = mkdtempSync(path.join(tmpdir(), 'graft-legacy-layouts-'));
beforeAll(async () => {
  host = await createNodeH5Host();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const openFile = (file: string, config?: unknown) =>
  readLegacyH5(
    host,
    { kind: 'path', path: file, name: path.basename(file) },
    { arch: config ? parseModelConfig(config, 'arch.json') : undefined },
  );

const layer = (m: OpenModel, name: string): LayerSpec => m.spec.layers.find((l) => l.name === name)!;
const value = (m: OpenModel, w: WeightSpec) =>
  evaluateTensor(w.values!, { readSource: (p) => m.readDataset(p) });

/** h5py writes each layer as Keras 1/2 did: fixed-length byte-string attributes, one group per layer. */
const WRITER = `
import sys, json
import h5py, numpy as np
spec = json.loads(sys.argv[2])
rng = np.random.default_rng(5)
with h5py.File(sys.argv[1], 'w') as f:
    for k, v in spec.get('root_attrs', {}).items():
        f.attrs[k] = np.array([s.encode() for s in v]) if isinstance(v, list) else v.encode()
    for layer in spec['layers']:
        g = f.require_group(layer['name'])
        names = [w[0] for w in layer['weights']]
        chunks = layer.get('chunks', 1)
        if names and chunks > 1:
            for i, part in enumerate(np.array_split(np.array([n.encode() for n in names]), chunks)):
                g.attrs['weight_names%d' % i] = part
        elif names:
            g.attrs['weight_names'] = np.array([n.encode() for n in names])
        else:
            g.attrs['weight_names'] = np.zeros((0,), 'f8')
        for name, shape in layer['weights']:
            g.create_dataset(name, data=rng.normal(size=shape).astype('f4'))
    order = [l['name'] for l in spec['layers']]
    if spec.get('chunk_layer_names'):
        for i, part in enumerate(np.array_split(np.array([n.encode() for n in order]), spec['chunk_layer_names'])):
            f.attrs['layer_names%d' % i] = part
    else:
        f.attrs['layer_names'] = np.array([n.encode() for n in order])
`;

interface SyntheticLayer {
  name: string;
  weights: [string, number[]][];
  chunks?: number;
}

function writeWeightsFile(
  name: string,
  spec: { root_attrs?: Record<string, string>; layers: SyntheticLayer[]; chunk_layer_names?: number },
): string {
  const file = path.join(work, name);
  runH5pyScript(WRITER, [file, JSON.stringify(spec)]);
  return file;
}

async function expectGraftError(promise: Promise<unknown>, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isGraftError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return (error as Error).message;
  }
  throw new Error(`expected a GraftError ${code}, but it succeeded`);
}

describe.skipIf(!h5pyAvailable())(
  'readLegacyH5 on layouts written with h5py (skipped without Debian h5py)',
  () => {
    const gates = (
      layerName: string,
      letters: string,
      shapes: Record<string, number[]>,
    ): [string, number[]][] =>
      [...letters].flatMap((g) =>
        ['W', 'U', 'b'].map((v): [string, number[]] => [`${layerName}_${v}_${g}`, shapes[v]]),
      );
    const kerasOneLayers: SyntheticLayer[] = [
      { name: 'embedding_1', weights: [['embedding_1_W', [10, 3]]] },
      { name: 'gru_1', weights: gates('gru_1', 'zrh', { W: [3, 4], U: [4, 4], b: [4] }) },
      {
        name: 'batchnormalization_1',
        weights: ['gamma', 'beta', 'running_mean', 'running_std'].map((v): [string, number[]] => [
          `batchnormalization_1_${v}`,
          [4],
        ]),
      },
      {
        name: 'convolution1d_1',
        weights: [
          ['convolution1d_1_W', [3, 1, 4, 5]],
          ['convolution1d_1_b', [5]],
        ],
      },
      {
        name: 'deconvolution2d_1',
        weights: [
          ['deconvolution2d_1_W', [3, 3, 5, 6]],
          ['deconvolution2d_1_b', [6]],
        ],
      },
    ];
    const kerasOneJson = {
      class_name: 'Sequential',
      config: [
        {
          class_name: 'Embedding',
          config: { name: 'embedding_1', input_dim: 10, output_dim: 3, trainable: true },
        },
        { class_name: 'GRU', config: { name: 'gru_1', output_dim: 4, consume_less: 'cpu', trainable: true } },
        {
          class_name: 'BatchNormalization',
          config: { name: 'batchnormalization_1', mode: 0, trainable: true },
        },
        {
          class_name: 'Convolution1D',
          config: { name: 'convolution1d_1', nb_filter: 5, filter_length: 3, trainable: true },
        },
        {
          class_name: 'Deconvolution2D',
          config: {
            name: 'deconvolution2d_1',
            nb_filter: 6,
            nb_row: 3,
            nb_col: 3,
            dim_ordering: 'tf',
            trainable: true,
          },
        },
      ],
    };

    it('Keras 1 with its JSON: GRU gates concatenated z,r,h; BN running_std is moving_variance; Embedding W is embeddings; conv layouts converted', async () => {
      const file = writeWeightsFile('keras1.h5', { layers: kerasOneLayers });
      const m = await openFile(file, kerasOneJson);
      try {
        expect(m.spec.format).toBe('keras-legacy-weights');
        expect(m.spec.kerasVersion).toBeNull();
        expect(layer(m, 'embedding_1').weights.map((w) => w.name)).toEqual(['embeddings']);
        const bn = layer(m, 'batchnormalization_1').weights;
        expect(bn.map((w) => [w.name, w.trainable])).toEqual([
          ['gamma', true],
          ['beta', true],
          ['moving_mean', false],
          ['moving_variance', false],
        ]);
        expect(m.spec.notes.join('\n')).toMatch(/running_std was read as moving_variance/);
        const g = (v: string) => ['z', 'r', 'h'].map((x) => `d('/gru_1/gru_1_${v}_${x}')`).join(', ');
        const expected = numpyDigests(file, {
          kernel: `np.concatenate([${g('W')}], -1)`,
          recurrent_kernel: `np.concatenate([${g('U')}], -1)`,
          bias: `np.concatenate([${g('b')}], -1)`,
          conv1d: "d('/convolution1d_1/convolution1d_1_W')[:, 0, :, :]",
          deconv: "np.transpose(d('/deconvolution2d_1/deconvolution2d_1_W'), (0, 1, 3, 2))",
        });
        const gru = layer(m, 'gru_1').weights;
        expect(gru.map((w) => w.name)).toEqual(['kernel', 'recurrent_kernel', 'bias']);
        for (const w of gru) {
          const v = await value(m, w);
          expect(v.shape).toEqual(expected[w.name].shape);
          expect(tensorSha256(v), w.name).toBe(expected[w.name].sha256);
        }
        const conv1d = layer(m, 'convolution1d_1').weights[0];
        expect(conv1d.shape).toEqual([3, 4, 5]);
        expect(tensorSha256(await value(m, conv1d))).toBe(expected.conv1d.sha256);
        const deconv = layer(m, 'deconvolution2d_1').weights[0];
        expect(deconv.shape).toEqual([3, 3, 6, 5]);
        expect(tensorSha256(await value(m, deconv))).toBe(expected.deconv.sha256);
      } finally {
        m.close();
      }
    });

    it('Keras 1 without architecture: per-gate arrays are still recognised by their names; nothing else is guessed', async () => {
      const file = writeWeightsFile('keras1_alone.h5', { layers: kerasOneLayers });
      const m = await openFile(file);
      try {
        expect(layer(m, 'gru_1').weights.map((w) => [w.name, w.shape])).toEqual([
          ['kernel', [3, 12]],
          ['recurrent_kernel', [4, 12]],
          ['bias', [12]],
        ]);
        expect(layer(m, 'embedding_1').className).toBeNull();
        // Class unknown: a 4-D kernel whose bias matches its last axis keeps its stored layout.
        expect(layer(m, 'deconvolution2d_1').weights[0].shape).toEqual([3, 3, 5, 6]);
      } finally {
        m.close();
      }
    });

    it('reads chunked layer_names0..N and weight_names0..N in order', async () => {
      const layers: SyntheticLayer[] = ['a', 'b', 'c', 'd', 'e'].map((n, i) => ({
        name: `dense_${n}`,
        weights:
          i === 2
            ? []
            : [
                [`dense_${n}/kernel:0`, [2, i + 1]],
                [`dense_${n}/bias:0`, [i + 1]],
              ],
        chunks: i === 1 ? 2 : 1,
      }));
      const file = writeWeightsFile('chunked.h5', {
        root_attrs: { keras_version: '2.2.4', backend: 'tensorflow' },
        layers,
        chunk_layer_names: 3,
      });
      const m = await openFile(file);
      try {
        expect(m.spec.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
        expect(layer(m, 'dense_b').weights.map((w) => [w.name, w.shape, w.storedName])).toEqual([
          ['kernel', [2, 2], 'dense_b/kernel:0'],
          ['bias', [2], 'dense_b/bias:0'],
        ]);
        expect(layer(m, 'dense_c').weights).toEqual([]);
      } finally {
        m.close();
      }
    });

    it('a Keras 2 Bidirectional without architecture gets forward_layer/ and backward_layer/ names', async () => {
      const dir = (d: string): [string, number[]][] =>
        ['kernel', 'recurrent_kernel', 'bias'].map((v, i): [string, number[]] => [
          `bidirectional_1/${d}_lstm_1/${v}:0`,
          [[3, 8], [2, 8], [8]][i],
        ]);
      const file = writeWeightsFile('bidirectional.h5', {
        root_attrs: { keras_version: '2.1.6', backend: 'tensorflow' },
        layers: [{ name: 'bidirectional_1', weights: [...dir('forward'), ...dir('backward')] }],
      });
      const m = await openFile(file);
      try {
        expect(m.spec.layers[0].weights.map((w) => w.name)).toEqual([
          'forward_layer/kernel',
          'forward_layer/recurrent_kernel',
          'forward_layer/bias',
          'backward_layer/kernel',
          'backward_layer/recurrent_kernel',
          'backward_layer/bias',
        ]);
      } finally {
        m.close();
      }
    });

    it("a nested model whose stored names say nothing is split by Keras's order rule, frozen layers last", async () => {
      const inputLayer = (name: string) => ({
        name,
        class_name: 'InputLayer',
        config: { name, batch_input_shape: [null, 3] },
        inbound_nodes: [],
      });
      const call = (name: string, from: string, node = 0) => [[[from, node, 0, {}]]];
      const config = {
        class_name: 'Model',
        config: {
          name: 'outer',
          layers: [
            inputLayer('input_1'),
            {
              name: 'inner',
              class_name: 'Model',
              config: {
                name: 'inner',
                layers: [
                  inputLayer('inner_input'),
                  {
                    name: 'd1',
                    class_name: 'Dense',
                    config: { name: 'd1', units: 5 },
                    inbound_nodes: call('d1', 'inner_input'),
                  },
                  {
                    name: 'bn',
                    class_name: 'BatchNormalization',
                    config: { name: 'bn' },
                    inbound_nodes: call('bn', 'd1'),
                  },
                  {
                    name: 'd2',
                    class_name: 'Dense',
                    config: { name: 'd2', units: 2, trainable: false },
                    inbound_nodes: call('d2', 'bn'),
                  },
                ],
                input_layers: [['inner_input', 0, 0]],
                output_layers: [['d2', 0, 0]],
              },
              inbound_nodes: call('inner', 'input_1'),
            },
          ],
          input_layers: [['input_1', 0, 0]],
          output_layers: [['inner', 1, 0]],
        },
      };
      // Keras's order: trainable weights of the trainable layers, then the rest (bn statistics, frozen d2).
      const shapes = [[3, 5], [5], [5], [5], [5], [5], [5, 2], [2]];
      const file = writeWeightsFile('nested_unnamed.h5', {
        root_attrs: { keras_version: '2.2.4', backend: 'tensorflow' },
        layers: [
          { name: 'input_1', weights: [] },
          { name: 'inner', weights: shapes.map((s, i): [string, number[]] => [`param_${i}`, s]) },
        ],
      });
      const m = await openFile(file, config);
      try {
        const owned = (n: string) => layer(m, n).weights.map((w) => [w.name, w.storedName, w.trainable]);
        expect(owned('d1')).toEqual([
          ['kernel', 'param_0', true],
          ['bias', 'param_1', true],
        ]);
        expect(owned('bn')).toEqual([
          ['gamma', 'param_2', true],
          ['beta', 'param_3', true],
          ['moving_mean', 'param_4', false],
          ['moving_variance', 'param_5', false],
        ]);
        expect(owned('d2')).toEqual([
          ['kernel', 'param_6', false],
          ['bias', 'param_7', false],
        ]);
        expect(m.spec.notes.join('\n')).toMatch(/order rule/);
      } finally {
        m.close();
      }
      // One weight too many: the order rule cannot hold, and the error says so.
      const extra = writeWeightsFile('nested_unnamed_extra.h5', {
        root_attrs: { keras_version: '2.2.4', backend: 'tensorflow' },
        layers: [
          { name: 'input_1', weights: [] },
          { name: 'inner', weights: [...shapes, [1]].map((s, i): [string, number[]] => [`param_${i}`, s]) },
        ],
      });
      expect(await expectGraftError(openFile(extra, config), 'architecture')).toMatch(
        /"inner" has 9 weights.*imply 8/,
      );
    });
  },
);

const keras = ensureKeras();
const generated =
  keras.ok && h5pyAvailable()
    ? generatedFixtures('keras')
    : { dir: null, reason: keras.ok ? 'no h5py' : keras.reason };

describe.skipIf(generated.dir === null)(
  `readLegacyH5 on every model real Keras writes with model.save('x.h5') (${generated.reason ?? 'generated fixtures'})`,
  () => {
    const index = generated.dir
      ? kerasFixtureIndex(generated.dir)
      : { models: [], keras_version: '', backend: '' };

    it.each(index.models.map((model) => [model.name, model] as const))(
      '%s: weights, shapes, trainable flags and values equal what Keras saved, layer by layer',
      async (_name, model) => {
        const m = await openFile(path.join(generated.dir!, model.files.h5));
        try {
          expect(m.spec.format).toBe('keras-legacy-model');
          expect(m.spec.kerasVersion).toBe(index.keras_version);
          const ours = m.spec.layers
            .filter((l) => l.children === undefined)
            .flatMap((l) => l.weights.map((w, i) => ({ key: `${l.id}/${i}`, w })));
          expect(ours.map((o) => o.key)).toEqual(model.variables.map((v) => v.key));
          for (const [i, v] of model.variables.entries()) {
            const { w } = ours[i];
            expect(w.shape, v.key).toEqual(v.shape);
            expect(w.trainable, v.key).toBe(v.trainable);
            expect(tensorSha256(await value(m, w)), v.key).toBe(v.sha256);
            // Keras 3 variable paths end with the canonical name (`mha/query/kernel`, `bilstm/forward_lstm/lstm_cell/bias`).
            const direction = w.name.match(/^(forward|backward)_layer\/(.*)$/);
            if (direction)
              expect(v.path, v.key).toMatch(new RegExp(`/${direction[1]}_[^/]+/(.*/)?${direction[2]}$`));
            else
              expect(
                v.path.endsWith(`/${w.name}`) || (w.name === 'kernel' && v.path.endsWith('/kernel')),
                `${v.key}: ${w.name} vs ${v.path}`,
              ).toBe(true);
          }
          expect(m.spec.layers.filter((l) => l.path.length === 0).map((l) => l.name)).toEqual(
            model.layer_names,
          );
        } finally {
          m.close();
        }
      },
    );
  },
);

const bad = h5pyAvailable() ? generatedFixtures('bad') : { dir: null, reason: 'no h5py' };

describe.skipIf(bad.dir === null)(`readLegacyH5 on broken inputs (${bad.reason ?? 'bad-input set'})`, () => {
  const files = bad.dir ? badInputIndex(bad.dir).files.filter((f) => f.file.endsWith('.h5')) : [];

  it.each(files.map((f) => [f.file, f.code ?? 'success', f] as const))(
    '%s -> %s',
    async (_file, _code, input) => {
      const attempt = async () => {
        const m = await openFile(path.join(bad.dir!, input.file));
        try {
          for (const w of m.spec.layers.flatMap((l) => l.weights)) await value(m, w);
        } finally {
          m.close();
        }
      };
      if (input.code === null) await attempt();
      else await expectGraftError(attempt(), input.code);
    },
  );

  it('a file that is not HDF5 at all is not-hdf5', async () => {
    const text = path.join(work, 'weights.h5');
    writeFileSync(text, 'not an HDF5 file\n');
    await expectGraftError(openFile(text), 'not-hdf5');
  });
});
