// Keras 3 outputs (.weights.h5, .keras) checked with Debian h5py / Python zipfile, plus what every
// layout must guarantee on failure: no file at the destination and no scratch file left behind.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { H5Writer } from '../../src/formats/h5/h5Writer';
import { verifyWrittenFile } from '../../src/formats/h5/writeVerification';
import {
  layoutForFileName,
  writeModelFile,
  type OutputLayout,
} from '../../src/formats/keras/write/writeModelFile';
import type { LayerSpec, ModelSpec } from '../../src/model/modelSpec';
import type { Tensor } from '../../src/model/tensorExpr';
import { h5Dataset, h5Datasets, h5Group, h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { layer, model, nestedModel, seededProvider, seededTensor, sha256, weight } from './writeTestModels';

let host: FileSystemH5Host;
let out: string;

beforeAll(async () => {
  host = await createNodeH5Host();
  out = mkdtempSync(path.join(tmpdir(), 'graft-write-k3-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function write(layout: OutputLayout, target: ModelSpec, name: string): Promise<string> {
  const { scratchPath } = await writeModelFile(host, {
    layout,
    target,
    tensors: seededProvider(),
    label: name,
  });
  const destination = path.join(out, name);
  await host.commitScratch(scratchPath, destination);
  return destination;
}

/** nestedModel()'s weights by the Keras 3 path each must land at (class counters per container). */
const NATIVE_PATHS: [string, number, string][] = [
  ['dense_1', 0, '/layers/dense/vars/0'],
  ['dense_1', 1, '/layers/dense/vars/1'],
  ['bn', 0, '/layers/batch_normalization/vars/0'],
  ['bn', 3, '/layers/batch_normalization/vars/3'],
  ['inner/bn_in', 2, '/layers/functional/layers/batch_normalization/vars/2'],
  ['inner/dense_in', 0, '/layers/functional/layers/dense/vars/0'],
  ['frozen', 1, '/layers/dense_1/vars/1'],
];

describe.skipIf(!h5pyAvailable())('Keras 3 writers, read back with h5py', () => {
  it('.weights.h5: class-counter paths, exact vars counts, an empty root /vars, bit-identical tensors', async () => {
    const target = nestedModel();
    const dump = inspectWithH5py(await write('keras3-weights', target, 'nested.weights.h5'));
    expect(h5Group(dump, '/vars')).toBeDefined();
    expect(dump.objects.filter((o) => o.path.startsWith('/vars/'))).toEqual([]);
    for (const [id, index, datasetPath] of NATIVE_PATHS) {
      const l = target.layers.find((x) => x.id === id)!;
      const ds = h5Dataset(dump, datasetPath);
      expect(ds.shape).toEqual(l.weights[index].shape);
      expect(ds.sha256).toBe(sha256(seededTensor(`${id}:${index}`, l.weights[index].shape)));
    }
    // Exactly as many datasets as variables: 2 + 4 + 4 + 2 + 2.
    expect(h5Datasets(dump)).toHaveLength(14);
    expect(
      h5Datasets(dump).filter((d) => d.path.startsWith('/layers/batch_normalization/vars/')),
    ).toHaveLength(4);
    expect(dump.links).toEqual([]);
  });

  it('.keras: stored members in Keras order, a Keras 2 config rewritten for Keras 3, the weights inside', async () => {
    const dense = layer('dense_1', 'Dense', [weight('kernel', [4, 3]), weight('bias', [3])], [], {
      units: 3,
    });
    const keras2Sequential = {
      class_name: 'Sequential',
      config: [
        {
          class_name: 'Dense',
          config: { name: 'dense_1', units: 3, batch_input_shape: [null, 4], dtype: 'float32' },
        },
      ],
    };
    const target = model([dense], { modelClass: 'Sequential', modelConfig: keras2Sequential });
    const file = await write('keras3-archive', target, 'seq.keras');
    const dump = inspectWithH5py(file);
    expect(dump.zip!.members.map((m) => [m.name, m.compress_type])).toEqual([
      ['metadata.json', 'stored'],
      ['config.json', 'stored'],
      ['model.weights.h5', 'stored'],
    ]);
    const config = dump.zip!.config as {
      module: string;
      class_name: string;
      config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    expect(config.module).toBe('keras');
    expect(config.config.name).toBe('sequential');
    expect(config.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense']);
    expect(config.config.layers[0].config.batch_shape).toEqual([null, 4]);
    expect(config.config.layers[1].config.batch_input_shape).toBeUndefined();
    expect((dump.zip!.metadata as { keras_version: string }).keras_version).toBe('3.0.0');
    expect(h5Dataset(dump, '/layers/dense/vars/0').sha256).toBe(sha256(seededTensor('dense_1:0', [4, 3])));
    expect(h5Group(dump, '/vars')).toBeDefined();
  });

  it('.keras keeps a Keras 3 config and metadata.json exactly as the target had them', async () => {
    const dense = layer('d', 'Dense', [weight('kernel', [2, 2])], [], { units: 2, use_bias: false });
    const modelConfig = {
      module: 'keras',
      class_name: 'Sequential',
      config: { name: 'kept', layers: [] },
      registered_name: null,
    };
    const archiveMetadata = { keras_version: '3.15.1', date_saved: '2026-01-02@03:04:05' };
    const dump = inspectWithH5py(
      await write('keras3-archive', model([dense], { modelConfig, archiveMetadata }), 'kept.keras'),
    );
    expect(dump.zip!.config).toEqual(modelConfig);
    expect(dump.zip!.metadata).toEqual(archiveMetadata);
  });
});

describe('output layout by file name', () => {
  const withConfig = model([], { modelConfig: { class_name: 'Functional', config: {} } });
  const weightsOnly = model([]);
  it.each([
    ['x.weights.h5', weightsOnly, 'keras3-weights'],
    ['X.KERAS', weightsOnly, 'keras3-archive'],
    ['model.h5', withConfig, 'keras-legacy-model'],
    ['model.h5', weightsOnly, 'keras-legacy-weights'],
    ['model.hdf5', weightsOnly, 'keras-legacy-weights'],
    ['x.weights.hdf5', withConfig, 'keras-legacy-model'],
  ] as const)('%s -> %s', (name, target, layout) => {
    expect(layoutForFileName(name, target)).toBe(layout);
  });
  it('refuses a name Keras would not route', () => {
    expect(() => layoutForFileName('weights.bin', weightsOnly)).toThrow(
      /model\.weights\.h5.*model\.keras.*model\.h5/,
    );
  });
});

/** The Node host, recording every scratch path handed out. */
function trackingHost(): { host: FileSystemH5Host; scratches: string[] } {
  const scratches: string[] = [];
  return {
    scratches,
    host: {
      ...host,
      scratchPath(hint: string) {
        const p = host.scratchPath(hint);
        scratches.push(p);
        return p;
      },
    },
  };
}

describe('failures leave nothing behind', () => {
  const layouts: OutputLayout[] = [
    'keras-legacy-weights',
    'keras-legacy-model',
    'keras3-weights',
    'keras3-archive',
  ];
  const target = (): ModelSpec => ({
    ...nestedModel(),
    modelConfig: { class_name: 'Functional', config: { layers: [] } },
  });

  it.each(layouts)('%s: a provider that throws midway', async (layout) => {
    const tracked = trackingHost();
    let calls = 0;
    const tensors = async (l: LayerSpec, i: number): Promise<Tensor> => {
      calls += 1;
      if (calls === 5) throw new Error('source file vanished');
      return seededTensor(`${l.id}:${i}`, l.weights[i].shape);
    };
    await expect(
      writeModelFile(tracked.host, { layout, target: target(), tensors, label: 'out.x' }),
    ).rejects.toMatchObject({
      code: 'write',
      message: expect.stringMatching(
        /out\.x: computing .* failed \(source file vanished\); nothing was saved/,
      ),
    });
    expect(calls).toBe(5);
    expect(tracked.scratches.length).toBeGreaterThan(0);
    for (const p of tracked.scratches) expect(existsSync(p), p).toBe(false);
  });

  it.each(layouts)('%s: a tensor of the wrong shape is never written', async (layout) => {
    const tracked = trackingHost();
    const tensors = async (l: LayerSpec, i: number): Promise<Tensor> =>
      l.id === 'bn' && i === 1 ? seededTensor('x', [4]) : seededTensor(`${l.id}:${i}`, l.weights[i].shape);
    await expect(
      writeModelFile(tracked.host, { layout, target: target(), tensors, label: 'out.x' }),
    ).rejects.toMatchObject({
      code: 'write',
      message: expect.stringMatching(/layer bn weight beta expects float32 \[3\], got float32 \[4\]/),
    });
    for (const p of tracked.scratches) expect(existsSync(p), p).toBe(false);
  });

  it('a dtype other than the target weight is refused too', async () => {
    const tensors = async (l: LayerSpec, i: number): Promise<Tensor> =>
      seededTensor(`${l.id}:${i}`, l.weights[i].shape, 'float64');
    await expect(
      writeModelFile(host, { layout: 'keras-legacy-weights', target: nestedModel(), tensors }),
    ).rejects.toThrow(/expects float32 \[4, 3\], got float64 \[4, 3\]/);
  });

  it('Keras 3 layouts need the architecture', async () => {
    const noClasses = model([{ ...layer('dense_1', null, [weight('bias', [2])]) }]);
    for (const layout of ['keras3-weights', 'keras3-archive'] as const) {
      await expect(
        writeModelFile(host, { layout, target: noClasses, tensors: seededProvider() }),
      ).rejects.toMatchObject({
        code: 'usage',
        message: expect.stringMatching(/needs the architecture.*--arch model\.json/),
      });
    }
  });
});

describe('verification catches what h5wasm would not say', () => {
  it('a checksum, a group or an attribute that does not match the file fails with GraftError(write)', async () => {
    const file = path.join(out, 'verify.h5');
    const writer = new H5Writer(host.lib, file, 'verify.h5');
    writer.createGroup('/a/b');
    writer.writeStrings('/a', 'names', ['x', 'yy']);
    writer.writeTensor('/a/b/t', seededTensor('t', [3, 2]));
    writer.close();
    expect(() => verifyWrittenFile(host.lib, file, 'verify.h5', writer.record)).not.toThrow();
    const wrongBits = {
      ...writer.record,
      datasets: writer.record.datasets.map((d) => ({ ...d, checksum: '0'.repeat(16) })),
    };
    expect(() => verifyWrittenFile(host.lib, file, 'verify.h5', wrongBits)).toThrow(
      /\/a\/b\/t reads back different values/,
    );
    const missingGroup = { ...writer.record, groups: [...writer.record.groups, '/a/c'] };
    expect(() => verifyWrittenFile(host.lib, file, 'verify.h5', missingGroup)).toThrow(
      /group \/a\/c is missing/,
    );
    const otherText = {
      ...writer.record,
      strings: [{ group: '/a', name: 'names', values: ['x', 'y'], scalar: false }],
    };
    expect(() => verifyWrittenFile(host.lib, file, 'verify.h5', otherText)).toThrow(
      /names of \/a reads back different text/,
    );
  });
});
