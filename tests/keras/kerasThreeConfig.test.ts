// Keras 3 rebuilds the shared Keras 1/2 configs once kerasThreeConfig.ts has rewritten them (raw,
// every one of them fails: "Could not locate class 'Model'", list-form Sequential, Keras 1 classes and
// arguments, ...). Variable counts are the MANIFEST's weight counts of the files the configs came from
// (a Keras 1 LSTM's 12 per-gate arrays are Keras 2's 3 variables). Hand-written Keras 1 configs
// (tests/formats/kerasOneConfigs.ts) must build with the variable shapes their arguments imply.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { toKerasThreeConfig } from '../../src/formats/keras/write/kerasThreeConfig';
import { h5Datasets, h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { ensureKeras, kerasBatch } from '../support/keras';
import { sharedAvailable, sharedFixture } from '../support/fixtures';
import { KERAS_ONE_CASES } from '../formats/kerasOneConfigs';

const keras = ensureKeras();
const ready = sharedAvailable() && keras.ok;

let host: FileSystemH5Host;
let out: string;
beforeAll(async () => {
  host = await createNodeH5Host();
  out = mkdtempSync(path.join(tmpdir(), 'graft-k3config-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** [file, weights in MANIFEST.md (null: a JSON without weights)] */
const CONVERTIBLE: [string, number | null][] = [
  ['synth-data-gen__gan.h5', 8],
  ['fruit-classifier__model_mobilenet.h5', 264],
  ['dl4j-testres__sepconv2d_tensorflow_2.h5', 3],
  ['dl4j-testres__conv2d_reshape_theano_2.h5', 6],
  ['mlc-tiny__pretrainedResnet.h5', 48],
  ['mlc-tiny__vww_96.h5', 164],
  ['emg-hand__model.h5', 16],
  ['change-detection__siamese_model.h5', 32],
  ['gan-hm__gan.h5', 34],
  ['kotlindl__toyresnet_modelConfig.json', 18],
  ['fml-examples__KERAS_3layer_batch_norm.json', 24],
  ['keras-mobile-net__model.json', null],
  ['keras2cpp__my_nn_arch.json', 8], // Keras 1: Convolution2D 'th', Dense output_dim, Dropout p
  ['dl4j-testres__lstm_theano_1.h5', 3], // Keras 1 LSTM: output_dim, inner_init, consume_less, ...
];

async function configOf(file: string): Promise<Record<string, unknown>> {
  const full = sharedFixture('real', file);
  if (file.endsWith('.json')) return JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
  const open = await readLegacyH5(host, { kind: 'path', path: full, name: file });
  open.close();
  return open.spec.modelConfig!;
}

describe.skipIf(!ready)('Keras 3 rebuilds rewritten Keras 1/2 configs', () => {
  it('every shared Keras 2 config builds, with the weights its file has', async () => {
    const jobs = [];
    for (const [file] of CONVERTIBLE) {
      const converted = path.join(out, `${file}.k3.json`);
      writeFileSync(converted, JSON.stringify(toKerasThreeConfig(await configOf(file), file)));
      jobs.push({ model: converted });
    }
    const results = kerasBatch(jobs);
    results.forEach((r, k) => {
      const [file, weights] = CONVERTIBLE[k];
      expect(r, `${file}: ${r.ok ? '' : r.error}`).toMatchObject({ ok: true });
      if (r.ok && weights !== null) expect(r.variables, file).toBe(weights);
    });
  });

  it('the raw Keras 2 configs do not build (what the rewrite is for)', async () => {
    const raw = path.join(out, 'raw.json');
    writeFileSync(raw, JSON.stringify(await configOf('gan-hm__gan.h5')));
    const rawSeq = path.join(out, 'raw-seq.json');
    writeFileSync(rawSeq, JSON.stringify(await configOf('dl4j-testres__sepconv2d_tensorflow_2.h5')));
    const [model, sequential] = kerasBatch([{ model: raw }, { model: rawSeq }]);
    expect(model.ok).toBe(false);
    expect(sequential.ok).toBe(false);
  });

  it.skipIf(!h5pyAvailable())(
    'hand-written Keras 1 configs build with the variable shapes their arguments imply',
    () => {
      const jobs = KERAS_ONE_CASES.map((c) => {
        const converted = path.join(out, `${c.name}.k3.json`);
        writeFileSync(converted, JSON.stringify(toKerasThreeConfig(c.config, c.name)));
        return { model: converted, dump: path.join(out, `${c.name}.dump.h5`) };
      });
      kerasBatch(jobs).forEach((r, k) => {
        const c = KERAS_ONE_CASES[k];
        expect(r, `${c.name}: ${r.ok ? '' : r.error}`).toMatchObject({ ok: true });
        const shapes: Record<string, number[][]> = {};
        for (const d of h5Datasets(inspectWithH5py(jobs[k].dump))) {
          const layer = d.path.slice(1, d.path.lastIndexOf('/'));
          (shapes[layer] ??= [])[Number(d.path.slice(d.path.lastIndexOf('/') + 1))] = d.shape ?? [];
        }
        expect(shapes, c.name).toEqual(c.variables);
      });
    },
  );

  it('Keras 2 gaps: an Embedding first keeps its vocabulary, a GRU without reset_after, wrapped layers', () => {
    const keras2 = {
      class_name: 'Sequential',
      keras_version: '2.0.8',
      config: [
        {
          class_name: 'Embedding',
          config: {
            name: 'embed',
            trainable: true,
            batch_input_shape: [null, 7],
            dtype: 'float32',
            input_dim: 50,
            output_dim: 4,
            embeddings_initializer: {
              class_name: 'RandomUniform',
              config: { minval: -0.05, maxval: 0.05, seed: null },
            },
            mask_zero: false,
            input_length: 7,
          },
        },
        { class_name: 'SpatialDropout1D', config: { name: 'sd', trainable: true, rate: 0.1 } },
        {
          class_name: 'Bidirectional',
          config: {
            name: 'bidi',
            trainable: true,
            merge_mode: 'concat',
            layer: {
              class_name: 'GRU',
              config: { name: 'gru', trainable: true, units: 3, implementation: 1 },
            },
          },
        },
        { class_name: 'Dense', config: { name: 'out', trainable: true, units: 1 } },
      ],
    };
    const converted = path.join(out, 'keras2-gaps.json');
    writeFileSync(converted, JSON.stringify(toKerasThreeConfig(keras2, 'keras2-gaps')));
    const [r] = kerasBatch([{ model: converted }]);
    // embeddings 1 + two GRUs of 3 (one bias vector each) + Dense 2.
    expect(r, r.ok ? '' : r.error).toMatchObject({ ok: true, variables: 9 });
  });
});
