// Real Keras 3 is the truth for the weight catalogue, the native paths and the Keras 3 readers:
// tests/keras/keras3-real-models.py builds models covering every catalogued layer kind (plus a custom
// layer), and we compare what we read with what Keras says about each layer and wrote to each file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { readKeras3Weights } from '../../src/formats/keras/keras3WeightsReader';
import { readKerasArchive } from '../../src/formats/keras/kerasArchiveReader';
import { readLegacyH5 } from '../../src/formats/keras/legacyH5Reader';
import { parseModelJsonText, type Architecture } from '../../src/formats/keras/modelConfig';
import { nativeLayout, nativeWeightPaths } from '../../src/formats/keras/nativePaths';
import { expectedWeights, pythonClassName, snakeCase } from '../../src/formats/keras/weightCatalog';
import { guessClassName } from '../../src/formats/keras/keras3GuessedLayers';
import { evaluateTensor } from '../../src/core/tensor';
import { ensureKeras } from '../support/keras';
import { h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { layerSignature, readPath, tensorDigest } from '../formats/keras3TestSupport';

interface KerasTruth {
  keras_version: string;
  snake: Record<string, string>;
  models: {
    name: string;
    weights: string;
    json: string;
    legacy: string;
    keras?: string;
    layers: Record<
      string,
      {
        class: string;
        weights: { name: string; path: string; shape: number[]; trainable: boolean; sum: number }[];
      }
    >;
  }[];
}

const keras = ensureKeras();
const SCRIPT = path.resolve(__dirname, 'keras3-real-models.py');

const skipReal = !keras.ok
  ? ` (skipped: ${keras.reason})`
  : !h5pyAvailable()
    ? ' (skipped: /usr/bin/python3 has no h5py)'
    : '';

describe.skipIf(skipReal !== '')(`against real Keras${skipReal}`, () => {
  let dir = '';
  let truth: KerasTruth;
  let host: H5Host;
  const archOf = (json: string): Architecture =>
    parseModelJsonText(readFileSync(path.join(dir, json), 'utf8'), json);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'graft-k3-'));
    const run = spawnSync((keras as { python: string }).python, [SCRIPT, dir], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (run.status !== 0) throw new Error(`keras3-real-models.py failed: ${run.stderr.slice(-2000)}`);
    truth = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as KerasTruth;
    host = await createNodeH5Host();
  });

  it("snakeCase(pythonClassName(config class)) is Keras's key for every class in keras.layers", () => {
    expect(Object.keys(truth.snake).length).toBeGreaterThan(100);
    for (const [configName, snake] of Object.entries(truth.snake))
      expect(snakeCase(pythonClassName(configName)), configName).toBe(snake);
  });

  const isGeneric = (name: string) => /(^|\/)var_\d+$/.test(name);

  it('nativeWeightPaths gives exactly the datasets Keras wrote, and its empty vars groups exist there', async () => {
    for (const model of truth.models) {
      const arch = archOf(model.json);
      const dump = inspectWithH5py(path.join(dir, model.weights));
      const written = dump.objects
        .filter((o) => o.kind === 'dataset' && !o.path.startsWith('/optimizer'))
        .map((o) => o.path.slice(1))
        .sort();
      // From the architecture alone (what a writer has for a known class)...
      const fromArch = [...nativeWeightPaths(arch).values()].flat();
      const custom = arch.layers.some((l) => !l.children && expectedWeights(l.className!, l.config) === null);
      if (custom) expect(written, model.name).toEqual(expect.arrayContaining(fromArch));
      else expect(fromArch.sort(), model.name).toEqual(written);
      // ...and from a spec with weights, where unknown classes carry the generic names we read them with.
      const open = await readKeras3Weights(
        host,
        { kind: 'path', path: path.join(dir, model.weights), name: model.weights },
        { arch },
      );
      try {
        expect([...nativeWeightPaths(open.spec).values()].flat().sort(), model.name).toEqual(written);
      } finally {
        open.close();
      }
      const groups = new Set(dump.objects.filter((o) => o.kind === 'group').map((o) => o.path.slice(1)));
      for (const g of nativeLayout(arch).emptyVarGroups)
        expect(groups.has(g), `${model.name}: ${g}`).toBe(true);
    }
  });

  it('reads every layer with the variables Keras has: names, shapes, trainable flags, values', async () => {
    let generic = 0;
    for (const model of truth.models) {
      const open = await readKeras3Weights(
        host,
        { kind: 'path', path: path.join(dir, model.weights), name: model.weights },
        { arch: archOf(model.json) },
      );
      try {
        const plain = open.spec.layers.filter((l) => l.children === undefined);
        expect(
          plain.map((l) => l.id),
          model.name,
        ).toEqual(Object.keys(model.layers));
        for (const l of plain) {
          const expected = model.layers[l.id];
          expect(pythonClassName(l.className!), l.id).toBe(expected.class);
          // A class the catalogue does not know keeps file order (own vars, then sub-objects) and var_<i> names.
          const unknown = expectedWeights(l.className!, l.config) === null;
          if (unknown) generic++;
          expect(
            l.weights.map((w) => [
              unknown ? isGeneric(w.name) : w.name.split('/').pop(),
              w.shape,
              w.trainable,
            ]),
            `${model.name}/${l.id}`,
          ).toEqual(expected.weights.map((w) => [unknown ? true : w.name, w.shape, w.trainable]));
          for (const [k, w] of l.weights.entries()) {
            const { sum } = tensorDigest(await open.readDataset(readPath(w)));
            expect(sum, `${l.id} ${w.name}`).toBeCloseTo(expected.weights[k].sum, 3);
          }
        }
      } finally {
        open.close();
      }
    }
    expect(generic).toBe(2); // the two MyScale layers
  });

  it('without the architecture, guesses every class right and names the weights the catalogue can tell', async () => {
    for (const model of truth.models) {
      const file = { kind: 'path' as const, path: path.join(dir, model.weights), name: model.weights };
      const guessed = await readKeras3Weights(host, file);
      const known = await readKeras3Weights(host, file, { arch: archOf(model.json) });
      try {
        // Keras >= 3.6 writes each layer's name on its vars group, so the ids are the real ones.
        const byId = new Map(known.spec.layers.map((l) => [l.id, l]));
        for (const l of guessed.spec.layers.filter((x) => x.children === undefined)) {
          const truthLayer = model.layers[l.id];
          if (!truthLayer) {
            // A layer the file holds no own group for is absent; anything else must be a real layer.
            throw new Error(`${model.name}: guessed layer ${l.id} is not a layer of the model`);
          }
          expect(l.className, l.id).toBe(truthLayer.class);
          const reference = byId.get(l.id)!;
          const generic = l.weights.some((w) => /(^|\/)var_\d+$/.test(w.name));
          if (generic) {
            expect(l.weights.map((w) => w.shape).sort(), l.id).toEqual(
              reference.weights.map((w) => w.shape).sort(),
            );
          } else {
            expect(
              l.weights.map((w) => [w.name, w.shape, readPath(w)]),
              l.id,
            ).toEqual(reference.weights.map((w) => [w.name, w.shape, readPath(w)]));
          }
        }
      } finally {
        guessed.close();
        known.close();
      }
    }
  });

  it('reads the .keras archive of a model exactly like its .weights.h5 + JSON', async () => {
    const withArchives = truth.models.filter((m) => m.keras);
    expect(withArchives.length).toBeGreaterThan(0);
    for (const model of withArchives) {
      const archive = await readKerasArchive(host, {
        kind: 'path',
        path: path.join(dir, model.keras!),
        name: model.keras!,
      });
      const weights = await readKeras3Weights(
        host,
        { kind: 'path', path: path.join(dir, model.weights), name: model.weights },
        { arch: archOf(model.json) },
      );
      try {
        expect(archive.spec.format).toBe('keras3-archive');
        expect(archive.spec.kerasVersion).toBe(truth.keras_version);
        expect(layerSignature(archive.spec), model.name).toEqual(layerSignature(weights.spec));
        const a = archive.spec.layers.flatMap((l) => l.weights);
        const b = weights.spec.layers.flatMap((l) => l.weights);
        for (const [k, w] of a.entries()) {
          expect(tensorDigest(await archive.readDataset(readPath(w))).sha256).toBe(
            tensorDigest(await weights.readDataset(readPath(b[k]))).sha256,
          );
        }
      } finally {
        archive.close();
        weights.close();
      }
    }
  });

  it('the legacy .h5 of each model reads the same through readLegacyH5 (names, shapes, order, flags, values)', async () => {
    // Keras 3's legacy writer names GroupQueryAttention by its Python class; compare classes that way.
    // A custom class has no names in the native file (var_<i>); the legacy file names them: shapes only.
    const signature = (open: { spec: Parameters<typeof layerSignature>[0] }) =>
      layerSignature(open.spec).map((l) => ({
        ...l,
        className: l.className && pythonClassName(l.className),
        weights:
          expectedWeights(l.className ?? '', null) === null
            ? l.weights.map((w) => ({ ...w, name: '(custom)' }))
            : l.weights,
      }));
    for (const model of truth.models) {
      const native = await readKeras3Weights(
        host,
        { kind: 'path', path: path.join(dir, model.weights), name: model.weights },
        { arch: archOf(model.json) },
      );
      const legacy = await readLegacyH5(host, {
        kind: 'path',
        path: path.join(dir, model.legacy),
        name: model.legacy,
      });
      try {
        expect(signature(legacy), model.name).toEqual(signature(native));
        const a = native.spec.layers.flatMap((l) => l.weights);
        const b = legacy.spec.layers.flatMap((l) => l.weights);
        for (const [k, w] of a.entries()) {
          const theirs = await evaluateTensor(b[k].values!, { readSource: (p) => legacy.readDataset(p) });
          expect(tensorDigest(theirs).sha256, `${model.name} ${w.name}`).toBe(
            tensorDigest(await native.readDataset(readPath(w))).sha256,
          );
        }
      } finally {
        native.close();
        legacy.close();
      }
    }
  });

  it('guessClassName inverts the container keys of every layer class', () => {
    for (const [configName, snake] of Object.entries(truth.snake)) {
      if (expectedWeights(configName, {}) === null) continue; // only classes the catalogue knows
      expect(pythonClassName(guessClassName(`${snake}_3`)), snake).toBe(pythonClassName(configName));
    }
  });
});
