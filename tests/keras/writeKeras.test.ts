// Real Keras 3 is the judge: every layout we write from real models must load with a plain
// `model.load_weights(path)` (and `load_model` for full files), and the variables Keras ends up with
// must be bit-identical to the tensors we handed the writer.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateTensor } from '../../src/core/tensor/evaluateTensor';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { parseModelJsonText } from '../../src/formats/keras/modelConfig';
import { readKerasArchive } from '../../src/formats/keras/kerasArchiveReader';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { writeModelFile, type OutputLayout } from '../../src/formats/keras/write/writeModelFile';
import type { OpenModel } from '../../src/formats/openModel';
import type { LayerSpec } from '../../src/model/modelSpec';
import type { Tensor } from '../../src/model/tensorExpr';
import { h5Datasets, h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { ensureKeras, kerasBatch, type KerasJob } from '../support/keras';
import { sharedAvailable, sharedFixture } from '../support/fixtures';

const keras = ensureKeras();
const ready = sharedAvailable() && h5pyAvailable() && keras.ok;
if (!ready)
  console.warn(
    `skipping real-Keras writer checks: ${!sharedAvailable() ? 'no shared fixtures' : !keras.ok ? keras.reason : 'no h5py'}`,
  );

let host: FileSystemH5Host;
let out: string;
beforeAll(async () => {
  host = await createNodeH5Host();
  out = mkdtempSync(path.join(tmpdir(), 'graft-write-keras-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const FILE_NAMES: Record<OutputLayout, string> = {
  'keras-legacy-weights': 'legacy.h5', // never `.weights.h5`: Keras would route it to the native loader
  'keras-legacy-model': 'full.h5',
  'keras3-weights': 'model.weights.h5',
  'keras3-archive': 'model.keras',
};

function bytesSha(tensor: Tensor): string {
  return createHash('sha256')
    .update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength))
    .digest('hex');
}

interface Written {
  files: Partial<Record<OutputLayout, string>>;
  /** sha256 of what we gave the writer, per layer id and weight index. */
  expected: Map<string, string>;
}

/** Writes every asked layout from an open model's own values (the spec's read expressions). */
async function writeAll(open: OpenModel, stem: string, layouts: OutputLayout[]): Promise<Written> {
  const expected = new Map<string, string>();
  const tensors = async (l: LayerSpec, i: number) => {
    const t = await evaluateTensor(l.weights[i].values!, { readSource: (p) => open.readDataset(p) });
    expected.set(`${l.id}#${i}`, bytesSha(t));
    return t;
  };
  const files: Written['files'] = {};
  for (const layout of layouts) {
    const { scratchPath } = await writeModelFile(host, {
      layout,
      target: open.spec,
      tensors,
      label: `${stem}.${FILE_NAMES[layout]}`,
    });
    const destination = path.join(out, `${stem}.${FILE_NAMES[layout]}`);
    await host.commitScratch(scratchPath, destination);
    files[layout] = destination;
  }
  return { files, expected };
}

/**
 * Every weighted layer of the spec must hold exactly our bytes in Keras's dump: the dump stores a
 * layer's variables as `<layer path>/<i>` with `legacy_index` = position in trainable+non-trainable,
 * which is the spec's weight order.
 */
function expectLoadedValues(dumpFile: string, open: OpenModel, expected: Map<string, string>): void {
  const byPath = new Map<string, string>();
  for (const d of h5Datasets(inspectWithH5py(dumpFile))) {
    const layerPath = d.path.slice(1, d.path.lastIndexOf('/'));
    byPath.set(`${layerPath}#${d.attrs.legacy_index.value as number}`, d.sha256!);
  }
  let compared = 0;
  for (const l of open.spec.layers) {
    l.weights.forEach((_, i) => {
      const key = `${l.id}#${i}`;
      expect(byPath.get(key), `${key} as loaded by Keras`).toBe(expected.get(key));
      compared += 1;
    });
  }
  expect(compared).toBeGreaterThan(0);
}

function runJobs(jobs: KerasJob[]) {
  const results = kerasBatch(jobs);
  results.forEach((r, k) =>
    expect(r, `${JSON.stringify(jobs[k])}: ${r.ok ? '' : r.error}`).toMatchObject({ ok: true }),
  );
  return results;
}

describe.skipIf(!ready)('real Keras 3 loads every layout we write', () => {
  it('MobileNetV2 (from its .keras): load_weights of all four layouts, load_model of .keras and full .h5', async () => {
    const source = sharedFixture('keras-apps', 'mnv2_0.5_target.keras');
    const open = await readKerasArchive(host, { kind: 'path', path: source, name: 'mnv2_0.5_target.keras' });
    const layouts: OutputLayout[] = [
      'keras-legacy-weights',
      'keras-legacy-model',
      'keras3-weights',
      'keras3-archive',
    ];
    const { files, expected } = await writeAll(open, 'mnv2', layouts);
    open.close();
    const dump = (name: string) => path.join(out, `mnv2.${name}.dump.h5`);
    const jobs: KerasJob[] = [
      ...layouts.map((layout) => ({ model: source, weights: files[layout], dump: dump(layout) })),
      { loadModel: true, weights: files['keras3-archive'], dump: dump('load-keras') },
      { loadModel: true, weights: files['keras-legacy-model'], dump: dump('load-h5') },
    ];
    const results = runJobs(jobs);
    expect(results[0]).toMatchObject({ weightedLayers: 104 });
    for (const name of [...layouts, 'load-keras', 'load-h5']) expectLoadedValues(dump(name), open, expected);
  });

  it('ResNet-style (from a Keras 3 legacy full-model .h5): every layout, loaded into the model from its JSON', async () => {
    const source = sharedFixture('keras-apps', 'resmini_conv4x2_target.h5');
    const open = await readLegacyH5(host, { kind: 'path', path: source, name: 'resmini_conv4x2_target.h5' });
    const layouts: OutputLayout[] = [
      'keras-legacy-weights',
      'keras-legacy-model',
      'keras3-weights',
      'keras3-archive',
    ];
    const { files, expected } = await writeAll(open, 'resmini', layouts);
    open.close();
    const arch = sharedFixture('keras-apps', 'resmini_conv4x2_target.json');
    const dump = (name: string) => path.join(out, `resmini.${name}.dump.h5`);
    runJobs([
      ...layouts.map((layout) => ({ model: arch, weights: files[layout], dump: dump(layout) })),
      { loadModel: true, weights: files['keras3-archive'], dump: dump('load-keras') },
    ]);
    for (const name of [...layouts, 'load-keras']) expectLoadedValues(dump(name), open, expected);
  });

  // Keras 2 files (standalone 2.2.4 nested Models; tf.keras 2.4 Sequential around a nested Functional
  // with DepthwiseConv2D `groups: 1`; tf.keras 2.8 shared nested Functional): the .keras needs the
  // config rewritten for Keras 3 (kerasThreeConfig.ts), the weights files load into that model.
  it.each([
    'gan-hm__gan.h5',
    'fruit-classifier__model_mobilenet.h5',
    'change-detection__siamese_model.h5',
    'mlc-tiny__vww_96.h5',
  ])(
    'Keras 2 full model %s: our .keras loads with load_model, and our weights files load into it',
    async (name) => {
      const source = sharedFixture('real', name);
      const open = await readLegacyH5(host, { kind: 'path', path: source, name });
      const stem = name.replace(/\W/g, '_');
      const layouts: OutputLayout[] = ['keras3-archive', 'keras3-weights', 'keras-legacy-weights'];
      const { files, expected } = await writeAll(open, stem, layouts);
      open.close();
      const dump = (n: string) => path.join(out, `${stem}.${n}.dump.h5`);
      runJobs([
        { loadModel: true, weights: files['keras3-archive'], dump: dump('load-keras') },
        { model: files['keras3-archive'], weights: files['keras3-weights'], dump: dump('weights') },
        { model: files['keras3-archive'], weights: files['keras-legacy-weights'], dump: dump('legacy') },
      ]);
      for (const n of ['load-keras', 'weights', 'legacy']) expectLoadedValues(dump(n), open, expected);
    },
  );

  it('Keras 2.0.8 weights-only file + its JSON: the legacy weights we write load into the model from that JSON', async () => {
    const weights = sharedFixture('real', 'fml-examples__KERAS_3layer_batch_norm_weights.h5');
    const json = sharedFixture('real', 'fml-examples__KERAS_3layer_batch_norm.json');
    const { readFileSync } = await import('node:fs');
    const arch = parseModelJsonText(readFileSync(json, 'utf8'), 'KERAS_3layer_batch_norm.json');
    const open = await readLegacyH5(host, { kind: 'path', path: weights, name: 'w.h5' }, { arch });
    const { files, expected } = await writeAll(open, 'fml', ['keras-legacy-weights', 'keras3-weights']);
    open.close();
    const dump = (n: string) => path.join(out, `fml.${n}.dump.h5`);
    runJobs([
      { model: json, weights: files['keras-legacy-weights'], dump: dump('legacy') },
      { model: json, weights: files['keras3-weights'], dump: dump('native') },
    ]);
    expectLoadedValues(dump('legacy'), open, expected);
    expectLoadedValues(dump('native'), open, expected);
  });

  it('float16 weights survive bit-exactly although the file stores them as float32', async () => {
    const made = path.join(out, 'half.keras');
    const script = [
      'import os, sys; os.environ["KERAS_BACKEND"]="tensorflow"; os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"',
      'import numpy as np, keras',
      'inp = keras.Input((5,), dtype="float16")',
      'x = keras.layers.Dense(7, dtype="float16", name="d1")(inp)',
      'x = keras.layers.BatchNormalization(dtype="float16", name="bn")(x)',
      'm = keras.Model(inp, x)',
      'rng = np.random.default_rng(3)',
      'for v in m.weights: v.assign(rng.normal(size=v.shape).astype("float16"))',
      'm.save(sys.argv[1])',
    ].join('\n');
    const run = spawnSync(keras.ok ? keras.python : 'false', ['-c', script, made], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const open = await readKerasArchive(host, { kind: 'path', path: made, name: 'half.keras' });
    expect(open.spec.layers.find((l) => l.name === 'd1')!.weights[0].dtype).toBe('float16');
    const layouts: OutputLayout[] = [
      'keras-legacy-weights',
      'keras-legacy-model',
      'keras3-weights',
      'keras3-archive',
    ];
    const { files, expected } = await writeAll(open, 'half', layouts);
    open.close();
    expect(
      inspectWithH5py(files['keras3-weights']!).objects.find((o) => o.path === '/layers/dense/vars/0'),
    ).toMatchObject({ dtype: '<f4' });
    const dump = (n: string) => path.join(out, `half.${n}.dump.h5`);
    runJobs([
      ...layouts.map((layout) => ({ model: made, weights: files[layout], dump: dump(layout) })),
      { loadModel: true, weights: files['keras3-archive'], dump: dump('load-keras') },
    ]);
    for (const n of [...layouts, 'load-keras']) expectLoadedValues(dump(n), open, expected);
    expect(existsSync(dump('load-keras'))).toBe(true);
  });
});
