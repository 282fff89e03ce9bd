// Reads a Keras 3 `.weights.h5` (also the model.weights.h5 inside a `.keras` archive). With an
// architecture, each layer finds its datasets where Keras 3 itself would load them from (class-counter
// paths, nativePaths.ts) and the counts must agree; without one, layers are guessed from the groups.
// Metadata only: datasets are opened for their headers, values are read on demand.

import type { FormatKind, LayerSpec, ModelSpec, WeightSpec } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import type { H5Host, H5Lib, MountedFile } from '../h5/h5Host';
import { H5Reader } from '../h5/h5Reader';
import { openModelOver, type OpenModel } from '../openModel';
import { describeUnknownContent, sniffContainer, type ByteSource } from '../source';
import { Keras3GroupTree, type Keras3Node } from './keras3GroupTree';
import { guessLayers } from './keras3GuessedLayers';
import { expectedStructure, genericWeights, subObjects, weightSpecAt } from './keras3WeightSpec';
import type { Architecture } from './modelConfig';
import { isNestedModel, nativeLayout, type NativeLayer } from './nativePaths';

export interface Keras3WeightsOptions {
  /** The model's architecture (config.json / model JSON); without it layers are guessed. */
  arch?: Architecture;
  /** The file name to show in messages. */
  label?: string;
  format?: FormatKind;
}

/** Bytes HDF5 may need to find its superblock (it can sit behind a user block of up to 8 KiB). */
const SNIFF_BYTES = 8200;

/** Refuses anything that is not HDF5 before h5wasm sees it, with a message about what it is instead. */
export async function requireHdf5(host: H5Host, source: ByteSource, label: string): Promise<void> {
  const head = await host.readRange(source, 0, SNIFF_BYTES);
  const kind = sniffContainer(head);
  if (kind === 'hdf5') return;
  if (kind === 'empty')
    throw new GraftError(
      'not-hdf5',
      `${label}: the file is empty (0 bytes); choose a Keras .weights.h5, .keras or .h5 file.`,
    );
  if (kind === 'zip') {
    throw new GraftError(
      'not-hdf5',
      `${label}: this is a zip archive (a .keras model?), not a .weights.h5 HDF5 file; open it as a .keras model.`,
    );
  }
  throw new GraftError(
    'not-hdf5',
    `${label}: not an HDF5 file (it looks like ${kind === 'json' ? 'JSON' : describeUnknownContent(head)}); choose a Keras .weights.h5 file.`,
  );
}

/** True when the root has the Keras 3 native layout (and not the legacy `layer_names` one). */
export function hasKeras3Layout(reader: H5Reader): boolean {
  const keys = reader.keys('/');
  if (keys.includes('model_weights') || reader.attrNames('/').some((a) => /^layer_names\d*$/.test(a)))
    return false;
  return keys.some((k) => k === 'vars' || /^(layers|_layer_checkpoint_dependencies)($|\\)/.test(k));
}

export async function readKeras3Weights(
  host: H5Host,
  weights: ByteSource,
  options: Keras3WeightsOptions = {},
): Promise<OpenModel> {
  const label = options.label ?? weights.name;
  await requireHdf5(host, weights, label);
  return openKeras3Weights(host.lib, await host.mount(weights), label, options);
}

/** Opens an already mounted weights file; the returned model owns (and releases) the mount. */
export function openKeras3Weights(
  lib: H5Lib,
  mounted: MountedFile,
  label: string,
  options: Keras3WeightsOptions = {},
): OpenModel {
  let reader: H5Reader | null = null;
  try {
    reader = new H5Reader(lib, mounted.path, label);
    const spec = describeKeras3Weights(reader, label, options);
    return openModelOver(spec, reader, mounted, label);
  } catch (error) {
    reader?.close();
    mounted.release();
    throw error;
  }
}

function describeKeras3Weights(reader: H5Reader, label: string, options: Keras3WeightsOptions): ModelSpec {
  if (!hasKeras3Layout(reader)) {
    const legacy =
      reader.keys('/').includes('model_weights') ||
      reader.attrNames('/').some((a) => /^layer_names\d*$/.test(a));
    throw new GraftError(
      'not-keras',
      legacy
        ? `${label}: this is a legacy Keras .h5 layout (layer_names / model_weights), not a Keras 3 .weights.h5; open it as a legacy .h5 file (rename it to end in .h5, as Keras itself requires).`
        : `${label}: HDF5, but not a Keras 3 weights file (no layers/ or vars/ groups at its root).`,
    );
  }
  const tree = new Keras3GroupTree(reader);
  const notes: string[] = [];
  if (tree.trainingState.length > 0)
    notes.push(`training state ignored (not model weights): ${tree.trainingState.join(', ')}`);
  if (tree.strays.length > 0)
    notes.push(`objects outside the Keras layout ignored: ${tree.strays.slice(0, 5).join(', ')}`);
  if ((tree.root.vars?.length ?? 0) > 0)
    notes.push(`model-level variables in /vars ignored (${tree.root.vars!.length})`);
  if (!tree.root.children.has('layers') && tree.root.children.has('_layer_checkpoint_dependencies')) {
    notes.push('tf.keras 2.13-2.15 layout: weights under _layer_checkpoint_dependencies/ instead of layers/');
  }
  if (reader.keys('/').some((k) => k.includes('\\')))
    notes.push('group names contain backslashes (tf.keras on Windows); read as path separators');

  const arch = options.arch;
  const layers = arch ? mapArchitecture(reader, tree, arch, label, notes) : guessLayers(reader, tree, notes);
  return {
    format: options.format ?? 'keras3-weights',
    kerasVersion: arch?.kerasVersion ?? null,
    backend: arch?.backend ?? null,
    modelClass: arch?.modelClass ?? null,
    name: arch?.name ?? tree.varsName(tree.root),
    layers,
    inputs: arch?.inputs ?? [],
    outputs: arch?.outputs ?? [],
    modelConfig: arch?.raw ?? null,
    archiveMetadata: null,
    notes,
  };
}

const joinPath = (...parts: string[]) => parts.filter((p) => p !== '').join('/');

const MISMATCH_ADVICE =
  'the architecture does not match this weights file: give the model JSON (or config.json) this file was saved with, or open the weights without an architecture';

function mapArchitecture(
  reader: H5Reader,
  tree: Keras3GroupTree,
  arch: Architecture,
  label: string,
  notes: string[],
): LayerSpec[] {
  const layout = nativeLayout(arch);
  const byId = new Map(arch.layers.map((l) => [l.id, l]));
  const frozen = (layer: LayerSpec) =>
    layer.config?.trainable === false ||
    layer.path.some((_, k) => byId.get(layer.path.slice(0, k + 1).join('/'))?.config?.trainable === false);
  const claimedLayers = new Set<Keras3Node>();
  const claimedData = new Set<string>();
  const unknown: string[] = [];

  const layers = arch.layers.map((layer): LayerSpec => {
    const native = layout.layers.get(layer.id)!;
    const node = tree.lookup(native.group);
    if (node) claimedLayers.add(node);
    const spec: LayerSpec = { ...layer, weights: [] };
    if (isNestedModel(layer)) return spec;
    const trainable = !frozen(layer);
    if (native.expected === null) {
      unknown.push(`${layer.id} (${layer.className})`);
      if (node) {
        spec.weights = genericWeights(reader, node, trainable);
        for (const w of spec.weights) claimedData.add((w.values as { path: string }).path);
      }
      return spec;
    }
    spec.weights = catalogueWeights(reader, tree, layer, native, node, trainable, label);
    for (const w of spec.weights) claimedData.add((w.values as { path: string }).path);
    return spec;
  });

  if (unknown.length > 0) {
    notes.push(
      `layer classes unknown to the weight catalogue; their weights are named var_<i> in file order: ${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? ', ...' : ''}`,
    );
  }
  checkNothingLeftOver(tree, claimedLayers, claimedData, label, notes);
  return layers;
}

/** The layer's weights where the catalogue says Keras keeps them, after checking every count. */
function catalogueWeights(
  reader: H5Reader,
  tree: Keras3GroupTree,
  layer: LayerSpec,
  native: NativeLayer,
  node: Keras3Node | null,
  trainable: boolean,
  label: string,
): WeightSpec[] {
  const expected = native.expected!;
  const counts = expectedStructure(expected);
  if (!counts.has('')) counts.set('', 0); // Keras also rejects variables a layer does not have
  const owners = new Map<string, Keras3Node | null>();
  for (const [subPath, count] of counts) {
    const owner = subPath === '' ? node : tree.lookup(joinPath(native.group, subPath));
    owners.set(subPath, owner);
    const have = owner?.vars?.length ?? 0;
    if (have === count) continue;
    const where = `${joinPath(native.group, subPath)}/vars`;
    const found = owner?.vars ? `${have}` : node ? 'no such group' : `no group ${native.group} at all`;
    throw new GraftError(
      'architecture',
      `${label}: layer "${layer.id}" (${layer.className}) should have ${count} weight${count === 1 ? '' : 's'} at ${where}, but the file has ${found}; ${MISMATCH_ADVICE}.`,
    );
  }
  return expected.map((w, k) => {
    const owner = owners.get(w.subPath)!;
    const index = native.weights[k].slice(native.weights[k].lastIndexOf('/') + 1);
    if (!owner.vars!.includes(index)) {
      throw new GraftError(
        'corrupt',
        `${label}: ${owner.varsH5Path} has no dataset "${index}" (it has ${owner.vars!.join(', ')}); the file is damaged.`,
      );
    }
    return weightSpecAt(reader, owner, index, w.name, w.trainable && trainable, node!.path);
  });
}

/**
 * A weighted group no architecture layer claims means the file was saved from a model with more
 * layers of that class: the counters are shifted, so every later layer of the class would get the
 * wrong tensors. Keras would load that silently; we refuse.
 */
function checkNothingLeftOver(
  tree: Keras3GroupTree,
  claimedLayers: Set<Keras3Node>,
  claimedData: Set<string>,
  label: string,
  notes: string[],
) {
  const extraLayers: Keras3Node[] = [];
  const extraData: string[] = [];
  const inLayer = (node: Keras3Node) => {
    for (const name of node.vars ?? [])
      if (!claimedData.has(`${node.varsH5Path}/${name}`)) extraData.push(`${node.varsH5Path}/${name}`);
    for (const [, child] of subObjects(node)) inLayer(child);
  };
  const inContainer = (container: Keras3Node) => {
    for (const child of container.children.values()) {
      if (!claimedLayers.has(child)) {
        if (Keras3GroupTree.datasetCount(child, true) > 0) extraLayers.push(child);
        continue;
      }
      const inner = child.children.get('layers') ?? child.children.get('_layer_checkpoint_dependencies');
      if (inner) inContainer(inner);
      inLayer(child);
    }
  };
  const top = tree.topContainer();
  if (top) inContainer(top);
  if (extraLayers.length > 0) {
    const described = extraLayers.slice(0, 5).map((n) => {
      const name = tree.varsName(n);
      return name ? `${n.path} (layer "${name}")` : n.path;
    });
    throw new GraftError(
      'architecture',
      `${label}: the file has weights at ${described.join(', ')}${extraLayers.length > 5 ? ', ...' : ''} that no layer of the architecture takes (the saved model had more layers of that class); ${MISMATCH_ADVICE}.`,
    );
  }
  if (extraData.length > 0)
    notes.push(
      `datasets no layer takes, ignored: ${extraData.slice(0, 5).join(', ')}${extraData.length > 5 ? ', ...' : ''}`,
    );
}
