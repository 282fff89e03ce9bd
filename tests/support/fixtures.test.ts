import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SHARED,
  badInputIndex,
  generatedFixtures,
  kerasFixtureIndex,
  repoRoot,
  sharedAvailable,
  type KerasFixtureModel,
} from './fixtures';
import { h5Group, h5pyAvailable, inspectWithH5py } from './h5py';
import { ensureKeras } from './keras';

const work = mkdtempSync(path.join(tmpdir(), 'graft-fixtures-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Keras' HDF5_OBJECT_HEADER_LIMIT (keras-formats.md 1.6).
const HEADER_LIMIT = 64512;

describe('shared fixtures', () => {
  it('live in ../shared/fixtures next to the clone', () => {
    expect(SHARED).toBe(path.resolve(repoRoot, '..', 'shared', 'fixtures'));
    expect(sharedAvailable()).toBe(existsSync(path.join(SHARED)));
  });

  it.skipIf(!sharedAvailable())('has both folders the manifests describe', () => {
    expect(existsSync(path.join(SHARED, 'real', 'MANIFEST.md'))).toBe(true);
    expect(existsSync(path.join(SHARED, 'keras-apps', 'MANIFEST.md'))).toBe(true);
  });
});

describe.skipIf(!h5pyAvailable())('generatedFixtures (bad inputs, in a scratch root)', () => {
  it('generates once, reuses the set while the generator is unchanged, regenerates when it is stale', () => {
    const first = generatedFixtures('bad', { root: work });
    expect(first.dir).toBe(path.join(work, 'bad'));
    const index = path.join(first.dir!, 'index.json');
    const files = badInputIndex(first.dir!).files;
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files)
      expect(statSync(path.join(first.dir!, file.file)).size, file.file).toBe(file.bytes);

    const madeAt = statSync(index).mtimeMs;
    expect(generatedFixtures('bad', { root: work }).dir).toBe(first.dir);
    expect(statSync(index).mtimeMs).toBe(madeAt);

    writeFileSync(path.join(first.dir!, '.generator-sha256'), 'stale\n');
    writeFileSync(index, '{}');
    generatedFixtures('bad', { root: work });
    expect(badInputIndex(first.dir!).files.length).toBe(files.length);
  });
});

const keras = ensureKeras();

describe.skipIf(!keras.ok || !h5pyAvailable())(
  keras.ok ? 'generated Keras fixtures' : `generated Keras fixtures (skipped: ${keras.reason})`,
  () => {
    const generated = generatedFixtures('keras');
    const dir = generated.dir ?? '';
    const models = () => kerasFixtureIndex(dir).models;
    const byName = (name: string): KerasFixtureModel => {
      const found = models().find((m) => m.name === name);
      if (!found) throw new Error(`no fixture model ${name}`);
      return found;
    };

    it('cover every layer class the brief lists, each model in four files', () => {
      const classes = new Set<string>();
      for (const model of models()) {
        Object.keys(model.classes).forEach((c) => classes.add(c));
        model.nested.forEach((n) => Object.keys(n.classes).forEach((c) => classes.add(c)));
        for (const file of Object.values(model.files))
          expect(existsSync(path.join(dir, file)), file).toBe(true);
      }
      const wanted = [
        'Dense',
        'Conv1D',
        'Conv2D',
        'Conv3D',
        'Conv2DTranspose',
        'DepthwiseConv2D',
        'SeparableConv2D',
        'BatchNormalization',
        'LayerNormalization',
        'Embedding',
        'PReLU',
        'SimpleRNN',
        'LSTM',
        'GRU',
        'Bidirectional',
        'TimeDistributed',
        'MultiHeadAttention',
        'Functional',
        'Sequential',
      ];
      expect([...classes]).toEqual(expect.arrayContaining(wanted));
    });

    it('long_names.h5 really has layer_names chunked into fixed-length pieces under the header limit', () => {
      const model = byName('long_names');
      const attrs = h5Group(inspectWithH5py(path.join(dir, model.files.h5)), '/model_weights').attrs;
      const chunkNames = Object.keys(attrs)
        .filter((name) => /^layer_names\d+$/.test(name))
        .sort((a, b) => Number(a.slice(11)) - Number(b.slice(11)));
      expect(attrs.layer_names).toBeUndefined();
      expect(chunkNames.length).toBeGreaterThanOrEqual(2);
      const joined: string[] = [];
      for (const name of chunkNames) {
        const { type, value } = attrs[name];
        expect(type).toMatchObject({ class: 'string', vlen: false, strpad: 'nullpad' });
        expect(type.itemsize * type.shape![0]).toBeLessThanOrEqual(HEADER_LIMIT);
        joined.push(...(value as string[]));
      }
      expect(joined).toEqual(model.layer_names);
      expect(model.layer_names.join('').length).toBeGreaterThan(HEADER_LIMIT);
    });

    it('GRU fixtures differ in bias shape and BatchNormalization variants in weight count', () => {
      const biasShape = (name: string) => {
        const dump = inspectWithH5py(path.join(dir, byName(name).files.weights_h5));
        return dump.objects.find((o) => o.path === '/layers/gru/cell/vars/2' && o.kind === 'dataset');
      };
      expect(biasShape('gru_reset_after')).toMatchObject({ shape: [2, 12] });
      expect(biasShape('gru_no_reset_after')).toMatchObject({ shape: [12] });

      const legacy = inspectWithH5py(path.join(dir, byName('batch_norm').files.h5));
      const weightNames = (layer: string) =>
        h5Group(legacy, `/model_weights/${layer}`).attrs.weight_names.value;
      expect(weightNames('bn_default')).toHaveLength(4);
      expect(weightNames('bn_no_center')).toEqual([
        'bn_no_center/gamma',
        'bn_no_center/moving_mean',
        'bn_no_center/moving_variance',
      ]);
      expect(weightNames('bn_no_scale')).toHaveLength(3);
      expect(weightNames('bn_neither')).toEqual(['bn_neither/moving_mean', 'bn_neither/moving_variance']);
    });

    it('values are seeded, not initializers: no zero biases, every moving_variance positive', () => {
      const dump = inspectWithH5py(path.join(dir, byName('batch_norm').files.h5));
      for (const object of dump.objects) {
        if (object.kind !== 'dataset') continue;
        expect(object.abs_sum, object.path).toBeGreaterThan(0);
        if (object.path.endsWith('moving_variance')) {
          expect(object.sum as number, object.path).toBeGreaterThan(0);
          expect(object.abs_sum).toBe(object.sum);
        }
      }
    });
  },
);

describe('committed demo pair', () => {
  const demo = path.join(repoRoot, 'public/demo');

  it('stays under 5 MB and says how it was made', () => {
    const total =
      statSync(path.join(demo, 'source.h5')).size + statSync(path.join(demo, 'target.keras')).size;
    expect(total).toBeLessThan(5 * 1024 * 1024);
    expect(readFileSync(path.join(demo, 'README.md'), 'utf8')).toContain('make_demo_pair.py');
  });

  it.skipIf(!h5pyAvailable())(
    'source is a legacy full model with ResNet names; target a .keras with fewer blocks',
    () => {
      const source = inspectWithH5py(path.join(demo, 'source.h5'));
      const config = JSON.parse(String(h5Group(source, '/').attrs.model_config.value));
      const sourceNames: string[] = config.config.layers.map((l: { name: string }) => l.name);
      expect(sourceNames).toEqual(expect.arrayContaining(['conv1_conv', 'conv3_block3_add', 'predictions']));
      const target = inspectWithH5py(path.join(demo, 'target.keras'));
      const targetConfig = target.zip!.config as { config: { layers: { name: string }[] } };
      const targetNames = targetConfig.config.layers.map((l) => l.name);
      expect(targetNames).not.toContain('conv3_block3_add');
      expect(targetNames).not.toContain('conv4_block3_add');
      expect(targetNames).toContain('conv5_block2_out');
    },
  );
});
