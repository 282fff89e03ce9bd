// Legacy HDF5 outputs checked with Debian h5py (shares no code with us) and with Keras 2.2.4's
// unconditional `.decode` reads imitated in Python.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { writeModelFile, type OutputLayout } from '../../src/formats/keras/write/writeModelFile';
import type { ModelSpec } from '../../src/model/modelSpec';
import {
  h5Dataset,
  h5Datasets,
  h5Group,
  h5pyAvailable,
  inspectWithH5py,
  type H5Attribute,
} from '../support/h5py';
import { layer, model, nestedModel, seededProvider, seededTensor, sha256, weight } from './writeTestModels';

const repoRoot = path.resolve(__dirname, '../..');
let host: FileSystemH5Host;
let out: string;

beforeAll(async () => {
  host = await createNodeH5Host();
  out = mkdtempSync(path.join(tmpdir(), 'graft-write-legacy-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function write(layout: OutputLayout, target: ModelSpec, name: string): Promise<string> {
  const { scratchPath } = await writeModelFile(host, {
    layout,
    target,
    tensors: seededProvider(target),
    label: name,
  });
  const destination = path.join(out, name);
  await host.commitScratch(scratchPath, destination);
  return destination;
}

function expectFixedString(attr: H5Attribute | undefined): void {
  expect(attr, 'attribute present').toBeDefined();
  expect(attr!.type.class).toBe('string');
  expect(attr!.type.vlen).toBe(false);
}

function keras224Reads(file: string) {
  const run = spawnSync('/usr/bin/python3', [path.join(repoRoot, 'scripts/py/keras224_reads.py'), file], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Keras 2.2.4-style read failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as {
    keras_version: string;
    backend: string;
    layer_names: string[];
    weights: Record<string, [string, number[]][]>;
    model_config?: unknown;
  };
}

describe.skipIf(!h5pyAvailable())('legacy writers, read back with h5py', () => {
  it('weights-only: fixed-length names in model order, empty groups for weightless layers, bit-identical tensors', async () => {
    const target = nestedModel();
    const file = await write('keras-legacy-weights', target, 'nested.h5');
    const dump = inspectWithH5py(file);
    const root = h5Group(dump, '/');
    for (const name of ['layer_names', 'backend', 'keras_version']) expectFixedString(root.attrs[name]);
    expect(root.attrs.layer_names.value).toEqual(['input_1', 'dense_1', 'act', 'bn', 'inner', 'frozen']);
    expect(root.attrs.backend.value).toBe('tensorflow');
    expect(root.attrs.keras_version.value).toBe('2.15.0');

    // Weightless layers: a group whose weight_names is an empty float64 array, as Keras writes it.
    for (const name of ['input_1', 'act']) {
      const attr = h5Group(dump, `/${name}`).attrs.weight_names;
      expect(attr.type.class).toBe('float');
      expect(attr.type.shape).toEqual([0]);
    }
    // The nested model: one group, every inner trainable weight first, then the statistics.
    expect(h5Group(dump, '/inner').attrs.weight_names.value).toEqual([
      'bn_in/gamma:0',
      'bn_in/beta:0',
      'dense_in/kernel:0',
      'dense_in/bias:0',
      'bn_in/moving_mean:0',
      'bn_in/moving_variance:0',
    ]);
    expectFixedString(h5Group(dump, '/inner').attrs.weight_names);

    for (const l of target.layers) {
      l.weights.forEach((w, i) => {
        const top = l.path[0] ?? l.name;
        const ds = h5Dataset(dump, `/${top}/${[...l.path.slice(1), l.name].join('/')}/${w.name}:0`);
        expect(ds.shape).toEqual(w.shape);
        expect(ds.dtype).toBe('<f4');
        expect(ds.sha256).toBe(sha256(seededTensor(`${l.id}:${i}`, w.shape, w.dtype)));
        expect(ds.layout).toBe('contiguous');
        expect(ds.filters).toEqual([]);
      });
    }
    expect(h5Datasets(dump)).toHaveLength(14);
    expect(dump.links).toEqual([]);
  });

  it('Keras 2.2.4 reads it without "str has no attribute decode" and finds every weight', async () => {
    const target = nestedModel();
    const file = await write('keras-legacy-weights', target, 'k224.h5');
    const read = keras224Reads(file);
    expect(read.keras_version).toBe('2.15.0');
    expect(read.backend).toBe('tensorflow');
    expect(read.layer_names).toEqual(['input_1', 'dense_1', 'act', 'bn', 'inner', 'frozen']);
    expect(read.weights.frozen).toEqual([
      ['frozen/kernel:0', [2, 2]],
      ['frozen/bias:0', [2]],
    ]);
    expect(read.weights.act).toEqual([]);
  });

  it('never writes keras_version "1" (Keras 2 would run its Keras 1 conversions)', async () => {
    const target = { ...nestedModel(), kerasVersion: '1.2.2' };
    const dump = inspectWithH5py(await write('keras-legacy-weights', target, 'was-k1.h5'));
    expect(h5Group(dump, '/').attrs.keras_version.value).toBe('2.15.0');
    const kept = inspectWithH5py(
      await write('keras-legacy-weights', { ...nestedModel(), kerasVersion: '2.2.4-tf' }, 'tf.h5'),
    );
    expect(h5Group(kept, '/').attrs.keras_version.value).toBe('2.2.4-tf');
  });

  it('full model: fixed-length model_config over 64 KB, weights under model_weights, no optimizer state', async () => {
    const layers = nestedModel().layers;
    // A config over the 64 KB object header limit (mnv2's is 155 KB); the padding key is ignored by readers.
    const modelConfig = {
      class_name: 'Functional',
      config: { name: 'synthetic', layers: [], padding: 'x'.repeat(100_000) },
    };
    const file = await write('keras-legacy-model', model(layers, { modelConfig }), 'full.h5');
    const dump = inspectWithH5py(file);
    const root = h5Group(dump, '/');
    for (const name of ['model_config', 'keras_version', 'backend']) expectFixedString(root.attrs[name]);
    expect(JSON.parse(root.attrs.model_config.value as string)).toEqual(modelConfig);
    expect(Object.keys(root.attrs).sort()).toEqual(['backend', 'keras_version', 'model_config']);
    expect(h5Group(dump, '/model_weights').attrs.layer_names.value).toEqual([
      'input_1',
      'dense_1',
      'act',
      'bn',
      'inner',
      'frozen',
    ]);
    expect(dump.objects.some((o) => o.path.startsWith('/optimizer_weights'))).toBe(false);
    expect(h5Dataset(dump, '/model_weights/dense_1/dense_1/kernel:0').shape).toEqual([4, 3]);
    const read = keras224Reads(file);
    expect(read.model_config).toEqual(modelConfig);
    expect(read.weights.inner).toHaveLength(6);
  });

  it('splits layer_names like Keras once they exceed 64512 bytes (3000 layers)', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      layer(
        `a_rather_long_layer_name_${String(i).padStart(4, '0')}`,
        'Dense',
        i % 2 ? [] : [weight('bias', [2])],
      ),
    );
    const file = await write('keras-legacy-weights', model(many), 'many.h5');
    const dump = inspectWithH5py(file);
    const root = h5Group(dump, '/');
    expect(root.attrs.layer_names).toBeUndefined();
    // 3000 x 30 bytes = 90000 > 64512: np.array_split into 2 chunks of 1500.
    expect(
      Object.keys(root.attrs)
        .filter((n) => n.startsWith('layer_names'))
        .sort(),
    ).toEqual(['layer_names0', 'layer_names1']);
    expectFixedString(root.attrs.layer_names0);
    expect((root.attrs.layer_names0.value as string[]).length).toBe(1500);
    const read = keras224Reads(file);
    expect(read.layer_names).toEqual(many.map((l) => l.name));
  });

  it('keeps non-ASCII names intact as fixed-length UTF-8 bytes', async () => {
    const target = model([
      layer('dichte_ü', 'Dense', [weight('bias', [2])]),
      layer('层', 'Dense', [weight('bias', [1])]),
    ]);
    const file = await write('keras-legacy-weights', target, 'unicode.h5');
    const read = keras224Reads(file);
    expect(read.layer_names).toEqual(['dichte_ü', '层']);
    expect(read.weights['层']).toEqual([['层/bias:0', [1]]]);
  });

  it('stores float16 losslessly as float32 (h5wasm cannot create 2-byte floats) and float64/int32 as they are', async () => {
    const target = model([
      layer('half', 'Dense', [
        weight('kernel', [5, 7], true, 'float16'),
        weight('bias', [7], true, 'bfloat16'),
      ]),
      layer('wide', 'Dense', [weight('kernel', [2, 3], true, 'float64'), weight('bias', [3], true, 'int32')]),
    ]);
    const file = await write('keras-legacy-weights', target, 'dtypes.h5');
    const dump = inspectWithH5py(file, { values: ['/half/half/kernel:0', '/half/half/bias:0'] });
    expect(h5Dataset(dump, '/half/half/kernel:0').dtype).toBe('<f4');
    expect(h5Dataset(dump, '/wide/wide/kernel:0').dtype).toBe('<f8');
    expect(h5Dataset(dump, '/wide/wide/bias:0').dtype).toBe('<i4');
    expect(h5Dataset(dump, '/wide/wide/kernel:0').sha256).toBe(
      sha256(seededTensor('wide:0', [2, 3], 'float64')),
    );
    // numpy's own float16 -> float32 conversion of the same bits, in Python, must equal what we stored.
    const bits = seededTensor('half:0', [5, 7], 'float16').data as Uint16Array;
    const run = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys,json,numpy as np; b=np.array(json.load(sys.stdin),dtype=np.uint16); print(json.dumps(b.view(np.float16).astype(np.float32).tolist()))',
      ],
      { input: JSON.stringify(Array.from(bits)), encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect((dump.values!['/half/half/kernel:0'] as number[][]).flat()).toEqual(JSON.parse(run.stdout));
    const bf = seededTensor('half:1', [7], 'bfloat16').data as Uint16Array;
    const expected = Array.from(bf, (b) => new Float32Array(new Uint32Array([b << 16]).buffer)[0]);
    expect(dump.values!['/half/half/bias:0']).toEqual(expected);
  });
});

describe('legacy writer refusals', () => {
  it('a full model needs a config', async () => {
    await expect(
      writeModelFile(host, {
        layout: 'keras-legacy-model',
        target: nestedModel(),
        tensors: seededProvider(nestedModel()),
      }),
    ).rejects.toMatchObject({
      code: 'usage',
    });
  });
});
