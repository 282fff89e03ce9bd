// A model used as a layer is ONE legacy layer group holding all of its inner layers' weights, flat:
// every trainable weight of every inner layer (model order, depth-first), then every non-trainable one
// (tf.keras/Keras 3 `_legacy_weights`). So an inner layer's weights are not contiguous, and frozen
// layers move to the tail. The stored names usually say which inner layer a weight belongs to
// (`dense_1/kernel:0`, Keras 3 `inner_model/inner_dense/kernel`); when they do not, Keras's order rule
// is applied using the weights each inner layer's class implies.

import type { LayerSpec } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import type { StoredWeight } from './legacyWeightGroups';
import { expectedWeights } from './weightCatalog';
import { isKerasOneName, nameComponents, stripVariableSuffix } from './legacyWeightNames';

export interface NestedSplit {
  /** Inner (non-model) layer id -> its weights in load order. */
  byLayer: Map<string, StoredWeight[]>;
  /** With the order rule the stored names mean nothing: layer id -> canonical names from its class. */
  names?: Map<string, string[]>;
  method: 'names' | 'order';
}

const isModel = (l: LayerSpec) => l.children !== undefined;

/** Layers strictly inside `model`, in model order (depth-first). */
export function descendantsOf(model: LayerSpec, layers: LayerSpec[]): LayerSpec[] {
  const prefix = [...model.path, model.name];
  return layers.filter((l) => l.path.length >= prefix.length && prefix.every((p, i) => l.path[i] === p));
}

/** False when the layer or any enclosing model says `trainable: false` in its config. */
export function effectiveTrainable(layer: LayerSpec, byId: Map<string, LayerSpec>): boolean {
  if (layer.config?.trainable === false) return false;
  for (let i = 1; i <= layer.path.length; i++) {
    if (byId.get(layer.path.slice(0, i).join('/'))?.config?.trainable === false) return false;
  }
  return true;
}

/** The inner layer a stored name points at, walking its scope components down the nesting; null if unclear. */
function resolveByName(
  storedName: string,
  model: LayerSpec,
  layers: LayerSpec[],
  byId: Map<string, LayerSpec>,
  skip: ReadonlySet<string>,
): LayerSpec | null {
  const childrenOf = (m: LayerSpec) => (m.children ?? []).map((id) => byId.get(id)!).filter(Boolean);
  if (isKerasOneName(storedName)) {
    // Keras 1 names are `<layer>_<var>`: the inner layer with the longest matching name prefix.
    const name = stripVariableSuffix(storedName);
    const hits = descendantsOf(model, layers).filter((l) => !isModel(l) && name.startsWith(`${l.name}_`));
    hits.sort((a, b) => b.name.length - a.name.length);
    return hits.length > 0 && (hits.length === 1 || hits[0].name.length > hits[1].name.length)
      ? hits[0]
      : null;
  }
  const parts = nameComponents(storedName);
  let scope = model;
  for (let i = 0; i < parts.length - 1; i++) {
    const c = parts[i];
    const child = childrenOf(scope).find((l) => l.name === c);
    if (child) {
      if (!isModel(child)) return child;
      scope = child;
      continue;
    }
    if (c === scope.name || skip.has(c)) continue;
    // tf.keras may omit an intermediate model's scope: accept a unique deeper layer of that name.
    const deeper = descendantsOf(scope, layers).filter((l) => l.name === c);
    if (deeper.length !== 1) return null;
    if (!isModel(deeper[0])) return deeper[0];
    scope = deeper[0];
  }
  return null;
}

function splitByOrder(
  model: LayerSpec,
  stored: StoredWeight[],
  layers: LayerSpec[],
  byId: Map<string, LayerSpec>,
  label: string,
): NestedSplit {
  const leaves = descendantsOf(model, layers).filter((l) => !isModel(l));
  const trainablePart: { id: string; name: string }[] = [];
  const frozenPart: { id: string; name: string }[] = [];
  for (const leaf of leaves) {
    const expected = expectedWeights(leaf.className ?? '', leaf.config);
    if (expected === null) {
      throw new GraftError(
        'architecture',
        `${label}: cannot tell which of the ${stored.length} weights of nested model "${model.name}" belong to which inner layer: the stored names do not name its layers, and the weights of "${leaf.name}" (${leaf.className}) are not known to this tool.`,
      );
    }
    const frozenLayer = !effectiveTrainable(leaf, byId);
    for (const w of expected)
      (w.trainable && !frozenLayer ? trainablePart : frozenPart).push({ id: leaf.id, name: w.name });
  }
  const owners = [...trainablePart, ...frozenPart];
  if (owners.length !== stored.length) {
    throw new GraftError(
      'architecture',
      `${label}: nested model "${model.name}" has ${stored.length} weights in the file, but its layers' configs imply ${owners.length}, and the stored names do not say which inner layer each belongs to.`,
    );
  }
  const byLayer = new Map<string, StoredWeight[]>();
  const names = new Map<string, string[]>();
  owners.forEach(({ id, name }, i) => {
    byLayer.set(id, [...(byLayer.get(id) ?? []), stored[i]]);
    names.set(id, [...(names.get(id) ?? []), name]);
  });
  return { byLayer, names, method: 'order' };
}

/**
 * Assigns a nested model's flat weight list to its inner layers (any depth). `skip` holds scope names
 * that may precede the inner path (the top model's name in Keras 3 legacy files).
 */
export function splitNestedWeights(
  model: LayerSpec,
  stored: StoredWeight[],
  layers: LayerSpec[],
  byId: Map<string, LayerSpec>,
  skip: ReadonlySet<string>,
  label: string,
): NestedSplit {
  const owners = stored.map((w) => resolveByName(w.storedName, model, layers, byId, skip));
  if (owners.every((o) => o !== null)) {
    const byLayer = new Map<string, StoredWeight[]>();
    owners.forEach((o, i) => byLayer.set(o!.id, [...(byLayer.get(o!.id) ?? []), stored[i]]));
    return { byLayer, method: 'names' };
  }
  return splitByOrder(model, stored, layers, byId, label);
}
