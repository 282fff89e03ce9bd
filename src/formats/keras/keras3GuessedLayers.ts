// Layers of a Keras 3 weights file read without its architecture, as Netron does: every group of a
// `layers` container is a layer, its class guessed from the key (`conv2d_3` -> Conv2D, `p_re_lu` ->
// PReLU), a group with its own `layers` is a nested model. Model order is not in the file; within one
// class the counter gives it, across classes we can only sort by key.

import type { LayerSpec, WeightSpec } from '../../model/modelSpec';
import type { H5Reader } from '../h5/h5Reader';
import { Keras3GroupTree, type Keras3Node } from './keras3GroupTree';
import {
  expectedStructure,
  fileStructure,
  genericWeights,
  sameStructure,
  weightSpecAt,
} from './keras3WeightSpec';
import { expectedWeights, KNOWN_LAYER_CLASSES, snakeCase, type ExpectedWeight } from './weightCatalog';

const CLASS_BY_SNAKE = new Map<string, string>();
for (const c of [...KNOWN_LAYER_CLASSES].reverse()) CLASS_BY_SNAKE.set(snakeCase(c), c); // first listed wins
CLASS_BY_SNAKE.set('functional', 'Functional');

/** `conv2d_3` -> `conv2d`; the counter Keras appends is `_<n>` with n >= 1. */
export function keyBase(key: string): { base: string; counter: number } {
  const m = /^(.*)_([1-9]\d*)$/.exec(key);
  return m ? { base: m[1], counter: Number(m[2]) } : { base: key, counter: 0 };
}

/** The Keras class a container key was made from; unknown snake names become PascalCase. */
export function guessClassName(key: string): string {
  const { base } = keyBase(key);
  return (
    CLASS_BY_SNAKE.get(base) ??
    base
      .split('_')
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join('')
  );
}

const byKey = (a: string, b: string) => {
  const ka = keyBase(a);
  const kb = keyBase(b);
  if (ka.base !== kb.base) return ka.base < kb.base ? -1 : 1;
  return ka.counter - kb.counter;
};

/** Config flags that change which variables a layer has; tried when the file does not match the defaults. */
const CONFIG_VARIANTS: Record<string, unknown>[] = [
  {},
  { use_bias: false },
  { center: false },
  { scale: false },
  { center: false, scale: false },
  { rms_scaling: true },
  { use_scale: true },
  { use_scale: false },
  { score_mode: 'concat' },
  { score_mode: 'concat', use_scale: true },
  { bias_axes: null },
  { bias_axes: 'guessed' },
];

/** The catalogue's weights for a guessed class if exactly one set of config flags fits the file. */
function namedByCatalogue(className: string, node: Keras3Node): ExpectedWeight[] | null {
  const found = fileStructure(node);
  const fits = new Map<string, ExpectedWeight[]>();
  for (const variant of CONFIG_VARIANTS) {
    const expected = expectedWeights(className, variant);
    if (expected && sameStructure(expectedStructure(expected), found))
      fits.set(expected.map((w) => w.name).join(','), expected);
  }
  return fits.size === 1 ? [...fits.values()][0] : null;
}

function isModelGroup(node: Keras3Node): boolean {
  return node.children.has('layers') || node.children.has('_layer_checkpoint_dependencies');
}

export function guessLayers(reader: H5Reader, tree: Keras3GroupTree, notes: string[]): LayerSpec[] {
  const layers: LayerSpec[] = [];
  const unnamed: string[] = [];
  const visit = (container: Keras3Node, path: string[]): string[] => {
    const keys = [...container.children.keys()].sort(byKey);
    const names = keys.map((k) => tree.varsName(container.children.get(k)!) ?? k);
    // The `name` attribute (Keras >= 3.6) is the real layer name; fall back to keys if it is not unique here.
    const useNames = new Set(names).size === names.length;
    const ids: string[] = [];
    keys.forEach((key, i) => {
      const node = container.children.get(key)!;
      const name = useNames ? names[i] : key;
      const id = [...path, name].join('/');
      ids.push(id);
      const className = guessClassName(key);
      const spec: LayerSpec = { id, name, className, config: null, inbound: [], path, weights: [] };
      layers.push(spec);
      if (isModelGroup(node)) {
        const inner = node.children.get('layers') ?? node.children.get('_layer_checkpoint_dependencies')!;
        spec.children = visit(inner, [...path, name]);
        return;
      }
      spec.weights = weightsOf(reader, node, className);
      if (spec.weights.some((w) => /(^|\/)var_\d+$/.test(w.name))) unnamed.push(id);
    });
    return ids;
  };
  const top = tree.topContainer();
  if (top) visit(top, []);
  notes.push(
    'no architecture: layers come from the weight groups; classes are guessed from group names (conv2d_3 -> Conv2D), model order across classes is unknown (sorted by group name), and there are no connections',
  );
  if (unnamed.length > 0) {
    notes.push(
      `weights named var_<i> (class unknown or its options ambiguous without the architecture): ${unnamed.slice(0, 8).join(', ')}${unnamed.length > 8 ? ', ...' : ''}`,
    );
  }
  return layers;
}

function weightsOf(reader: H5Reader, node: Keras3Node, className: string): WeightSpec[] {
  const expected = namedByCatalogue(className, node);
  if (!expected) return genericWeights(reader, node, true);
  const next = new Map<string, number>();
  return expected.map((w) => {
    const i = next.get(w.subPath) ?? 0;
    next.set(w.subPath, i + 1);
    const owner = w.subPath === '' ? node : descend(node, w.subPath);
    return weightSpecAt(reader, owner, owner.vars![i], w.name, w.trainable, node.path);
  });
}

function descend(node: Keras3Node, subPath: string): Keras3Node {
  let n = node;
  for (const part of subPath.split('/')) n = n.children.get(part)!;
  return n;
}
