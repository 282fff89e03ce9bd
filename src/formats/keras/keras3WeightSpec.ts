// WeightSpecs for datasets of a Keras 3 weights file: header only (shape, dtype), values stay in the
// file behind a `read` expression until someone evaluates it.

import type { WeightSpec } from '../../model/modelSpec';
import type { H5Reader } from '../h5/h5Reader';
import type { Keras3Node } from './keras3GroupTree';
import type { ExpectedWeight } from './weightCatalog';

/** A weight stored as dataset `index` of `owner`'s `vars`; `layerPath` is the layer group's Keras path. */
export function weightSpecAt(
  reader: H5Reader,
  owner: Keras3Node,
  index: string,
  name: string,
  trainable: boolean,
  layerPath: string,
): WeightSpec {
  const path = `${owner.varsH5Path}/${index}`;
  const info = reader.datasetInfo(path);
  const relative = owner.path.slice(layerPath.length).replace(/^\//, '');
  return {
    name,
    shape: info.shape,
    dtype: info.dtype,
    trainable,
    values: { op: 'read', path, shape: info.shape, dtype: info.dtype },
    storedName: `${relative === '' ? '' : `${relative}/`}vars/${index}`,
  };
}

/** Keras visits attributes sorted by name with `_`-prefixed ones last (saving_lib `_name_key`). */
const attributeOrder = (a: string, b: string) => {
  const ka = a.startsWith('_') ? `~${a}` : a;
  const kb = b.startsWith('_') ? `~${b}` : b;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** Sub-objects of a layer that hold variables, in Keras's visiting order (excluding nested models' layers). */
export function subObjects(node: Keras3Node): [string, Keras3Node][] {
  return [...node.children]
    .filter(([key]) => key !== 'layers' && key !== '_layer_checkpoint_dependencies')
    .sort(([a], [b]) => attributeOrder(a, b));
}

/**
 * Every dataset of a layer whose class we do not know: its own `vars` (`var_0`...), then each
 * sub-object's (`cell/var_0`...). The writer maps these names back to the same paths.
 */
export function genericWeights(reader: H5Reader, layer: Keras3Node, trainable: boolean): WeightSpec[] {
  const out: WeightSpec[] = [];
  const visit = (node: Keras3Node, prefix: string) => {
    for (const index of node.vars ?? [])
      out.push(weightSpecAt(reader, node, index, `${prefix}var_${index}`, trainable, layer.path));
    for (const [key, child] of subObjects(node)) visit(child, `${prefix}${key}/`);
  };
  visit(layer, '');
  return out;
}

/** How many datasets each sub-object holds (empty ones left out), as `subPath -> count`. */
export function fileStructure(layer: Keras3Node): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (node: Keras3Node, subPath: string) => {
    if ((node.vars?.length ?? 0) > 0) out.set(subPath, node.vars!.length);
    for (const [key, child] of subObjects(node)) visit(child, subPath === '' ? key : `${subPath}/${key}`);
  };
  visit(layer, '');
  return out;
}

export function expectedStructure(expected: ExpectedWeight[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of expected) out.set(w.subPath, (out.get(w.subPath) ?? 0) + 1);
  return out;
}

export function sameStructure(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}
