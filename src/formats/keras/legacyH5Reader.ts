// Reads legacy Keras HDF5 files: `save_weights('x.h5')` (Keras 1, Keras 2, tf.keras) and
// `model.save('x.h5')` (Keras 1 to 3), into a ModelSpec in the Keras 2/3 layout. Only headers are read
// at open; values come on demand through `readDataset`, and every layout conversion is a TensorExpr.
// Layout of these files: ../shared/docs/keras-formats.md §1, §2.5, §5.

import type { InboundRef, LayerSpec, ModelSpec } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import type { H5Host } from '../h5/h5Host';
import { H5Reader } from '../h5/h5Reader';
import { openModelOver, type OpenModel } from '../openModel';
import type { ByteSource } from '../source';
import { checkKernelWidths, checkLayerPairing } from './legacyArchitectureCheck';
import { buildLayerWeights, type LayerWeightContext, type LayoutChanges } from './legacyLayerWeights';
import { readLegacyWeightGroups, type LegacyWeightGroups, type StoredWeight } from './legacyWeightGroups';
import { expectedWeights } from './weightCatalog';
import { parseModelJsonText, type Architecture } from './modelConfig';
import { effectiveTrainable, splitNestedWeights } from './nestedWeights';

export interface LegacyReadOptions {
  /** Architecture for a weights-only file (from its model JSON); overrides a full model's own config. */
  arch?: Architecture;
  /** Name of the file in messages; defaults to the source's name. */
  label?: string;
  /** Called as layer groups are read (done, total). */
  onProgress?: (done: number, total: number) => void;
}

type LegacyKind =
  | { format: 'keras-legacy-weights'; groupPath: '/' }
  | { format: 'keras-legacy-model'; groupPath: '/model_weights' };

function detectKind(reader: H5Reader): LegacyKind {
  const rootAttrs = reader.attrNames('/');
  if (rootAttrs.includes('layer_names') || rootAttrs.includes('layer_names0'))
    return { format: 'keras-legacy-weights', groupPath: '/' };
  if (reader.isGroup('/model_weights')) return { format: 'keras-legacy-model', groupPath: '/model_weights' };
  if (reader.isGroup('/layers') || reader.isGroup('/_layer_checkpoint_dependencies')) {
    throw new GraftError(
      'not-keras',
      `${reader.label}: this is a Keras 3 weights file (layers/<name>/vars), not a legacy .h5; open it as a .weights.h5 together with its model JSON.`,
    );
  }
  throw new GraftError(
    'not-keras',
    `${reader.label}: an HDF5 file without Keras weights (no layer_names on the root and no model_weights group); choose a file written by Keras save_weights or model.save.`,
  );
}

/** Keras 2's rule: a weights group without keras_version (or with a 1.x one) was written by Keras 1. */
function isKerasOne(groups: LegacyWeightGroups): boolean {
  return groups.kerasVersion === null || /^1(\.|$)/.test(groups.kerasVersion);
}

const chainInbound = (names: string[], i: number): InboundRef[][] =>
  i === 0 ? [] : [[{ layer: names[i - 1], node: 0, tensor: 0 }]];

function layersWithoutArchitecture(
  groups: LegacyWeightGroups,
  base: Omit<LayerWeightContext, 'layerName' | 'className' | 'config' | 'scopes' | 'trainable'>,
  changes: LayoutChanges,
): LayerSpec[] {
  const names = groups.layers.map((l) => l.name);
  return groups.layers.map((stored, i) => ({
    id: stored.name,
    name: stored.name,
    className: null,
    config: null,
    inbound: chainInbound(names, i),
    path: [],
    weights: buildLayerWeights(
      {
        ...base,
        layerName: stored.name,
        className: null,
        config: null,
        scopes: new Set([stored.name]),
        trainable: true,
      },
      stored.weights,
      changes,
    ),
  }));
}

function layersFromArchitecture(
  label: string,
  arch: Architecture,
  groups: LegacyWeightGroups,
  fromJson: boolean,
  base: Omit<LayerWeightContext, 'layerName' | 'className' | 'config' | 'scopes' | 'trainable'>,
  changes: LayoutChanges,
  notes: string[],
): LayerSpec[] {
  checkLayerPairing(label, arch.layers, groups.layers, fromJson);
  const byId = new Map(arch.layers.map((l) => [l.id, l]));
  const topScopes = new Set(arch.name ? [arch.name] : []);
  const assigned = new Map<string, StoredWeight[]>();
  const positional = new Map<string, string[]>();
  const archTop = new Set<string>();
  for (const layer of arch.layers.filter((l) => l.path.length === 0)) {
    archTop.add(layer.name);
    const stored = groups.layers.find((s) => s.name === layer.name);
    if (!stored || stored.weights.length === 0) continue;
    if (layer.children === undefined) {
      assigned.set(layer.id, stored.weights);
      continue;
    }
    const split = splitNestedWeights(layer, stored.weights, arch.layers, byId, topScopes, label);
    for (const [id, weights] of split.byLayer) assigned.set(id, weights);
    for (const [id, names] of split.names ?? []) positional.set(id, names);
    if (split.method === 'order') {
      notes.push(
        `nested model "${layer.name}": its weights were assigned to its inner layers by Keras's order rule (the stored names do not name them).`,
      );
    }
  }
  const ignored = groups.layers.filter((s) => !archTop.has(s.name)).map((s) => s.name);
  if (ignored.length)
    notes.push(
      `layer_names entries without weights that the architecture does not have (ignored): ${ignored.join(', ')}.`,
    );

  const layers = arch.layers.map((layer): LayerSpec => {
    const stored = assigned.get(layer.id) ?? [];
    const ctx: LayerWeightContext = {
      ...base,
      layerName: layer.name,
      className: layer.className,
      config: layer.config,
      scopes: new Set([layer.name, ...layer.path, ...topScopes]),
      trainable: effectiveTrainable(layer, byId),
      positionalNames: positional.get(layer.id),
    };
    return { ...layer, weights: stored.length ? buildLayerWeights(ctx, stored, changes) : [] };
  });
  checkKernelWidths(label, layers, fromJson);
  for (const layer of layers) {
    if (layer.children !== undefined || layer.className === null) continue;
    const expected = expectedWeights(layer.className, layer.config);
    if (expected && expected.length !== layer.weights.length) {
      notes.push(
        `layer "${layer.id}" (${layer.className}) has ${layer.weights.length} weights; its config implies ${expected.length} (${expected.map((w) => w.name).join(', ')}).`,
      );
    }
  }
  return layers;
}

function conversionNotes(
  spec: { kerasOne: boolean; theano: boolean; backend: string | null },
  changes: LayoutChanges,
  layers: LayerSpec[],
  groups: LegacyWeightGroups,
): string[] {
  const notes: string[] = [];
  if (spec.kerasOne && changes.kerasOne.length) {
    notes.push(
      `Keras 1 file (its weights group has no Keras 2 keras_version); converted to the Keras 2/3 layout: ${changes.kerasOne.join('; ')}.`,
    );
  }
  const storedNames = groups.layers.flatMap((l) => l.weights.map((w) => w.storedName));
  if (spec.kerasOne && storedNames.some((n) => /_running_std(:\d+)?$/.test(n))) {
    notes.push(
      'Keras 1 BatchNormalization running_std was read as moving_variance: Keras 1.1 and later stored the variance there (as Keras 2 assumes); files from Keras 1.0.x held a standard deviation.',
    );
  }
  if (changes.theanoFlips.length) {
    notes.push(
      `backend theano: convolution kernels flipped on their spatial axes (Theano convolves, TensorFlow correlates): ${changes.theanoFlips.join(', ')}.`,
    );
  }
  if (changes.theanoUnflipped.length) {
    notes.push(
      `backend theano, no architecture: 3-D kernels left unflipped because a Conv1D cannot be told from a LocallyConnected layer: ${changes.theanoUnflipped.join(', ')}; give the model JSON.`,
    );
  }
  const hasConvKernels = layers.some((l) =>
    l.weights.some((w) => w.name === 'kernel' && w.shape.length >= 3),
  );
  if (spec.kerasOne && spec.backend === null && hasConvKernels) {
    notes.push(
      'Keras 1 files do not record their backend; convolution kernels were not flipped. If the model was trained with Theano, its kernels need flipping for TensorFlow.',
    );
  }
  return notes;
}

function describeLegacyFile(reader: H5Reader, options: LegacyReadOptions): ModelSpec {
  const label = reader.label;
  const kind = detectKind(reader);
  const groups = readLegacyWeightGroups(reader, kind.groupPath, options.onProgress);
  const notes: string[] = [];

  let arch: Architecture | null = options.arch ?? null;
  const fromJson = arch !== null;
  const modelConfig = kind.format === 'keras-legacy-model' ? reader.stringAttr('/', 'model_config') : null;
  if (kind.format === 'keras-legacy-model') {
    if (modelConfig === null && !arch)
      notes.push(
        'the file has model_weights but no model_config; layer classes and connections are unknown.',
      );
    if (modelConfig !== null && arch)
      notes.push("the architecture comes from the given JSON, not from the file's own model_config.");
    if (modelConfig !== null && !arch) arch = parseModelJsonText(modelConfig, `${label} (model_config)`);
    if (reader.isGroup('/optimizer_weights'))
      notes.push('optimizer state (optimizer_weights) was not read; a transfer starts the optimizer afresh.');
  }
  if (groups.topLevelWeights.length) {
    notes.push(
      `top_level_model_weights holds ${groups.topLevelWeights.length} weights owned by the model itself (${groups.topLevelWeights.map((w) => w.storedName).join(', ')}); they belong to no layer and were not read.`,
    );
  }

  const kerasVersion =
    groups.kerasVersion ?? reader.stringAttr('/', 'keras_version') ?? arch?.kerasVersion ?? null;
  const backend = groups.backend ?? reader.stringAttr('/', 'backend') ?? arch?.backend ?? null;
  const kerasOne = isKerasOne(groups);
  const theano = backend === 'theano';
  const changes: LayoutChanges = { kerasOne: [], theanoFlips: [], theanoUnflipped: [] };
  const base = { kerasOne, theano };

  let layers: LayerSpec[];
  if (arch) {
    layers = layersFromArchitecture(label, arch, groups, fromJson, base, changes, notes);
  } else {
    layers = layersWithoutArchitecture(groups, base, changes);
    notes.push(
      "no architecture: the layers are the file's layer_names in order; their classes and connections are unknown (give the model JSON).",
    );
  }
  notes.push(...conversionNotes({ kerasOne, theano, backend }, changes, layers, groups));

  return {
    format: kind.format,
    kerasVersion,
    backend,
    modelClass: arch?.modelClass ?? null,
    name: arch?.name ?? null,
    layers,
    inputs: arch?.inputs ?? [],
    outputs: arch?.outputs ?? [],
    modelConfig: arch?.raw ?? null,
    archiveMetadata: null,
    notes,
  };
}

/** Opens a legacy Keras `.h5` (weights-only or full model). The caller must `close()` the result. */
export async function readLegacyH5(
  host: H5Host,
  weights: ByteSource,
  options: LegacyReadOptions = {},
): Promise<OpenModel> {
  const label = options.label ?? weights.name;
  const mounted = await host.mount(weights);
  let reader: H5Reader | null = null;
  try {
    reader = new H5Reader(host.lib, mounted.path, label);
    const spec = describeLegacyFile(reader, options);
    return openModelOver(spec, reader, mounted, label);
  } catch (error) {
    reader?.close();
    mounted.release();
    throw error;
  }
}
