// Round trip: every readable shared and generated file is written back in each layout its spec allows,
// then Debian h5py (no code of ours) checks the outputs: identical tensors, the attributes and groups
// Keras's loaders rely on, and the `.keras` zip members. Reading our output back must give the same spec.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readModel } from '../../src/formats/readModel';
import { kerasTwoClassName } from '../../src/formats/keras/kerasOneClasses';
import { isGraftError } from '../../src/model/errors';
import type { LayerSpec, ModelSpec, OutputLayout, WeightSpec } from '../../src/model/modelSpec';
import type { TensorExpr } from '../../src/model/tensorExpr';
import {
  h5Dataset,
  h5Datasets,
  h5Group,
  h5Object,
  h5pyAvailable,
  type H5Attribute,
  type H5Dataset,
  type H5Dump,
} from '../support/h5py';
import { inspectManyWithH5py } from './h5pyBatch';
import { convertWithNumpy } from './kerasTwoConversion';
import { roundTripInputs } from './roundTripInputs';
import {
  ALL_LAYOUTS,
  fileSource,
  outputStem,
  writableLayouts,
  writeRoundTrip,
  type RoundTrip,
} from './roundTripOutputs';

const { inputs, missing } = roundTripInputs();
const ready = h5pyAvailable() && inputs.length > 0;
const skipped = [...missing, ...(h5pyAvailable() ? [] : ['everything: /usr/bin/python3 has no h5py'])];
if (skipped.length) console.warn(`round trip: skipped ${skipped.join('; ')}`);

let host: FileSystemH5Host;
let out: string;
const trips = new Map<string, RoundTrip>();
/** The spec read back from each output file. */
const readBack = new Map<string, ModelSpec>();
let dumps: Map<string, H5Dump>;

/** Architecture to read a weights-only output with: the input's JSON, else its model config. */
function architectureFor(trip: RoundTrip): string | undefined {
  if (trip.input.arch) return trip.input.arch;
  if (!trip.spec.modelConfig) return undefined;
  const file = path.join(out, `${outputStem(trip.input)}.arch.json`);
  writeFileSync(file, JSON.stringify(trip.spec.modelConfig));
  return file;
}

async function readOutput(trip: RoundTrip, layout: OutputLayout, file: string): Promise<ModelSpec> {
  const weightsOnly = layout === 'keras-legacy-weights' || layout === 'keras3-weights';
  const arch = weightsOnly ? architectureFor(trip) : undefined;
  const model = await readModel(host, {
    weights: fileSource(file),
    arch: arch ? fileSource(arch) : undefined,
  });
  model.close();
  return model.spec;
}

beforeAll(async () => {
  if (!ready) return;
  host = await createNodeH5Host();
  out = mkdtempSync(path.join(tmpdir(), 'graft-round-trip-'));
  for (const input of inputs) trips.set(input.label, await writeRoundTrip(host, input, out));
  const written = [...trips.values()].flatMap((t) => Object.values(t.outputs));
  // h5py reads every input and output in its own process while we read the outputs back here.
  const dumping = inspectManyWithH5py([...inputs.map((i) => i.weights), ...written]);
  try {
    for (const trip of trips.values()) {
      for (const [layout, file] of Object.entries(trip.outputs) as [OutputLayout, string][])
        readBack.set(file, await readOutput(trip, layout, file));
    }
  } finally {
    dumps = await dumping;
  }
}, 600_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const absolute = (p: string) => (p.startsWith('/') ? p : `/${p}`);

function readPathOf(weight: WeightSpec, where: string): string {
  if (weight.values?.op !== 'read')
    throw new Error(`${where}: expected a plain read, got ${weight.values?.op}`);
  return absolute(weight.values.path);
}

/** Datasets an expression reads; null if it does more than rearrange them (sums would change). */
function rearrangedReads(expr: TensorExpr): string[] | null {
  switch (expr.op) {
    case 'read':
      return [absolute(expr.path)];
    case 'concat': {
      const parts = expr.inputs.map(rearrangedReads);
      return parts.every((p) => p !== null) ? (parts as string[][]).flat() : null;
    }
    case 'transpose':
    case 'flip':
    case 'reshape':
      return rearrangedReads(expr.input);
    default:
      return null;
  }
}

function expectFixedString(attr: H5Attribute | undefined, what: string): void {
  expect(attr, `${what} present`).toBeDefined();
  expect(attr!.type.class, `${what} is a string`).toBe('string');
  expect(attr!.type.vlen, `${what} is fixed-length`).toBe(false);
}

/**
 * A name list as Keras's load_attributes_from_hdf5_group reads it: the plain attribute, else the
 * chunks `name0`, `name1`, ... (long lists); each a fixed-length string array unless empty.
 */
function kerasNameList(attrs: Record<string, H5Attribute>, name: string, where: string): string[] {
  const parts = name in attrs ? [attrs[name]] : [];
  if (parts.length === 0) for (let k = 0; `${name}${k}` in attrs; k++) parts.push(attrs[`${name}${k}`]);
  expect(parts.length, `${where} ${name} present`).toBeGreaterThan(0);
  const values = parts.flatMap((p) => p.value as string[]);
  if (values.length) parts.forEach((p, k) => expectFixedString(p, `${where} ${name} (part ${k})`));
  return values;
}

const topLevelNames = (spec: ModelSpec) => spec.layers.filter((l) => l.path.length === 0).map((l) => l.name);
const topOf = (l: LayerSpec) => (l.path.length ? l.path[0] : l.name);
/**
 * Keras 2's `Model` is Keras 3's `Functional`, Keras 1's `Convolution2D` its `Conv2D`; the .keras config
 * is converted to say so.
 */
const kerasClass = (name: string | null) =>
  name === 'Model' ? 'Functional' : name === null ? null : kerasTwoClassName(name);
const lastPart = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/**
 * How much of the spec a weights-only output of an input WITHOUT architecture can give back: a
 * .weights.h5 holds groups only for weighted layers (so only those read back, with the same guessed
 * classes); a legacy .h5 holds no classes and folds a nested model's layers into its one group.
 * Everything else must read back exactly.
 */
type ReadBack = 'exact' | 'weighted-layers' | 'top-level-groups';

function expectedReadBack(trip: RoundTrip, layout: OutputLayout): ReadBack {
  if (trip.spec.modelConfig !== null) return 'exact';
  if (layout === 'keras3-weights') return 'weighted-layers';
  return layout === 'keras-legacy-weights' ? 'top-level-groups' : 'exact';
}

/** Each input weight beside the same weight (same layer id, same position) of the spec read back. */
function weightPairs(input: ModelSpec, back: ModelSpec) {
  const byId = new Map(back.layers.map((l) => [l.id, l]));
  return input.layers.flatMap((layer) =>
    layer.weights.map((weight, wi) => ({ layer, weight, back: byId.get(layer.id)!.weights[wi] })),
  );
}

function expectSameSpec(trip: RoundTrip, layout: OutputLayout, back: ModelSpec, where: string): void {
  const signature = (layers: LayerSpec[]) =>
    layers.map((l) => ({
      id: l.id,
      className: kerasClass(l.className),
      weights: l.weights.map((w) => `${w.name} ${JSON.stringify(w.shape)}`),
    }));
  const weighted = (spec: ModelSpec) => spec.layers.filter((l) => l.weights.length > 0);
  const expectation = expectedReadBack(trip, layout);
  if (expectation === 'exact') {
    expect(signature(back.layers), `${where}: spec read back`).toEqual(signature(trip.spec.layers));
    return;
  }
  if (expectation === 'weighted-layers') {
    expect(signature(weighted(back)), `${where}: weighted layers read back`).toEqual(
      signature(weighted(trip.spec)),
    );
    return;
  }
  expect(
    back.layers.filter((l) => l.className !== null).map((l) => l.id),
    `${where}: classes`,
  ).toEqual([]);
  const groups = (spec: ModelSpec) => {
    const byTop = new Map<string, string[]>();
    for (const l of spec.layers)
      for (const w of l.weights)
        byTop.set(topOf(l), [
          ...(byTop.get(topOf(l)) ?? []),
          `${lastPart(w.name)} ${JSON.stringify(w.shape)}`,
        ]);
    return Object.fromEntries([...byTop].map(([top, weights]) => [top, weights.sort()]));
  };
  expect(topLevelNames(back), `${where}: top-level layers read back`).toEqual(topLevelNames(trip.spec));
  expect(groups(back), `${where}: weights per top-level layer read back`).toEqual(groups(trip.spec));
}

function checkLegacy(trip: RoundTrip, layout: OutputLayout, dump: H5Dump, where: string) {
  const root = layout === 'keras-legacy-model' ? '/model_weights' : '/';
  const rootAttrs = h5Group(dump, root).attrs;
  for (const name of ['backend', 'keras_version']) expectFixedString(rootAttrs[name], `${where} ${name}`);
  expect(rootAttrs.keras_version.value, `${where} keras_version`).not.toBe('1');
  expect(rootAttrs.backend.value, `${where} backend`).toBe('tensorflow');
  if (layout === 'keras-legacy-model') {
    const attrs = h5Group(dump, '/').attrs;
    expectFixedString(attrs.model_config, `${where} model_config`);
    expect(JSON.parse(attrs.model_config.value as string), `${where} model_config`).toHaveProperty(
      'class_name',
    );
    expect(attrs.keras_version.value, `${where} root keras_version`).not.toBe('1');
    expect(h5Object(dump, '/optimizer_weights'), `${where} optimizer_weights`).toBeUndefined();
  }
  const layerNames = kerasNameList(rootAttrs, 'layer_names', where);
  expect(layerNames, `${where} layer_names`).toEqual(topLevelNames(trip.spec));
  // Topological loading takes each group's weights by position: per top-level layer, the shapes (and,
  // for plain reads, the bytes) of its weights and of its nested layers' weights.
  const inputDump = dumps.get(trip.input.weights)!;
  for (const name of layerNames) {
    const group = `${root === '/' ? '' : root}/${name}`;
    const names = kerasNameList(h5Group(dump, group).attrs, 'weight_names', `${where} ${group}`);
    const datasets = names.map((n) => h5Dataset(dump, `${group}/${n}`));
    const expected = trip.spec.layers.filter((l) => topOf(l) === name).flatMap((l) => l.weights);
    const shapes = (list: { shape: number[] | null }[]) => list.map((d) => JSON.stringify(d.shape)).sort();
    expect(shapes(datasets), `${where} ${group}: shapes`).toEqual(shapes(expected));
    if (trip.plainReads) {
      const shas = expected.map((w) => h5Dataset(inputDump, readPathOf(w, where)).sha256).sort();
      expect(datasets.map((d) => d.sha256).sort(), `${where} ${group}: values`).toEqual(shas);
    }
  }
}

function checkNativeWeights(trip: RoundTrip, dump: H5Dump, back: ModelSpec, where: string) {
  expect(h5Group(dump, '/vars'), `${where} root /vars`).toBeDefined();
  const datasets = h5Datasets(dump);
  expect(
    datasets.filter((d) => !d.path.startsWith('/layers/')).map((d) => d.path),
    `${where} stray datasets`,
  ).toEqual([]);
  const inVars = new Map<string, string[]>();
  for (const d of datasets) {
    const dir = d.path.slice(0, d.path.lastIndexOf('/'));
    expect(dir.endsWith('/vars'), `${where} ${d.path} sits in a vars group`).toBe(true);
    inVars.set(dir, [...(inVars.get(dir) ?? []), d.path.slice(dir.length + 1)]);
  }
  for (const [dir, names] of inVars)
    expect(
      names.sort((a, b) => Number(a) - Number(b)),
      `${where} ${dir}`,
    ).toEqual(names.map((_, i) => String(i)));
  // Each layer's weights fill its vars groups exactly: no dataset of another layer, none left over.
  const owner = new Map<string, string>();
  const backById = new Map(back.layers.map((l) => [l.id, l]));
  trip.spec.layers.forEach((layer) => {
    const dirs = new Map<string, number>();
    for (const w of layer.weights.length ? backById.get(layer.id)!.weights : []) {
      const p = readPathOf(w, where);
      const dir = p.slice(0, p.lastIndexOf('/'));
      dirs.set(dir, (dirs.get(dir) ?? 0) + 1);
    }
    for (const [dir, count] of dirs) {
      expect(owner.get(dir), `${where} ${dir} shared by two layers`).toBeUndefined();
      owner.set(dir, layer.id);
      expect(inVars.get(dir)?.length, `${where} ${layer.id}: datasets in ${dir}`).toBe(count);
    }
    expect(
      [...dirs.values()].reduce((a, b) => a + b, 0),
      `${where} ${layer.id} weights`,
    ).toBe(layer.weights.length);
  });
  expect(
    [...inVars.keys()].filter((dir) => !owner.has(dir)),
    `${where} vars groups of no layer`,
  ).toEqual([]);
}

function checkArchive(dump: H5Dump, where: string) {
  expect(dump.format, `${where} is a zip`).toBe('zip');
  const members = dump.zip!.members;
  expect(members.map((m) => m.name).sort(), `${where} members`).toEqual(
    ['config.json', 'metadata.json', 'model.weights.h5'].sort(),
  );
  for (const m of members) expect(m.compress_type, `${where} ${m.name}`).toBe('stored');
  expect(dump.zip!.config, `${where} config.json`).toHaveProperty('class_name');
  expect(dump.zip!.metadata, `${where} metadata.json`).toHaveProperty('keras_version');
}

/** Every output tensor equals its input: bit for bit for plain reads, by sum and |sum| when converted. */
function checkTensors(trip: RoundTrip, dump: H5Dump, back: ModelSpec, where: string) {
  const inputDump = dumps.get(trip.input.weights)!;
  const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, scale);
  for (const pair of weightPairs(trip.spec, back)) {
    const label = `${where} ${pair.layer.id}/${pair.weight.name}`;
    const written: H5Dataset = h5Dataset(dump, readPathOf(pair.back, label));
    expect(written.shape, label).toEqual(pair.weight.shape);
    if (trip.plainReads) {
      const original = h5Dataset(inputDump, readPathOf(pair.weight, label));
      expect(written.sha256, `${label} sha256`).toBe(original.sha256);
      continue;
    }
    const reads = rearrangedReads(pair.weight.values!);
    expect(reads, `${label}: the conversion only rearranges stored values`).not.toBeNull();
    const originals = reads!.map((p) => h5Dataset(inputDump, p));
    const sum = originals.reduce((s, d) => s + (d.sum as number), 0);
    const absSum = originals.reduce((s, d) => s + (d.abs_sum as number), 0);
    expect(close(written.sum as number, sum, absSum), `${label} sum ${written.sum} vs ${sum}`).toBe(true);
    expect(
      close(written.abs_sum as number, absSum, absSum),
      `${label} |sum| ${written.abs_sum} vs ${absSum}`,
    ).toBe(true);
  }
}

describe.skipIf(!ready)(`round trip through every layout, checked by h5py (${inputs.length} inputs)`, () => {
  it.each(inputs.map((i) => i.label))('%s', (label) => {
    const trip = trips.get(label)!;
    const writable = writableLayouts(trip.spec);
    for (const layout of ALL_LAYOUTS) {
      const where = `${label} -> ${layout}`;
      if (!writable.includes(layout)) {
        // Only Keras 3 layouts and the full model need an architecture; the writer must say so.
        const error = trip.refused[layout];
        expect(isGraftError(error) && error.code, `${where}: refused as a usage error`).toBe('usage');
        expect((error as Error).message, where).toMatch(/needs the architecture/);
        continue;
      }
      expect(trip.refused[layout], `${where}: written`).toBeUndefined();
      const file = trip.outputs[layout]!;
      const dump = dumps.get(file)!;
      const back = readBack.get(file)!;
      expect(back.format, `${where}: read back as`).toBe(layout);
      expectSameSpec(trip, layout, back, where);
      expect(dump.links, `${where}: soft/external links`).toEqual([]);
      if (layout === 'keras-legacy-weights' || layout === 'keras-legacy-model')
        checkLegacy(trip, layout, dump, where);
      else checkNativeWeights(trip, dump, back, where);
      if (layout === 'keras3-archive') checkArchive(dump, where);
      if (expectedReadBack(trip, layout) !== 'top-level-groups') checkTensors(trip, dump, back, where);
    }
    expect(writable, `${label}: legacy weights can always be written`).toContain('keras-legacy-weights');
  });

  // Keras 1 LSTM gates, Keras 1 'th' kernels and a Theano-backend Keras 2 file: every layout holds what
  // Keras 2 itself would load, computed by numpy from Keras 2.2.4's rules (keras2-conversion-oracle.py).
  const converted = inputs.filter((i) =>
    [
      'dl4j-testres__lstm_theano_1.h5',
      'dl4j-testres__conv2d_reshape_theano_2.h5',
      'keras2cpp__my_nn_weights.h5',
    ].some((name) => i.label.endsWith(name)),
  );
  it.skipIf(converted.length === 0).each(converted.map((i) => i.label))(
    '%s: converted tensors equal a numpy conversion',
    (label) => {
      const trip = trips.get(label)!;
      expect(trip.plainReads, `${label} is converted on reading`).toBe(false);
      const oracle = convertWithNumpy(trip.input.weights, trip.input.arch);
      expect(Object.keys(oracle.layers).length).toBeGreaterThan(0);
      for (const [layout, file] of Object.entries(trip.outputs) as [OutputLayout, string][]) {
        const back = new Map(readBack.get(file)!.layers.map((l) => [l.id, l]));
        for (const layer of trip.spec.layers) {
          const expected = oracle.layers[layer.name] ?? [];
          const written = back.get(layer.id)?.weights ?? [];
          expect(written.length, `${layout} ${layer.id} weights`).toBe(expected.length);
          written.forEach((w, wi) => {
            const dataset = h5Dataset(dumps.get(file)!, readPathOf(w, label));
            expect(dataset.shape, `${layout} ${layer.id}#${wi}`).toEqual(expected[wi].shape);
            expect(dataset.sha256, `${layout} ${layer.id}#${wi}`).toBe(expected[wi].sha256);
          });
        }
      }
    },
  );
});
