import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraftError } from '../../src/model/errors';
import type { ByteSource } from '../../src/formats/source';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readKerasArchive } from '../../src/formats/keras/kerasArchiveReader';
import { readKerasJson } from '../../src/formats/keras/kerasJsonReader';
import { h5Dataset, h5pyAvailable, inspectWithH5py } from '../support/h5py';
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

const fromPath = (file: string): ByteSource => ({ kind: 'path', path: file, name: path.basename(file) });
const fromBytes = (bytes: Uint8Array, name = 'broken.keras'): ByteSource => ({ kind: 'bytes', bytes, name });

async function failure(promise: Promise<unknown>): Promise<GraftError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraftError);
  return error as GraftError;
}

type ConfigLayers = { config: { layers: { class_name: string }[] } | { class_name: string }[] };

describe.skipIf(skip !== '')(`readKerasArchive on the shared .keras files${skip}`, () => {
  let host: H5Host;
  beforeAll(async () => {
    host = await createNodeH5Host();
  });

  it('reads the real archives with the MANIFEST counts, version and h5py values', async () => {
    const manifest = manifestRows(path.join(SHARED, 'real/MANIFEST.md'));
    for (const name of [
      'nanotag__ae_model.keras',
      'afm-textclf__my_model.keras',
      'clean-document__model_256_YUV_32_64.keras',
    ]) {
      const file = sharedFixture('real', name);
      const row = manifest.get(name)!;
      const open = await readKerasArchive(host, fromPath(file));
      try {
        expect(open.spec.format).toBe('keras3-archive');
        expect(open.spec.kerasVersion, name).toBe(row.keras_version);
        expect(open.spec.archiveMetadata?.keras_version).toBe(row.keras_version);
        // MANIFEST counts the config's top-level entries; Sequential.layers leaves its InputLayer out.
        const entries = (open.spec.modelConfig as ConfigLayers).config;
        const list = Array.isArray(entries) ? entries : entries.layers;
        expect(list.length, name).toBe(Number(row.layers));
        const inputs = list.filter((l) => l.class_name === 'InputLayer').length;
        expect(topLevel(open.spec).length, name).toBe(
          Number(row.layers) - (open.spec.modelClass === 'Sequential' ? inputs : 0),
        );
        expect(weightCount(open.spec), name).toBe(Number(row.weights));
        const dump = inspectWithH5py(file);
        for (const w of open.spec.layers.flatMap((l) => l.weights)) {
          const ours = tensorDigest(await open.readDataset(readPath(w)));
          expect(ours.sha256, `${name} ${readPath(w)}`).toBe(h5Dataset(dump, readPath(w)).sha256);
        }
      } finally {
        open.close();
      }
    }
  });

  it('reads the keras-apps archives with the MANIFEST layer, weighted-layer and parameter counts', async () => {
    const manifest = manifestRows(path.join(SHARED, 'keras-apps/MANIFEST.md'));
    for (const name of ['mnv2_0.5_target.keras', 'vggmini_noblock4_autonames_target.keras']) {
      const row = manifest.get(name)!;
      const open = await readKerasArchive(host, fromPath(sharedFixture('keras-apps', name)));
      try {
        expect(open.spec.layers.length, name).toBe(Number(row.layers));
        expect(open.spec.layers.filter((l) => l.weights.length > 0).length, name).toBe(
          Number(row['weighted layers']),
        );
        const params = open.spec.layers
          .flatMap((l) => l.weights)
          .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
        expect(params, name).toBe(Number(row.params.replace(/,/g, '')));
        expect(open.spec.notes).toEqual([]);
      } finally {
        open.close();
      }
    }
  });

  it('maps nested Functional models that share the outer InputLayer (nanotag encoder/decoder)', async () => {
    const open = await readKerasArchive(host, fromPath(sharedFixture('real', 'nanotag__ae_model.keras')));
    try {
      const decoderConv = open.spec.layers.find((l) => l.id === 'decoder/conv2d_3')!;
      expect(readPath(decoderConv.weights[0])).toBe('/layers/functional_1/layers/conv2d/vars/0');
      expect(decoderConv.weights[0].shape).toEqual([3, 3, 8, 1]);
      const encoderConv = open.spec.layers.find((l) => l.id === 'encoder/conv2d_2')!;
      expect(readPath(encoderConv.weights[0])).toBe('/layers/functional/layers/conv2d_2/vars/0');
    } finally {
      open.close();
    }
  });

  it('reads a tf.keras 2.14 archive stored under _layer_checkpoint_dependencies', async () => {
    const open = await readKerasArchive(
      host,
      fromPath(sharedFixture('real', 'clean-document__model_256_YUV_32_64.keras')),
    );
    try {
      const conv5 = open.spec.layers.find((l) => l.id === 'Conv5')!;
      expect(readPath(conv5.weights[0])).toBe('/_layer_checkpoint_dependencies/conv2d_4/vars/0');
      expect(open.spec.notes.join('\n')).toMatch(/_layer_checkpoint_dependencies/);
    } finally {
      open.close();
    }
  });

  describe('damaged and unusual archives', () => {
    const original = () => unzipSync(readFileSync(sharedFixture('real', 'nanotag__ae_model.keras')));

    it('reads a re-zipped archive with deflated members exactly like the stored original', async () => {
      const members = original();
      const deflated = zipSync(
        Object.fromEntries(Object.entries(members).map(([k, v]) => [k, [v, { level: 6 }]])) as Zippable,
      );
      const a = await readKerasArchive(host, fromBytes(deflated, 'deflated.keras'));
      const b = await readKerasArchive(host, fromPath(sharedFixture('real', 'nanotag__ae_model.keras')));
      try {
        expect(layerSignature(a.spec)).toEqual(layerSignature(b.spec));
        const wa = a.spec.layers.flatMap((l) => l.weights);
        const wb = b.spec.layers.flatMap((l) => l.weights);
        for (const [k, w] of wa.entries()) {
          expect(tensorDigest(await a.readDataset(readPath(w))).sha256).toBe(
            tensorDigest(await b.readDataset(readPath(wb[k]))).sha256,
          );
        }
      } finally {
        a.close();
        b.close();
      }
    });

    it('says so when config.json is missing', async () => {
      const members = original();
      delete members['config.json'];
      const error = await failure(readKerasArchive(host, fromBytes(zipSync(members, { level: 0 }))));
      expect(error.code).toBe('archive');
      expect(error.message).toMatch(
        /this \.keras archive has no config\.json: re-save it with model\.save\('x\.keras'\)/,
      );
    });

    it('says so when the zip is cut short', async () => {
      const bytes = readFileSync(sharedFixture('real', 'nanotag__ae_model.keras'));
      const dir = mkdtempSync(path.join(tmpdir(), 'graft-k3zip-'));
      const file = path.join(dir, 'half.keras');
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const error = await failure(readKerasArchive(host, fromPath(file)));
      rmSync(dir, { recursive: true, force: true });
      expect(error.code).toBe('truncated');
      expect(error.message).toMatch(/half\.keras: the archive is cut short/);
    });

    it('says so when the weights member is not HDF5', async () => {
      const members = original();
      members['model.weights.h5'] = strToU8('these are not the weights you are looking for');
      const error = await failure(readKerasArchive(host, fromBytes(zipSync(members, { level: 0 }))));
      expect(error.code).toBe('archive');
      expect(error.message).toMatch(
        /model\.weights\.h5 inside the archive is not an HDF5 file \(it looks like a text file\)/,
      );
    });

    it('says npz weights are not supported yet, and names a missing weights member', async () => {
      const members = original();
      members['model.weights.npz'] = members['model.weights.h5'];
      delete members['model.weights.h5'];
      const npz = await failure(readKerasArchive(host, fromBytes(zipSync(members, { level: 0 }))));
      expect(npz.code).toBe('archive');
      expect(npz.message).toMatch(/model\.weights\.npz .* not supported yet/);
      delete members['model.weights.npz'];
      const none = await failure(readKerasArchive(host, fromBytes(zipSync(members, { level: 0 }))));
      expect(none.message).toMatch(
        /no model\.weights\.h5 \(it holds: (metadata|config)\.json, (metadata|config)\.json\)/,
      );
    });

    it('refuses what is not a zip at all, saying what it looks like', async () => {
      const png = await failure(
        readKerasArchive(
          host,
          fromBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'photo.keras'),
        ),
      );
      expect(png.code).toBe('not-hdf5');
      expect(png.message).toMatch(/PNG image/);
      const h5 = await failure(
        readKerasArchive(host, fromPath(sharedFixture('keras-apps', 'mnv2_0.5_target.h5'))),
      );
      expect(h5.message).toMatch(/HDF5 file, not a \.keras archive/);
    });
  });
});

describe.skipIf(!sharedAvailable())(
  'readKerasJson on the shared model JSON files (skipped: ../shared/fixtures absent)',
  () => {
    it('reads every model JSON as an architecture with no weights and the MANIFEST layer counts', () => {
      const real = manifestRows(path.join(SHARED, 'real/MANIFEST.md'));
      const apps = manifestRows(path.join(SHARED, 'keras-apps/MANIFEST.md'));
      const files: [string, string, Map<string, Record<string, string>>][] = [
        ['real', 'keras2cpp__my_nn_arch.json', real],
        ['real', 'fml-examples__KERAS_3layer_batch_norm.json', real],
        ['real', 'kotlindl__toyresnet_modelConfig.json', real],
        ['real', 'keras-mobile-net__model.json', real],
        ['keras-apps', 'mnv2_1.0.json', apps],
        ['keras-apps', 'resmini_source.json', apps],
        ['keras-apps', 'resmini_conv4x2_target.json', apps],
      ];
      for (const [folder, name, manifest] of files) {
        const open = readKerasJson(readFileSync(sharedFixture(folder as 'real', name), 'utf8'), name);
        expect(open.spec.format).toBe('keras-json');
        expect(open.spec.notes).toContain('architecture only: no weights');
        expect(weightCount(open.spec)).toBe(0);
        // keras-apps counts every layer; real/ counts top-level config entries (none of these nest).
        expect(open.spec.layers.length, name).toBe(Number(manifest.get(name)!.layers));
        expect(open.spec.modelConfig).not.toBeNull();
      }
    });

    it('has no values to read, and says what to pair it with', async () => {
      const open = readKerasJson(
        readFileSync(sharedFixture('keras-apps', 'resmini_source.json'), 'utf8'),
        'resmini_source.json',
      );
      const error = await failure(open.readDataset('/layers/conv2d/vars/0'));
      expect(error.message).toMatch(/architecture only .* pair it with its weights file/);
    });

    it('refuses JSON that is not a model', () => {
      expect(() => readKerasJson('{"hello": 1}', 'x.json')).toThrow(/not a Keras model/);
      expect(() => readKerasJson('{"class_name": ', 'x.json')).toThrow(/not valid JSON/);
    });
  },
);
