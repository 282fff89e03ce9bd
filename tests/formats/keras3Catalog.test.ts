import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerSpec, WeightSpec } from '../../src/model/modelSpec';
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
import { layerSignature, readPath, tensorDigest } from './keras3TestSupport';

const names = (className: string, config: Record<string, unknown> = {}) =>
  expectedWeights(className, config)?.map((w) => w.name);

describe('snakeCase', () => {
  it("matches Keras's to_snake_case on the examples of keras-formats.md §4.1", () => {
    const examples: Record<string, string> = {
      Conv2D: 'conv2d',
      Conv2DTranspose: 'conv2d_transpose',
      BatchNormalization: 'batch_normalization',
      LSTM: 'lstm',
      GRU: 'gru',
      PReLU: 'p_re_lu',
      ReLU: 're_lu',
      DepthwiseConv2D: 'depthwise_conv2d',
      SeparableConv2D: 'separable_conv2d',
      ConvLSTM2D: 'conv_lstm2d',
      MultiHeadAttention: 'multi_head_attention',
      EinsumDense: 'einsum_dense',
      InputLayer: 'input_layer',
      Sequential: 'sequential',
      Functional: 'functional',
    };
    for (const [className, snake] of Object.entries(examples))
      expect(snakeCase(className), className).toBe(snake);
  });

  it('keys a class by its Python name: aliases, Keras 2 Model, registered `package>Class` names', () => {
    expect(snakeCase(pythonClassName('GroupQueryAttention'))).toBe('grouped_query_attention');
    expect(snakeCase(pythonClassName('Model'))).toBe('functional');
    expect(snakeCase(pythonClassName('graft_test>MyScale'))).toBe('my_scale');
  });

  it('drops non-word characters first, as the Python regex does', () => {
    expect(snakeCase('My-Layer.V2')).toBe('my_layer_v2');
  });
});

describe('expectedWeights', () => {
  it('follows BatchNormalization center/scale', () => {
    expect(names('BatchNormalization')).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(names('BatchNormalization', { center: false })).toEqual([
      'gamma',
      'moving_mean',
      'moving_variance',
    ]);
    expect(names('BatchNormalization', { scale: false })).toEqual(['beta', 'moving_mean', 'moving_variance']);
    expect(names('BatchNormalization', { center: false, scale: false })).toEqual([
      'moving_mean',
      'moving_variance',
    ]);
    expect(expectedWeights('BatchNormalization', {})!.map((w) => w.trainable)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('drops the bias for use_bias=False (and Keras 1 bias=False)', () => {
    expect(names('Dense', { use_bias: false })).toEqual(['kernel']);
    expect(names('Conv2D', { use_bias: false })).toEqual(['kernel']);
    expect(names('SeparableConv2D', { use_bias: false })).toEqual(['depthwise_kernel', 'pointwise_kernel']);
    expect(names('Convolution2D', { bias: false })).toEqual(['kernel']);
    expect(names('LSTM', { use_bias: false })).toEqual(['kernel', 'recurrent_kernel']);
    expect(names('MultiHeadAttention', { use_bias: false })).toEqual([
      'query/kernel',
      'key/kernel',
      'value/kernel',
      'attention_output/kernel',
    ]);
    expect(names('Dense')).toEqual(['kernel', 'bias']);
  });

  it('puts RNN variables in the cell sub-object', () => {
    expect(expectedWeights('LSTM', {})).toEqual([
      { name: 'kernel', trainable: true, subPath: 'cell' },
      { name: 'recurrent_kernel', trainable: true, subPath: 'cell' },
      { name: 'bias', trainable: true, subPath: 'cell' },
    ]);
  });

  it('gives Bidirectional the forward layer then the backward layer, each with its own cell', () => {
    const lstm = { class_name: 'LSTM', config: { units: 2 } };
    const weights = expectedWeights('Bidirectional', { layer: lstm })!;
    expect(weights.map((w) => `${w.subPath}:${w.name}`)).toEqual([
      'forward_layer/cell:forward_layer/kernel',
      'forward_layer/cell:forward_layer/recurrent_kernel',
      'forward_layer/cell:forward_layer/bias',
      'backward_layer/cell:backward_layer/kernel',
      'backward_layer/cell:backward_layer/recurrent_kernel',
      'backward_layer/cell:backward_layer/bias',
    ]);
    const explicitBackward = {
      layer: lstm,
      backward_layer: { class_name: 'LSTM', config: { use_bias: false } },
    };
    expect(names('Bidirectional', explicitBackward)).toHaveLength(5);
  });

  it('unwraps TimeDistributed into its `layer` attribute', () => {
    expect(
      expectedWeights('TimeDistributed', { layer: { class_name: 'Dense', config: { use_bias: false } } }),
    ).toEqual([{ name: 'kernel', trainable: true, subPath: 'layer' }]);
  });

  it('answers [] for weightless classes and null for unknown or quantized ones', () => {
    expect(expectedWeights('Dropout', {})).toEqual([]);
    expect(expectedWeights('Functional', {})).toEqual([]);
    expect(expectedWeights('MyCustomLayer', {})).toBeNull();
    expect(expectedWeights('Bidirectional', { layer: { class_name: 'MyCell', config: {} } })).toBeNull();
    expect(expectedWeights('Dense', { quantization_config: { mode: 'int8' } })).toBeNull();
  });
});

/** A hand-made architecture: only what nativeLayout reads (ids, classes, nesting). */
function layer(id: string, className: string, extra: Partial<LayerSpec> = {}): LayerSpec {
  const parts = id.split('/');
  return {
    id,
    name: parts[parts.length - 1],
    className,
    config: {},
    inbound: [],
    path: parts.slice(0, -1),
    weights: [],
    ...extra,
  };
}

describe('nativeWeightPaths', () => {
  const arch = {
    modelClass: 'Functional',
    layers: [
      layer('in', 'InputLayer'),
      layer('a', 'Conv2D'),
      layer('b', 'Conv2D'),
      layer('r', 'LSTM'),
      layer('s', 'Sequential', { children: ['s/d1', 's/d2'] }),
      layer('s/d1', 'Dense'),
      layer('s/d2', 'Dense'),
      layer('f', 'Functional', { children: ['f/i', 'f/d'] }),
      layer('f/i', 'InputLayer'),
      layer('f/d', 'Dense'),
      layer('head', 'Dense'),
    ],
  };

  it('counts per class and per container in model order (keras-formats.md §4.1)', () => {
    const paths = nativeWeightPaths(arch);
    expect(paths.get('a')).toEqual(['layers/conv2d/vars/0', 'layers/conv2d/vars/1']);
    expect(paths.get('b')).toEqual(['layers/conv2d_1/vars/0', 'layers/conv2d_1/vars/1']);
    expect(paths.get('r')).toEqual([
      'layers/lstm/cell/vars/0',
      'layers/lstm/cell/vars/1',
      'layers/lstm/cell/vars/2',
    ]);
    expect(paths.get('s/d1')).toEqual([
      'layers/sequential/layers/dense/vars/0',
      'layers/sequential/layers/dense/vars/1',
    ]);
    expect(paths.get('s/d2')).toEqual([
      'layers/sequential/layers/dense_1/vars/0',
      'layers/sequential/layers/dense_1/vars/1',
    ]);
    expect(paths.get('f/d')).toEqual([
      'layers/functional/layers/dense/vars/0',
      'layers/functional/layers/dense/vars/1',
    ]);
    expect(paths.get('head')).toEqual(['layers/dense/vars/0', 'layers/dense/vars/1']);
    expect(paths.get('in')).toEqual([]);
  });

  it('lists the empty vars groups: the root, nested models, objects whose variables live deeper', () => {
    const { emptyVarGroups } = nativeLayout(arch);
    expect(emptyVarGroups).toEqual(
      expect.arrayContaining([
        'vars',
        'layers/lstm/vars',
        'layers/sequential/vars',
        'layers/functional/vars',
      ]),
    );
    expect(emptyVarGroups).not.toContain('layers/lstm/cell/vars');
  });

  it("maps a spec's own weights by name, by position, or back from generic var_<i> names", () => {
    const w = (name: string): WeightSpec => ({
      name,
      shape: [1],
      dtype: 'float32',
      trainable: true,
      values: null,
      storedName: null,
    });
    const spec = {
      modelClass: 'Functional',
      layers: [
        layer('bn', 'BatchNormalization', {
          weights: [w('moving_mean'), w('gamma'), w('beta'), w('moving_variance')],
        }),
        layer('dw', 'DepthwiseConv2D', { weights: [w('depthwise_kernel'), w('bias')] }),
        layer('custom', 'MyLayer', { weights: [w('var_1'), w('cell/var_0'), w('other')] }),
      ],
    };
    const paths = nativeWeightPaths(spec);
    expect(paths.get('bn')).toEqual([
      'layers/batch_normalization/vars/2',
      'layers/batch_normalization/vars/0',
      'layers/batch_normalization/vars/1',
      'layers/batch_normalization/vars/3',
    ]);
    expect(paths.get('dw')).toEqual(['layers/depthwise_conv2d/vars/0', 'layers/depthwise_conv2d/vars/1']);
    expect(paths.get('custom')).toEqual([
      'layers/my_layer/vars/1',
      'layers/my_layer/cell/vars/0',
      'layers/my_layer/vars/2',
    ]);
  });
});

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
