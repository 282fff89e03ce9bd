import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  generatedFixtures,
  kerasFixtureIndex,
  repoRoot,
  sharedAvailable,
  sharedFixture,
  type KerasFixtureModel,
} from '../support/fixtures';
import { h5Datasets, h5pyAvailable, inspectWithH5py, type H5Dump } from '../support/h5py';
import { ensureKeras, kerasBatch, type KerasJob, type KerasResult } from '../support/keras';

const keras = ensureKeras();
const title = keras.ok ? 'real Keras' : `real Keras (skipped: ${keras.reason})`;
const work = mkdtempSync(path.join(tmpdir(), 'graft-keras-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sortedChecksums(dump: H5Dump): string[] {
  return h5Datasets(dump)
    .map((d) => d.sha256 ?? '')
    .sort();
}

/** `<layer path>/<index>` -> sha256, from a keras_batch dump. */
function checksumsByKey(dumpFile: string): Map<string, string> {
  return new Map(h5Datasets(inspectWithH5py(dumpFile)).map((d) => [d.path.slice(1), d.sha256 ?? '']));
}

function expectedChecksums(model: KerasFixtureModel): Map<string, string> {
  return new Map(model.variables.map((v) => [v.key, v.sha256]));
}

function expectOk(result: KerasResult, what: string): void {
  expect(result.ok ? null : `${result.stage}: ${result.error}`, what).toBeNull();
}

describe.skipIf(!keras.ok || !h5pyAvailable())(title, () => {
  describe.skipIf(!sharedAvailable())('on a shared .keras', () => {
    const archive = sharedFixture('keras-apps', 'mnv2_0.5_target.keras');

    it('loads the archive weights into a model built from its config; values equal the stored ones', () => {
      const loaded = path.join(work, 'mnv2_loaded.h5');
      const fresh = path.join(work, 'mnv2_fresh.h5');
      const [withWeights, withoutWeights] = kerasBatch([
        { model: archive, weights: archive, dump: loaded },
        { model: archive, dump: fresh },
      ]);
      expectOk(withWeights, 'load');
      expectOk(withoutWeights, 'build only');
      // MANIFEST: 154 layers, 104 weighted.
      expect(withWeights).toMatchObject({
        ok: true,
        layers: 154,
        weightedLayers: 104,
        builtWith: 'keras_config',
      });
      const stored = sortedChecksums(inspectWithH5py(archive));
      expect(sortedChecksums(inspectWithH5py(loaded))).toEqual(stored);
      // Without load_weights the values are Keras' initializers, so the comparison above can fail.
      expect(sortedChecksums(inspectWithH5py(fresh))).not.toEqual(stored);
    });

    it('tells a failed build from a failed load', () => {
      const text = path.join(work, 'not-a-model.json');
      writeFileSync(text, 'not json at all');
      const [build, load] = kerasBatch([
        { model: text, weights: archive },
        // MANIFEST: the alpha 1.0 source has twice the channels of the alpha 0.5 target.
        { model: archive, weights: sharedFixture('keras-apps', 'mnv2_1.0_source.h5') },
      ]);
      expect(build).toMatchObject({ ok: false, stage: 'build' });
      expect(load).toMatchObject({ ok: false, stage: 'load' });
      expect(load.ok ? '' : load.error).toContain('Shape mismatch');
    });

    it('by_name with skip_mismatch loads what fits and reports the rest as warnings', () => {
      const [result] = kerasBatch([
        {
          model: sharedFixture('keras-apps', 'vggmini_noblock4_target.h5'),
          weights: sharedFixture('keras-apps', 'vggmini_source.h5'),
          byName: true,
          skipMismatch: true,
        },
      ]);
      expectOk(result, 'by_name');
      // MANIFEST: block5_conv1 keeps 64 of 128 input channels, so its kernel cannot load by name.
      expect(result.warnings.join('\n')).toContain('block5_conv1');
    });
  });

  describe('on the generated Keras fixtures', () => {
    const generated = generatedFixtures('keras');
    const dir = generated.dir ?? '';

    it.skipIf(generated.dir === null)(
      'every model loads its own weights through both file formats',
      () => {
        const models = kerasFixtureIndex(dir).models;
        const jobs: KerasJob[] = [];
        const expectations: { model: KerasFixtureModel; dump: string; how: string }[] = [];
        const at = (file: string) => path.join(dir, file);
        for (const model of models) {
          const legacy = path.join(work, `${model.name}.legacy.h5`);
          const native = path.join(work, `${model.name}.native.h5`);
          jobs.push({ model: at(model.files.json), weights: at(model.files.h5), dump: legacy });
          jobs.push({ model: at(model.files.keras), weights: at(model.files.weights_h5), dump: native });
          expectations.push({ model, dump: legacy, how: 'json + legacy .h5' });
          expectations.push({ model, dump: native, how: '.keras config + .weights.h5' });
        }
        const results = kerasBatch(jobs);
        results.forEach((result, i) => {
          const { model, dump, how } = expectations[i];
          expectOk(result, `${model.name} via ${how}`);
          if (!result.ok) return;
          expect(result.variables, model.name).toBe(model.weights);
          expect(result.weightedLayers, model.name).toBe(model.weighted_layers);
          expect(checksumsByKey(dump), `${model.name} via ${how}`).toEqual(expectedChecksums(model));
        });
      },
      600_000,
    ); // ~50 Keras loads and as many h5py dumps; slow on a busy 2-core machine

    it.skipIf(generated.dir === null)(
      'load_model accepts the .keras and the legacy .h5 of a nested model',
      () => {
        const model = kerasFixtureIndex(dir).models.find((m) => m.name === 'nested_frozen')!;
        const dumps = [path.join(work, 'frozen.keras.h5'), path.join(work, 'frozen.h5.h5')];
        const results = kerasBatch([
          { loadModel: true, weights: path.join(dir, model.files.keras), dump: dumps[0] },
          { loadModel: true, weights: path.join(dir, model.files.h5), dump: dumps[1] },
        ]);
        results.forEach((result) => expectOk(result, 'load_model'));
        for (const dump of dumps) expect(checksumsByKey(dump)).toEqual(expectedChecksums(model));
        // The frozen inner Dense must keep its flag through both formats (it changes legacy weight order).
        const frozen = h5Datasets(inspectWithH5py(dumps[1])).filter((d) =>
          d.path.startsWith('/frozen_block/frozen_dense/'),
        );
        expect(frozen.map((d) => d.attrs.trainable.value)).toEqual([false, false]);
      },
    );
  });

  it('the committed demo pair loads in Keras: 10-class source, 5-class target', () => {
    const demo = path.join(repoRoot, 'public/demo');
    const [source, target] = kerasBatch([
      { loadModel: true, weights: path.join(demo, 'source.h5') },
      { loadModel: true, weights: path.join(demo, 'target.keras') },
    ]);
    expectOk(source, 'source.h5');
    expectOk(target, 'target.keras');
    // Two residual blocks of 7 layers each were cut.
    if (source.ok && target.ok) expect(source.layers - target.layers).toBe(14);
    const sourceHead = h5Datasets(inspectWithH5py(path.join(demo, 'source.h5'))).find((d) =>
      d.path.endsWith('predictions/kernel'),
    );
    const targetHead = h5Datasets(inspectWithH5py(path.join(demo, 'target.keras'))).find((d) =>
      /predictions|dense/.test(d.path),
    );
    expect(sourceHead?.shape).toEqual([128, 10]);
    expect(targetHead?.shape?.[1]).toBe(5);
  });
});
