// The group tree of a Keras 3 weights file, read once (one listing per group: on a browser File every
// HDF5 read is a Blob read), with the path variants real files use folded into one view:
// - `layers/...` (Keras 3),
// - `_layer_checkpoint_dependencies/...` (tf.keras 2.13-2.15; Keras 3 retries a missing path with
//   every `layers` replaced, saving_lib `H5IOStore.get`),
// - root-level groups literally named `layers\dense` (tf.keras 2.15 on Windows joined with `\`).

import type { H5Reader } from '../h5/h5Reader';

export interface Keras3Node {
  /** Keras inner path (`layers/lstm/cell`); backslash names are split into levels. */
  path: string;
  /** The HDF5 group, or null for a level that exists only because of a backslash name. */
  h5Path: string | null;
  children: Map<string, Keras3Node>;
  /** Dataset names in this object's `vars` group in index order; null when it has no `vars` group. */
  vars: string[] | null;
  /** HDF5 path of the `vars` group. */
  varsH5Path: string | null;
}

/** Root groups that hold training state, not model weights. */
export const TRAINING_STATE_GROUPS = ['optimizer', 'metrics'];

const numericOrder = (a: string, b: string) => {
  const na = /^\d+$/.test(a) ? Number(a) : Number.POSITIVE_INFINITY;
  const nb = /^\d+$/.test(b) ? Number(b) : Number.POSITIVE_INFINITY;
  return na !== nb ? na - nb : a < b ? -1 : a > b ? 1 : 0;
};

export class Keras3GroupTree {
  readonly root: Keras3Node;
  /** Root groups skipped as training state (`optimizer`, `metrics`, `metrics\mean`). */
  readonly trainingState: string[] = [];
  /** Objects found where a group was expected (a dataset outside any `vars`). */
  readonly strays: string[] = [];

  constructor(private readonly reader: H5Reader) {
    this.root = this.node('', '/');
    for (const key of reader.keys('/')) {
      if (key === 'vars') {
        this.readVars(this.root, '/vars');
        continue;
      }
      const parts = key.split('\\').filter((p) => p !== '');
      if (TRAINING_STATE_GROUPS.includes(parts[0])) {
        this.trainingState.push(key);
        continue;
      }
      let parent = this.root;
      for (const part of parts.slice(0, -1)) parent = this.child(parent, part, null);
      this.walk(this.child(parent, parts[parts.length - 1], `/${key}`));
    }
  }

  private node(path: string, h5Path: string | null): Keras3Node {
    return { path, h5Path, children: new Map(), vars: null, varsH5Path: null };
  }

  private child(parent: Keras3Node, key: string, h5Path: string | null): Keras3Node {
    let c = parent.children.get(key);
    if (!c) {
      c = this.node(parent.path === '' ? key : `${parent.path}/${key}`, h5Path);
      parent.children.set(key, c);
    } else if (h5Path && !c.h5Path) {
      c.h5Path = h5Path;
    }
    return c;
  }

  private readVars(node: Keras3Node, at: string): void {
    const names = this.listGroup(at);
    if (names === null) {
      this.strays.push(at);
      return;
    }
    node.vars = [...names].sort(numericOrder);
    node.varsH5Path = at;
  }

  /** Children of a group, or null when the path is a dataset. */
  private listGroup(h5Path: string): string[] | null {
    try {
      return this.reader.keys(h5Path);
    } catch (error) {
      if ((error as { code?: string }).code === 'corrupt') return null;
      throw error;
    }
  }

  private walk(node: Keras3Node): void {
    const keys = this.listGroup(node.h5Path!);
    if (keys === null) {
      this.strays.push(node.h5Path!);
      return;
    }
    for (const key of keys) {
      if (key === 'vars') {
        this.readVars(node, `${node.h5Path}/vars`);
        continue;
      }
      this.walk(this.child(node, key, `${node.h5Path}/${key}`));
    }
  }

  find(path: string): Keras3Node | null {
    let node: Keras3Node | undefined = this.root;
    for (const part of path.split('/').filter((p) => p !== '')) {
      node = node.children.get(part);
      if (!node) return null;
    }
    return node;
  }

  /** The object Keras would load from `path`: the path itself, else its tf.keras 2.13 spelling. */
  lookup(path: string): Keras3Node | null {
    const direct = this.find(path);
    if (direct?.vars) return direct;
    if (this.root.children.has('_layer_checkpoint_dependencies')) {
      const legacy = this.find(path.replaceAll('layers', '_layer_checkpoint_dependencies'));
      if (legacy?.vars) return legacy;
      if (!direct) return legacy;
    }
    return direct;
  }

  /** The top container: `layers`, or tf.keras 2.13's `_layer_checkpoint_dependencies`. */
  topContainer(): Keras3Node | null {
    return (
      this.root.children.get('layers') ?? this.root.children.get('_layer_checkpoint_dependencies') ?? null
    );
  }

  /** The `name` attribute Keras >= 3.6 writes on each `vars` group (the object's `.name`). */
  varsName(node: Keras3Node): string | null {
    if (!node.varsH5Path) return null;
    const v = this.reader.attr(node.varsH5Path, 'name');
    return typeof v === 'string' && v !== '' ? v : null;
  }

  /** Number of datasets in the `vars` groups of a node and its sub-objects (not nested models' layers). */
  static datasetCount(node: Keras3Node, intoLayers = false): number {
    let n = node.vars?.length ?? 0;
    for (const [key, c] of node.children) {
      if (!intoLayers && (key === 'layers' || key === '_layer_checkpoint_dependencies')) continue;
      n += Keras3GroupTree.datasetCount(c, intoLayers);
    }
    return n;
  }
}
