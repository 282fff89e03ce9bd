// Where Keras 3 keeps each weight in a `.weights.h5` (and a `.keras` archive's model.weights.h5).
// Keras never uses layer names there: every container (the model's `layers`, a nested model's
// `layers`) names its elements by snake-case class plus a per-class counter in `model.layers` order
// (`conv2d`, `conv2d_1`, ...), and sub-layers held as attributes use the attribute name (`cell`,
// `forward_layer`, `query_dense`). keras/src/saving/saving_lib.py `_save_container_state`.
// The writer uses this forward (spec -> paths); the Keras 3 reader uses it backward (paths -> layers).

import type { LayerSpec, ModelSpec } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import { expectedWeights, pythonClassName, snakeCase, type ExpectedWeight } from './weightCatalog';
import { kerasTwoClassName } from './kerasOneClasses';

/** Anything with layers in model order: a `ModelSpec` or a parsed `Architecture`. */
export type NativeModel = Pick<ModelSpec, 'layers' | 'modelClass'>;

export interface NativeLayer {
  /** The layer's group: `layers/conv2d_3`, `layers/functional/layers/dense`. */
  group: string;
  /** Dataset path of each weight, in the layer's weight order (the spec's, or the catalogue's). */
  weights: string[];
  /** What the catalogue expects for the layer; null when its class is unknown to us. */
  expected: ExpectedWeight[] | null;
}

export interface NativeLayout {
  /** Every layer by id, nested models included (their own `weights` are empty). */
  layers: Map<string, NativeLayer>;
  /**
   * `vars` groups that hold no dataset but should exist: the root `vars` (Keras 3.0-3.5 read it
   * unconditionally), nested models' own `vars`, and those of objects whose variables live deeper.
   */
  emptyVarGroups: string[];
}

const MODEL_CLASSES = new Set(['Functional', 'Sequential', 'Model']);

/** Attributes Keras saves as list containers: their elements are keyed by class counter. */
const CONTAINER_ATTRIBUTES = new Set(['layers', 'cells']);

export function isNestedModel(layer: LayerSpec): boolean {
  return layer.children !== undefined || (layer.className !== null && MODEL_CLASSES.has(layer.className));
}

/**
 * Container key base of a layer: the snake-case Python class name (`conv2d`, `functional`). A Keras 1
 * class is keyed by the Keras 2/3 class its config is rebuilt as (kerasOneLayerConfig.ts), since no
 * Keras 3 class carries the Keras 1 name.
 */
export function containerKeyBase(layer: LayerSpec): string {
  if (layer.className === null) {
    throw new GraftError(
      'architecture',
      `layer "${layer.id}" has no class name, so its Keras 3 weight path is unknown; give the architecture (model JSON) with the weights.`,
    );
  }
  return snakeCase(pythonClassName(kerasTwoClassName(layer.className)));
}

const joinPath = (...parts: string[]) => parts.filter((p) => p !== '').join('/');

/** Paths of the catalogue's weights: each sub-object numbers its own `vars` from 0. */
function cataloguePaths(group: string, expected: ExpectedWeight[]): string[] {
  const next = new Map<string, number>();
  return expected.map((w) => {
    const i = next.get(w.subPath) ?? 0;
    next.set(w.subPath, i + 1);
    return joinPath(group, w.subPath, 'vars', String(i));
  });
}

/** Weights named by the generic reader (`var_3`, `cell/var_0`) go back where they came from. */
function genericPaths(group: string, names: string[]): string[] {
  return names.map((name, position) => {
    const m = /^(?:(.*)\/)?var_(\d+)$/.exec(name);
    return m ? joinPath(group, m[1] ?? '', 'vars', m[2]) : joinPath(group, 'vars', String(position));
  });
}

function weightPaths(layer: LayerSpec, group: string, expected: ExpectedWeight[] | null): string[] {
  const names = layer.weights.map((w) => w.name);
  if (expected === null) return genericPaths(group, names);
  const byCatalogue = cataloguePaths(group, expected);
  if (names.length === 0) return byCatalogue;
  const index = new Map(expected.map((w, i) => [w.name, i]));
  if (names.every((n) => index.has(n)) && new Set(names).size === names.length)
    return names.map((n) => byCatalogue[index.get(n)!]);
  // Same count, other naming (a Keras 2 file's `depthwise_kernel`, another reader's convention): by position.
  if (names.length === expected.length) return byCatalogue;
  return genericPaths(group, names);
}

/** Children of a nested model in its own model order. */
function childrenOf(model: NativeModel, byId: Map<string, LayerSpec>, layer: LayerSpec): LayerSpec[] {
  if (layer.children)
    return layer.children.map((id) => byId.get(id)).filter((l): l is LayerSpec => l !== undefined);
  const path = [...layer.path, layer.name];
  return model.layers.filter((l) => l.path.length === path.length && l.path.every((p, i) => p === path[i]));
}

export function nativeLayout(model: NativeModel): NativeLayout {
  const byId = new Map(model.layers.map((l) => [l.id, l]));
  const layers = new Map<string, NativeLayer>();
  const withData = new Set<string>();
  const objects = new Set<string>();
  const nestedGroups: string[] = [];

  const visitContainer = (members: LayerSpec[], containerPath: string) => {
    // Keras counts per container and per class, in model.layers order (InputLayer included for
    // Functional; Sequential.layers has none). saving_lib `_get_unique_name`.
    const used = new Map<string, number>();
    for (const layer of members) {
      const base = containerKeyBase(layer);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      const group = joinPath(containerPath, n === undefined ? base : `${base}_${n + 1}`);
      if (isNestedModel(layer)) {
        layers.set(layer.id, { group, weights: [], expected: [] });
        nestedGroups.push(group);
        visitContainer(childrenOf(model, byId, layer), joinPath(group, 'layers'));
        continue;
      }
      const expected = layer.className === null ? null : expectedWeights(layer.className, layer.config);
      const weights = weightPaths(layer, group, expected);
      layers.set(layer.id, { group, weights, expected });
      for (const path of weights) {
        const owner = path.slice(0, path.lastIndexOf('/vars/'));
        withData.add(owner);
        // Every object between the layer and the variable's owner is visited by Keras too.
        const rest = owner
          .slice(group.length)
          .split('/')
          .filter((p) => p !== '');
        for (let k = 0; k < rest.length; k++) {
          // A list attribute (`cells` of StackedRNNCells) is a container, not an object with vars.
          if (!CONTAINER_ATTRIBUTES.has(rest[k - 1] ?? '')) objects.add(joinPath(group, ...rest.slice(0, k)));
        }
      }
    }
  };
  visitContainer(
    model.layers.filter((l) => l.path.length === 0),
    'layers',
  );

  const emptyVarGroups = ['vars', ...nestedGroups.map((g) => `${g}/vars`)];
  for (const o of objects) if (!withData.has(o)) emptyVarGroups.push(`${o}/vars`);
  return { layers, emptyVarGroups };
}

/** For each layer id, the Keras 3 dataset path of each of its weights, in weight order. */
export function nativeWeightPaths(model: NativeModel): Map<string, string[]> {
  return new Map([...nativeLayout(model).layers].map(([id, l]) => [id, l.weights]));
}
