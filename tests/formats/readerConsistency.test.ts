// The writers consume ModelSpecs from every reader, so one model saved as a legacy .h5, as a Keras 3
// .weights.h5 + JSON and as a .keras must read as the same layers (ids, classes) with the same
// weights (names, shapes, dtypes, trainable flags, order) and the same values.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateTensor } from '../../src/core/tensor';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { OpenModel } from '../../src/formats/openModel';
import { readModel } from '../../src/formats/readModel';
import { generatedFixtures, kerasFixtureIndex, sharedAvailable, sharedFixture } from '../support/fixtures';
import { h5pyAvailable } from '../support/h5py';
import { ensureKeras } from '../support/keras';
import { tensorSha256 } from './numpyOracle';

let host: H5Host;
beforeAll(async () => {
  host = await createNodeH5Host();
});

const source = (file: string) => ({ kind: 'path' as const, path: file, name: path.basename(file) });

async function openFiles(weights: string, arch?: string): Promise<OpenModel> {
  return readModel(host, { weights: source(weights), arch: arch ? source(arch) : undefined });
}

/** Everything the writers rely on, plus a digest of every value, in spec order. */
async function describeModel(model: OpenModel) {
  const layers = [];
  for (const l of model.spec.layers) {
    const weights = [];
    for (const w of l.weights) {
      const value = await evaluateTensor(w.values!, { readSource: (p) => model.readDataset(p) });
      weights.push({
        name: w.name,
        shape: w.shape,
        dtype: w.dtype,
        trainable: w.trainable,
        sha256: tensorSha256(value),
      });
    }
    layers.push({ id: l.id, className: l.className, path: l.path, weights });
  }
  return layers;
}

async function expectSameModel(files: { label: string; weights: string; arch?: string }[]): Promise<void> {
  const described = [];
  for (const f of files) {
    const model = await openFiles(f.weights, f.arch);
    try {
      described.push({ label: f.label, format: model.spec.format, layers: await describeModel(model) });
    } finally {
      model.close();
    }
  }
  expect(new Set(described.map((d) => d.format)).size, 'different readers were exercised').toBe(files.length);
  const [first, ...rest] = described;
  expect(first.layers.some((l) => l.weights.length > 0)).toBe(true);
  for (const other of rest) {
    expect(
      other.layers.map((l) => [l.id, l.className]),
      `${other.label} vs ${first.label}: layers`,
    ).toEqual(first.layers.map((l) => [l.id, l.className]));
    for (const [i, layer] of other.layers.entries()) {
      expect(layer.weights, `${other.label} vs ${first.label}: ${layer.id}`).toEqual(first.layers[i].weights);
    }
  }
}

describe.skipIf(!sharedAvailable())(
  'same model, every format (shared keras-apps files; skipped without ../shared/fixtures)',
  () => {
    it('resmini_conv4x2_target: legacy .h5 == Keras 3 .weights.h5 + JSON', async () => {
      await expectSameModel([
        { label: '.h5', weights: sharedFixture('keras-apps', 'resmini_conv4x2_target.h5') },
        {
          label: '.weights.h5+json',
          weights: sharedFixture('keras-apps', 'resmini_conv4x2_target.weights.h5'),
          arch: sharedFixture('keras-apps', 'resmini_conv4x2_target.json'),
        },
      ]);
    });

    it('mnv2_0.5_target: legacy .h5 == .keras', async () => {
      await expectSameModel([
        { label: '.h5', weights: sharedFixture('keras-apps', 'mnv2_0.5_target.h5') },
        { label: '.keras', weights: sharedFixture('keras-apps', 'mnv2_0.5_target.keras') },
      ]);
    });
  },
);

const keras = ensureKeras();
const generated =
  keras.ok && h5pyAvailable()
    ? generatedFixtures('keras')
    : { dir: null, reason: keras.ok ? 'no h5py' : keras.reason };

describe.skipIf(generated.dir === null)(
  `same model, every format, for every layer kind real Keras writes (${generated.reason ?? 'generated fixtures'})`,
  () => {
    const models = generated.dir ? kerasFixtureIndex(generated.dir).models : [];
    it.each(models.map((m) => [m.name, m] as const))(
      '%s: .h5 == .weights.h5 + JSON == .keras',
      async (_name, m) => {
        const at = (f: string) => path.join(generated.dir!, f);
        await expectSameModel([
          { label: '.h5', weights: at(m.files.h5) },
          { label: '.weights.h5+json', weights: at(m.files.weights_h5), arch: at(m.files.json) },
          { label: '.keras', weights: at(m.files.keras) },
        ]);
      },
    );
  },
);
