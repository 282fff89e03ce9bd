import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraftError } from '../../src/model/errors';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readKeras3Weights } from '../../src/formats/keras/keras3WeightsReader';
import { parseModelJsonText } from '../../src/formats/keras/modelConfig';
import { h5Dataset, h5Group, h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { sharedAvailable, sharedFixture, SHARED } from '../support/fixtures';
import {
  layerSignature,
  manifestRows,
  readPath,
  tensorDigest,
  topLevel,
  weightCount,
} from './keras3TestSupport';

const skip = !sharedAvailable()
  ? ' (skipped: ../shared/fixtures absent)'
  : !h5pyAvailable()
    ? ' (skipped: no h5py)'
    : '';

const source = (file: string) => ({ kind: 'path' as const, path: file, name: path.basename(file) });

describe.skipIf(skip !== '')(`readKeras3Weights on the shared Keras 3 weights files${skip}`, () => {
  let host: H5Host;
  beforeAll(async () => {
    host = await createNodeH5Host();
  });

  /** Every weight's values equal h5py's (sha256 of the stored bytes, float64 sum). */
  async function expectValuesLikeH5py(file: string, open: Awaited<ReturnType<typeof readKeras3Weights>>) {
    const dump = inspectWithH5py(file);
    for (const w of open.spec.layers.flatMap((l) => l.weights)) {
      const truth = h5Dataset(dump, readPath(w));
      const ours = tensorDigest(await open.readDataset(readPath(w)));
      expect(ours.sha256, readPath(w)).toBe(truth.sha256);
      expect(ours.sum, readPath(w)).toBeCloseTo(Number(truth.sum), 2);
      expect(w.shape).toEqual(truth.shape);
    }
  }

  it('reads the real files without an architecture with the MANIFEST counts', async () => {
    const manifest = manifestRows(path.join(SHARED, 'real/MANIFEST.md'));
    for (const name of [
      'rnn-congestion__grumodel.weights.h5',
      'stan-ai-project2__final_autoencoder_weights.weights.h5',
    ]) {
      const file = sharedFixture('real', name);
      const open = await readKeras3Weights(host, source(file));
      try {
        const row = manifest.get(name)!;
        expect(open.spec.format).toBe('keras3-weights');
        expect(topLevel(open.spec).length, name).toBe(Number(row.layers));
        expect(weightCount(open.spec), name).toBe(Number(row.weights));
        expect(open.spec.notes.join('\n')).toMatch(/optimizer/);
        await expectValuesLikeH5py(file, open);
      } finally {
        open.close();
      }
    }
  });

  it('names GRU cell weights and finds nested Functional models by their class-counter groups', async () => {
    const gru = await readKeras3Weights(
      host,
      source(sharedFixture('real', 'rnn-congestion__grumodel.weights.h5')),
    );
    const nested = await readKeras3Weights(
      host,
      source(sharedFixture('real', 'stan-ai-project2__final_autoencoder_weights.weights.h5')),
    );
    try {
      const first = gru.spec.layers.find((l) => l.id === 'gru')!;
      expect(first.className).toBe('GRU');
      expect(first.weights.map((w) => [w.name, w.storedName])).toEqual([
        ['kernel', 'cell/vars/0'],
        ['recurrent_kernel', 'cell/vars/1'],
        ['bias', 'cell/vars/2'],
      ]);
      const models = nested.spec.layers.filter((l) => l.children);
      expect(models.map((m) => [m.id, m.className, m.children!.length])).toEqual([
        ['functional', 'Functional', 3],
        ['functional_1', 'Functional', 6],
      ]);
      const decoderDense = nested.spec.layers.find((l) => l.id === 'functional_1/dense')!;
      expect(decoderDense.path).toEqual(['functional_1']);
      expect(decoderDense.weights.map((w) => w.shape)).toEqual([[16, 3920], [3920]]);
    } finally {
      gru.close();
      nested.close();
    }
  });

  describe('resmini_conv4x2_target.weights.h5 with its model JSON', () => {
    const file = sharedFixture('keras-apps', 'resmini_conv4x2_target.weights.h5');
    const json = sharedFixture('keras-apps', 'resmini_conv4x2_target.json');
    const arch = () => parseModelJsonText(readFileSync(json, 'utf8'), 'resmini_conv4x2_target.json');

    it('has the MANIFEST counts and h5py values', async () => {
      const row = manifestRows(path.join(SHARED, 'keras-apps/MANIFEST.md')).get(
        'resmini_conv4x2_target.weights.h5',
      )!;
      const open = await readKeras3Weights(host, source(file), { arch: arch() });
      try {
        expect(open.spec.layers.length).toBe(Number(row.layers));
        expect(open.spec.layers.filter((l) => l.weights.length > 0).length).toBe(
          Number(row['weighted layers']),
        );
        const params = open.spec.layers
          .flatMap((l) => l.weights)
          .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
        expect(params).toBe(Number(row.params.replace(/,/g, '')));
        expect(open.spec.modelClass).toBe('Functional');
        expect(open.spec.name).toBe('resmini_conv4x2');
        await expectValuesLikeH5py(file, open);
      } finally {
        open.close();
      }
    });

    it("attaches each vars group to the layer whose name Keras wrote on it (Keras >= 3.6 'name' attribute)", async () => {
      const dump = inspectWithH5py(file);
      const open = await readKeras3Weights(host, source(file), { arch: arch() });
      try {
        let checked = 0;
        for (const layer of open.spec.layers) {
          for (const w of layer.weights) {
            const vars = readPath(w).slice(0, readPath(w).lastIndexOf('/'));
            expect(h5Group(dump, vars).attrs.name?.value, `${layer.id} ${w.name}`).toBe(layer.name);
            checked++;
          }
        }
        expect(checked).toBe(192);
        const truth = JSON.parse(readFileSync(`${file}.truth.json`, 'utf8')) as {
          pairs: { target_layer: string }[];
        };
        for (const { target_layer } of truth.pairs) {
          expect(
            open.spec.layers.find((l) => l.id === target_layer)?.weights.length,
            target_layer,
          ).toBeGreaterThan(0);
        }
      } finally {
        open.close();
      }
    });

    it('marks BatchNormalization statistics non-trainable', async () => {
      const open = await readKeras3Weights(host, source(file), { arch: arch() });
      try {
        const bn = open.spec.layers.find((l) => l.id === 'conv1_bn')!;
        expect(bn.weights.map((w) => [w.name, w.trainable])).toEqual([
          ['gamma', true],
          ['beta', true],
          ['moving_mean', false],
          ['moving_variance', false],
        ]);
      } finally {
        open.close();
      }
    });

    it('without the JSON, takes layer names from the vars name attributes and still names BN/Conv weights', async () => {
      const open = await readKeras3Weights(host, source(file));
      try {
        expect(open.spec.modelClass).toBeNull();
        expect(open.spec.name).toBe('resmini_conv4x2');
        const conv = open.spec.layers.find((l) => l.id === 'conv2_block1_0_conv')!;
        expect(conv.className).toBe('Conv2D');
        expect(conv.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
        expect(open.spec.notes.join('\n')).toMatch(/no architecture/);
      } finally {
        open.close();
      }
    });

    it('refuses an architecture that does not fit, saying which layer and what to do', async () => {
      // A different model's JSON: the Keras 3 class counters no longer line up with the file.
      const wrong = parseModelJsonText(
        readFileSync(sharedFixture('keras-apps', 'resmini_source.json'), 'utf8'),
        'resmini_source.json',
      );
      const error = await readKeras3Weights(host, source(file), { arch: wrong }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraftError);
      expect((error as GraftError).code).toBe('architecture');
      expect((error as GraftError).message).toMatch(
        /layer "conv\w+" \((Conv2D|BatchNormalization)\) should have \d weights? at layers\/\w+\/vars/,
      );
      expect((error as GraftError).message).toMatch(/model JSON/);

      // One layer fewer than the file: the last Conv2D group is left over and named in the error.
      const raw = JSON.parse(readFileSync(json, 'utf8')) as {
        config: { layers: { class_name: string; name: string }[]; output_layers: unknown };
      };
      const fewer = structuredClone(raw);
      const layers = fewer.config.layers;
      const cut = layers.findIndex((l) => l.name === 'conv5_block2_3_conv');
      layers.splice(cut, layers.length - cut); // drop the head from conv5_block2_3_conv on
      fewer.config.output_layers = [[layers[layers.length - 1].name, 0, 0]];
      const smaller = parseModelJsonText(JSON.stringify(fewer), 'cut.json');
      const leftover = await readKeras3Weights(host, source(file), { arch: smaller }).catch(
        (e: unknown) => e,
      );
      expect((leftover as GraftError).code).toBe('architecture');
      expect((leftover as GraftError).message).toMatch(/no layer of the architecture takes/);
    });
  });

  it('accepts the tf.keras-on-Windows layout: root groups literally named layers\\<key>', async () => {
    // Rebuilt with h5py from a real file (the Windows files in the wild are not shareable here).
    const original = sharedFixture('keras-apps', 'resmini_conv4x2_target.weights.h5');
    const dir = mkdtempSync(path.join(tmpdir(), 'graft-k3win-'));
    const windows = path.join(dir, 'windows.weights.h5');
    const script = [
      'import sys, h5py, numpy as np',
      "src = h5py.File(sys.argv[1], 'r'); dst = h5py.File(sys.argv[2], 'w')",
      "dst.create_group('vars')",
      "for k in src['layers']: src.copy(src['layers'][k], dst, name='layers\\\\' + k)",
      "dst.create_group('metrics\\\\mean').create_group('vars').create_dataset('0', data=np.float32(2))",
      'dst.close()',
    ].join('\n');
    const run = spawnSync('/usr/bin/python3', ['-c', script, original, windows], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(inspectWithH5py(windows).objects.some((o) => o.path === '/layers\\conv2d_3')).toBe(true);

    const arch = parseModelJsonText(
      readFileSync(sharedFixture('keras-apps', 'resmini_conv4x2_target.json'), 'utf8'),
      'json',
    );
    const a = await readKeras3Weights(host, source(windows), { arch });
    const b = await readKeras3Weights(host, source(original), { arch });
    const guessed = await readKeras3Weights(host, source(windows));
    try {
      expect(layerSignature(a.spec)).toEqual(layerSignature(b.spec));
      const wa = a.spec.layers.flatMap((l) => l.weights);
      const wb = b.spec.layers.flatMap((l) => l.weights);
      expect(readPath(wa[0])).toMatch(/^\/layers\\/);
      for (const [k, w] of wa.entries()) {
        expect(tensorDigest(await a.readDataset(readPath(w))).sha256).toBe(
          tensorDigest(await b.readDataset(readPath(wb[k]))).sha256,
        );
      }
      expect(a.spec.notes.join('\n')).toMatch(/backslashes/);
      expect(a.spec.notes.join('\n')).toMatch(/metrics\\mean/);
      expect(topLevel(guessed.spec)).toHaveLength(105);
      expect(weightCount(guessed.spec)).toBe(192);
    } finally {
      a.close();
      b.close();
      guessed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses files that are not Keras 3 weights with a message saying what they are', async () => {
    const legacy = await readKeras3Weights(
      host,
      source(sharedFixture('real', 'mlc-tiny__pretrainedResnet.h5')),
    ).catch((e: unknown) => e);
    expect((legacy as GraftError).code).toBe('not-keras');
    expect((legacy as GraftError).message).toMatch(/legacy Keras \.h5/);
    const json = await readKeras3Weights(
      host,
      source(sharedFixture('keras-apps', 'resmini_source.json')),
    ).catch((e: unknown) => e);
    expect((json as GraftError).code).toBe('not-hdf5');
    expect((json as GraftError).message).toMatch(/JSON/);
    const zip = await readKeras3Weights(host, source(sharedFixture('real', 'nanotag__ae_model.keras'))).catch(
      (e: unknown) => e,
    );
    expect((zip as GraftError).message).toMatch(/\.keras/);
  });
});
