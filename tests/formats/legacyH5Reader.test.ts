// The legacy .h5 reader on every real legacy file in ../shared/fixtures: counts and versions against
// the MANIFESTs, every tensor against Debian h5py, layout conversions against numpy, nested models
// against what their configs imply, and the pairing/corruption errors.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateTensor } from '../../src/core/tensor';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { parseModelConfig, parseModelJsonText } from '../../src/formats/keras/modelConfig';
import type { OpenModel } from '../../src/formats/openModel';
import type { LayerSpec, WeightSpec } from '../../src/model/modelSpec';
import type { TensorExpr } from '../../src/model/tensorExpr';
import { isGraftError } from '../../src/model/errors';
import { sharedAvailable, sharedFixture, SHARED } from '../support/fixtures';
import { h5Dataset, h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { numpyDigests, runH5pyScript, tensorSha256, tensorSum } from './numpyOracle';

type Folder = 'real' | 'keras-apps';

/** Rows of the first markdown table in a MANIFEST, keyed by column title, backticks removed. */
function manifestRows(folder: Folder): Map<string, Record<string, string>> {
  const lines = readFileSync(path.join(SHARED, folder, 'MANIFEST.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| file |'));
  const cells = (l: string) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim().replace(/`/g, ''));
  const header = cells(lines[start]);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const row = Object.fromEntries(cells(line).map((c, i) => [header[i], c]));
    rows.set(row.file, row);
  }
  return rows;
}

interface Case {
  folder: Folder;
  file: string;
  json?: string;
}

const CASES: Case[] = [
  { folder: 'real', file: 'keras2cpp__my_nn_weights.h5', json: 'keras2cpp__my_nn_arch.json' },
  { folder: 'real', file: 'dl4j-testres__lstm_theano_1.h5' },
  {
    folder: 'real',
    file: 'fml-examples__KERAS_3layer_batch_norm_weights.h5',
    json: 'fml-examples__KERAS_3layer_batch_norm.json',
  },
  { folder: 'real', file: 'dl4j-testres__conv2d_reshape_theano_2.h5' },
  { folder: 'real', file: 'dl4j-testres__sepconv2d_tensorflow_2.h5' },
  { folder: 'real', file: 'gan-hm__gan.h5' },
  { folder: 'real', file: 'kotlindl__toyresnet_weights.h5', json: 'kotlindl__toyresnet_modelConfig.json' },
  { folder: 'real', file: 'mlc-tiny__pretrainedResnet.h5' },
  { folder: 'real', file: 'mlc-tiny__vww_96.h5' },
  { folder: 'real', file: 'fruit-classifier__model_mobilenet.h5' },
  { folder: 'real', file: 'change-detection__siamese_model.h5' },
  { folder: 'real', file: 'synth-data-gen__gan.h5' },
  { folder: 'real', file: 'dl4j-testres__keras-attention.h5' },
  { folder: 'real', file: 'seqpred-lstm__gru_model.h5' },
  { folder: 'real', file: 'emg-hand__model.h5' },
  { folder: 'keras-apps', file: 'mnv2_1.0_source.h5', json: 'mnv2_1.0.json' },
  { folder: 'keras-apps', file: 'mnv2_0.5_target.h5' },
  { folder: 'keras-apps', file: 'vggmini_source.h5' },
  { folder: 'keras-apps', file: 'vggmini_noblock4_target.h5' },
  { folder: 'keras-apps', file: 'resmini_source.h5', json: 'resmini_source.json' },
  { folder: 'keras-apps', file: 'resmini_conv4x2_target.h5' },
];

function readPaths(expr: TensorExpr | null, out: string[] = []): string[] {
  if (!expr) return out;
  if (expr.op === 'read') out.push(expr.path);
  if ('input' in expr) readPaths(expr.input, out);
  if (expr.op === 'concat' || expr.op === 'add') expr.inputs.forEach((e) => readPaths(e, out));
  return out;
}

const allWeights = (layers: LayerSpec[]): WeightSpec[] => layers.flatMap((l) => l.weights);
const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

let host: H5Host;
const work = mkdtempSync(path.join(tmpdir(), 'graft-legacy-test-'));
beforeAll(async () => {
  host = await createNodeH5Host();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function open(folder: Folder, file: string, json?: string): Promise<OpenModel> {
  const arch = json ? parseModelJsonText(readFileSync(sharedFixture(folder, json), 'utf8'), json) : undefined;
  return readLegacyH5(host, { kind: 'path', path: sharedFixture(folder, file), name: file }, { arch });
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

describe.skipIf(!sharedAvailable() || !h5pyAvailable())(
  'readLegacyH5 on the shared legacy files (skipped without ../shared/fixtures or Debian h5py)',
  () => {
    describe.each(CASES)('$file', ({ folder, file, json }) => {
      it('has the MANIFEST kind, versions, layer and weight counts', async () => {
        const model = await open(folder, file, json);
        try {
          const { spec } = model;
          const row = manifestRows(folder).get(file)!;
          expect(row, `${file} in MANIFEST`).toBeDefined();
          const top = spec.layers.filter((l) => l.path.length === 0);
          const stored = new Set(allWeights(spec.layers).flatMap((w) => readPaths(w.values)));
          expect(top.length).toBe(Number(row.layers));
          if (folder === 'real') {
            expect(spec.format).toBe(
              row.kind.startsWith('weights-only') ? 'keras-legacy-weights' : 'keras-legacy-model',
            );
            expect(spec.kerasVersion).toBe(row.keras_version === '—' ? null : row.keras_version);
            expect(spec.backend).toBe(row.backend === '—' ? null : row.backend);
            expect(stored.size).toBe(Number(row.weights));
          } else {
            expect(spec.format).toBe(
              row.format.includes('weights only') ? 'keras-legacy-weights' : 'keras-legacy-model',
            );
            expect(row['written by']).toContain(spec.kerasVersion);
            expect(spec.backend).toBe('tensorflow');
            expect(spec.layers.filter((l) => l.weights.length > 0).length).toBe(
              Number(row['weighted layers']),
            );
            const params = allWeights(spec.layers).reduce((sum, w) => sum + elements(w.shape), 0);
            expect(params).toBe(Number(row.params.replace(/,/g, '')));
          }
          expect(spec.modelConfig !== null).toBe(json !== undefined || spec.format === 'keras-legacy-model');
          // Every layer id is unique and every weight name unique within its layer.
          expect(new Set(spec.layers.map((l) => l.id)).size).toBe(spec.layers.length);
          for (const l of spec.layers)
            expect(new Set(l.weights.map((w) => w.name)).size, l.id).toBe(l.weights.length);
        } finally {
          model.close();
        }
      });

      it("reads every dataset bit-exact as h5py does; converted tensors keep h5py's sums", async () => {
        const model = await open(folder, file, json);
        try {
          const dump = inspectWithH5py(sharedFixture(folder, file));
          for (const w of allWeights(model.spec.layers)) {
            const leaves = readPaths(w.values);
            let expectedSum = 0;
            for (const p of leaves) {
              const ds = h5Dataset(dump, p);
              const raw = await model.readDataset(p);
              expect(tensorSha256(raw), p).toBe(ds.sha256);
              expectedSum += Number(ds.sum);
            }
            const value = await evaluateTensor(w.values!, { readSource: (p) => model.readDataset(p) });
            expect(value.shape, w.storedName ?? w.name).toEqual(w.shape);
            expect(value.dtype).toBe(w.dtype);
            expect(tensorSum(value)).toBeCloseTo(expectedSum, 3);
          }
        } finally {
          model.close();
        }
      });
    });

    it('Keras 1 LSTM: kernel, recurrent kernel and bias are numpy concatenations of the gates in i,f,c,o order', async () => {
      const file = 'dl4j-testres__lstm_theano_1.h5';
      const model = await open('real', file);
      try {
        const lstm = model.spec.layers.find((l) => l.name === 'lstm_1')!;
        expect(lstm.className).toBe('LSTM');
        expect(lstm.weights.map((w) => w.name)).toEqual(['kernel', 'recurrent_kernel', 'bias']);
        const g = (v: string) =>
          ['i', 'f', 'c', 'o'].map((gate) => `d('/model_weights/lstm_1/lstm_1_${v}_${gate}')`).join(', ');
        const expected = numpyDigests(sharedFixture('real', file), {
          kernel: `np.concatenate([${g('W')}], -1)`,
          recurrent_kernel: `np.concatenate([${g('U')}], -1)`,
          bias: `np.concatenate([${g('b')}], -1)`,
        });
        for (const w of lstm.weights) {
          const value = await evaluateTensor(w.values!, { readSource: (p) => model.readDataset(p) });
          expect(value.shape, w.name).toEqual(expected[w.name].shape);
          expect(tensorSha256(value), w.name).toBe(expected[w.name].sha256);
        }
        // The stored order i,c,f,o must not survive: the plain concatenation differs.
        const storedOrder = numpyDigests(sharedFixture('real', file), {
          k: `np.concatenate([${['i', 'c', 'f', 'o'].map((gate) => `d('/model_weights/lstm_1/lstm_1_W_${gate}')`).join(', ')}], -1)`,
        });
        expect(storedOrder.k.sha256).not.toBe(expected.kernel.sha256);
      } finally {
        model.close();
      }
    });

    it("Keras 1 'th' Convolution2D kernels are transposed (2,3,1,0); Dense kernels are taken as stored", async () => {
      const file = 'keras2cpp__my_nn_weights.h5';
      const model = await open('real', file, 'keras2cpp__my_nn_arch.json');
      try {
        const expected = numpyDigests(sharedFixture('real', file), {
          conv: "np.transpose(d('/convolution2d_2/convolution2d_2_W'), (2, 3, 1, 0))",
          dense: "d('/dense_1/dense_1_W')",
        });
        const conv = model.spec.layers.find((l) => l.name === 'convolution2d_2')!;
        const dense = model.spec.layers.find((l) => l.name === 'dense_1')!;
        expect(conv.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
        const read = (w: WeightSpec) =>
          evaluateTensor(w.values!, { readSource: (p) => model.readDataset(p) });
        expect(tensorSha256(await read(conv.weights[0]))).toBe(expected.conv.sha256);
        expect(conv.weights[0].shape).toEqual(expected.conv.shape);
        expect(tensorSha256(await read(dense.weights[0]))).toBe(expected.dense.sha256);
        expect(model.spec.notes.join('\n')).toMatch(/Keras 1 file/);
      } finally {
        model.close();
      }
    });

    it('Keras 2 Theano conv kernels are flipped on both spatial axes and not transposed', async () => {
      const file = 'dl4j-testres__conv2d_reshape_theano_2.h5';
      const model = await open('real', file);
      try {
        const expected = numpyDigests(sharedFixture('real', file), {
          conv1: "d('/model_weights/conv2d_1/conv2d_1/kernel')[::-1, ::-1, :, :]",
          dense: "d('/model_weights/dense_1/dense_1/kernel')",
        });
        const byName = (n: string) => model.spec.layers.find((l) => l.name === n)!.weights[0];
        const read = (w: WeightSpec) =>
          evaluateTensor(w.values!, { readSource: (p) => model.readDataset(p) });
        expect(byName('conv2d_1').shape).toEqual([3, 2, 5, 6]);
        expect(tensorSha256(await read(byName('conv2d_1')))).toBe(expected.conv1.sha256);
        expect(tensorSha256(await read(byName('dense_1')))).toBe(expected.dense.sha256);
        expect(model.spec.notes.join('\n')).toMatch(/theano.*conv2d_1\/kernel, conv2d_2\/kernel/);
      } finally {
        model.close();
      }
    });

    /** The weights a layer must own according to its own config (Keras 2 names), for the classes these files use. */
    function impliedWeights(layer: LayerSpec): { name: string; shape: (number | null)[] }[] | null {
      const c = layer.config ?? {};
      const bias = c.use_bias !== false;
      const ks = (c.kernel_size ?? []) as number[];
      switch (layer.className) {
        case 'Dense':
          return [
            { name: 'kernel', shape: [null, c.units as number] },
            ...(bias ? [{ name: 'bias', shape: [c.units as number] }] : []),
          ];
        case 'Conv2D':
          return [
            { name: 'kernel', shape: [ks[0], ks[1], null, c.filters as number] },
            ...(bias ? [{ name: 'bias', shape: [c.filters as number] }] : []),
          ];
        case 'Conv2DTranspose':
          return [
            { name: 'kernel', shape: [ks[0], ks[1], c.filters as number, null] },
            ...(bias ? [{ name: 'bias', shape: [c.filters as number] }] : []),
          ];
        case 'DepthwiseConv2D':
          return [
            { name: 'kernel', shape: [ks[0], ks[1], null, c.depth_multiplier as number] },
            ...(bias ? [{ name: 'bias', shape: [null] }] : []),
          ];
        case 'BatchNormalization':
          return [
            ...(c.scale !== false ? ['gamma'] : []),
            ...(c.center !== false ? ['beta'] : []),
            'moving_mean',
            'moving_variance',
          ].map((name) => ({ name, shape: [null] }));
        default:
          return null;
      }
    }

    it.each([
      ['gan-hm__gan.h5', 2, 13],
      ['fruit-classifier__model_mobilenet.h5', 1, 104],
      ['change-detection__siamese_model.h5', 1, 8],
      ['synth-data-gen__gan.h5', 2, 4],
    ])(
      'nested models of %s: every inner layer gets exactly the weights its config implies',
      async (file, nestedCount, innerWeighted) => {
        const model = await open('real', file);
        try {
          const { layers } = model.spec;
          const nested = layers.filter((l) => l.path.length === 0 && l.children !== undefined);
          expect(nested.length).toBe(nestedCount);
          const inner = layers.filter((l) => l.path.length > 0 && l.weights.length > 0);
          expect(inner.length).toBe(innerWeighted);
          for (const model of nested) expect(model.weights).toEqual([]);
          for (const layer of layers.filter((l) => l.path.length > 0 && l.children === undefined)) {
            const implied = impliedWeights(layer);
            if (implied === null) {
              expect(layer.weights, `${layer.id} (${layer.className}) should own no weights`).toEqual([]);
              continue;
            }
            expect(
              layer.weights.map((w) => w.name),
              layer.id,
            ).toEqual(implied.map((w) => w.name));
            layer.weights.forEach((w, i) => {
              const want = implied[i].shape;
              expect(w.shape.length, `${layer.id}/${w.name}`).toBe(want.length);
              want.forEach(
                (d, axis) =>
                  d !== null && expect(w.shape[axis], `${layer.id}/${w.name} axis ${axis}`).toBe(d),
              );
              // The stored name is the inner layer's own scope: nothing was assigned by position here.
              expect(w.storedName?.split('/')[0]).toBe(layer.name);
            });
            const frozen = layer.config?.trainable === false;
            for (const w of layer.weights)
              expect(w.trainable, `${layer.id}/${w.name}`).toBe(!frozen && !w.name.startsWith('moving_'));
          }
          // Each nested group's datasets are used exactly once.
          const dump = inspectWithH5py(sharedFixture('real', file));
          for (const m of nested) {
            const inGroup = dump.objects
              .filter((o) => o.kind === 'dataset' && o.path.startsWith(`/model_weights/${m.name}/`))
              .map((o) => o.path);
            const used = layers
              .filter((l) => l.path[0] === m.name)
              .flatMap((l) => l.weights.flatMap((w) => readPaths(w.values)));
            expect([...used].sort()).toEqual([...inGroup].sort());
          }
        } finally {
          model.close();
        }
      },
    );

    it('a JSON that is not the architecture of the weights file is a clear architecture error', async () => {
      const message = await expectGraftError(
        open('real', 'kotlindl__toyresnet_weights.h5', 'fml-examples__KERAS_3layer_batch_norm.json'),
        'architecture',
      );
      expect(message).toMatch(/Is this JSON the architecture of this weights file\?/);
      expect(message).toMatch(/"conv2d_34"/);
      expect(message).toMatch(/"fc1_relu"/);
      await expectGraftError(open('keras-apps', 'mnv2_1.0_source.h5', 'resmini_source.json'), 'architecture');
    });

    it('same layer names but a different width is an architecture error too', async () => {
      const json = JSON.parse(readFileSync(sharedFixture('real', 'keras2cpp__my_nn_arch.json'), 'utf8'));
      const conv = (json.config as { config: Record<string, unknown> }[]).find(
        (l) => l.config.name === 'convolution2d_2',
      )!;
      conv.config.nb_filter = 8;
      const arch = parseModelConfig(json, 'edited.json');
      const file = sharedFixture('real', 'keras2cpp__my_nn_weights.h5');
      const message = await expectGraftError(
        readLegacyH5(host, { kind: 'path', path: file, name: 'w.h5' }, { arch }),
        'architecture',
      );
      expect(message).toMatch(/convolution2d_2.*nb_filter 8.*\(3, 3, 4, 4\)/);
    });

    it('a weight listed in weight_names without its dataset is a corrupt file naming layer and weight', async () => {
      const copy = path.join(work, 'missing_dataset.h5');
      copyFileSync(sharedFixture('real', 'keras2cpp__my_nn_weights.h5'), copy);
      runH5pyScript("import h5py,sys\nwith h5py.File(sys.argv[1], 'r+') as f: del f['dense_1/dense_1_W']", [
        copy,
      ]);
      const message = await expectGraftError(
        readLegacyH5(host, { kind: 'path', path: copy, name: 'missing_dataset.h5' }),
        'corrupt',
      );
      expect(message).toMatch(/missing_dataset\.h5.*"dense_1".*"dense_1_W"/);

      const noGroup = path.join(work, 'missing_group.h5');
      copyFileSync(sharedFixture('real', 'keras2cpp__my_nn_weights.h5'), noGroup);
      runH5pyScript("import h5py,sys\nwith h5py.File(sys.argv[1], 'r+') as f: del f['dense_2']", [noGroup]);
      expect(
        await expectGraftError(readLegacyH5(host, { kind: 'path', path: noGroup, name: 'g.h5' }), 'corrupt'),
      ).toMatch(/"dense_2"/);
    });

    it('a Keras 3 .weights.h5 is not a legacy file, and says what it is', async () => {
      const file = sharedFixture('keras-apps', 'resmini_conv4x2_target.weights.h5');
      const message = await expectGraftError(
        readLegacyH5(host, { kind: 'path', path: file, name: 'r.weights.h5' }),
        'not-keras',
      );
      expect(message).toMatch(/Keras 3 weights file/);
    });

    it('optimizer state and top-level model weights are noted, not read', async () => {
      const model = await open('real', 'change-detection__siamese_model.h5');
      try {
        const used = new Set(allWeights(model.spec.layers).flatMap((w) => readPaths(w.values)));
        expect([...used].some((p) => p.startsWith('/optimizer_weights'))).toBe(false);
        expect(model.spec.notes.join('\n')).toMatch(/optimizer_weights/);
      } finally {
        model.close();
      }
    });

    it('a weights-only file without architecture lists layer_names in order as a chain with unknown classes', async () => {
      const model = await open('keras-apps', 'vggmini_source.h5');
      try {
        const dump = inspectWithH5py(sharedFixture('keras-apps', 'vggmini_source.h5'));
        const names = dump.objects.find((o) => o.path === '/')!.attrs.layer_names.value as string[];
        expect(model.spec.layers.map((l) => l.name)).toEqual(names);
        expect(model.spec.layers.every((l) => l.className === null && l.config === null)).toBe(true);
        expect(model.spec.layers[1].inbound).toEqual([[{ layer: names[0], node: 0, tensor: 0 }]]);
        expect(model.spec.modelClass).toBeNull();
        expect(model.spec.layers.find((l) => l.name === 'block1_conv1')!.weights.map((w) => w.name)).toEqual([
          'kernel',
          'bias',
        ]);
      } finally {
        model.close();
      }
    });

    it('closing releases the file; reading afterwards is a usage error', async () => {
      const model = await open('real', 'emg-hand__model.h5');
      const p = readPaths(model.spec.layers[0].weights[0].values)[0];
      expect((await model.readDataset(p)).shape).toEqual([8, 128]);
      model.close();
      model.close();
      await expectGraftError(model.readDataset(p), 'usage');
    });
  },
);
