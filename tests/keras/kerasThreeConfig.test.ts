// Keras 3 rebuilds the shared Keras 1/2 configs once kerasThreeConfig.ts has rewritten them (raw,
// every one of them fails: "Could not locate class 'Model'", list-form Sequential, ...). Variable
// counts are the MANIFEST's weight counts of the files the configs came from.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { toKerasThreeConfig } from '../../src/formats/keras/write/kerasThreeConfig';
import { ensureKeras, kerasBatch } from '../support/keras';
import { sharedAvailable, sharedFixture } from '../support/fixtures';

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

  it('known limit: Keras 1 layer classes stay unbuildable (Keras 3 names the class)', async () => {
    const converted = path.join(out, 'k1.json');
    writeFileSync(
      converted,
      JSON.stringify(toKerasThreeConfig(await configOf('keras2cpp__my_nn_arch.json'), 'k1')),
    );
    const [r] = kerasBatch([{ model: converted }]);
    expect(r).toMatchObject({ ok: false, stage: 'build', error: expect.stringMatching(/Convolution2D/) });
  });
});
