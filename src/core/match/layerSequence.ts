import type { LayerSpec, ModelSpec } from '../../model';
import { canonicalClass, nameStem } from './kerasClass';
import { scopeOf } from './scopePairing';

/**
 * A model's weighted layers in model order, with what the matcher looks up for every pair kept as
 * small integers (interned strings), so the O(n·m) inner loop compares numbers.
 */
export interface LayerSequence {
  layers: LayerSpec[];
  indexOf: Map<string, number>;
  /** Interned class + weight names + shapes: equal ids mean structurally identical layers. */
  signature: Int32Array;
  /** Interned name stem (`conv2d_17` -> `conv2d`). */
  stem: Int32Array;
  scope: string[];
  /** Interned canonical class, -1 when unknown; interned weight ranks (`4,1`) and weight names. */
  classId: Int32Array;
  ranksId: Int32Array;
  weightNamesId: Int32Array;
  /**
   * The layer just before / after in model order has no weights (pooling, activation, add, a nested
   * model's entry): a block boundary, where a cut-out range most likely starts or ends.
   */
  boundaryBefore: Uint8Array;
  boundaryAfter: Uint8Array;
  /**
   * Interned classes of the weightless layers between this layer and the next weighted one
   * (`ReLU,MaxPooling2D`), or -1 when one of them has no class; `followCount` is their number. A block's
   * last layer is followed by pooling or an add, its inner layers only by an activation.
   */
  followedBy: Int32Array;
  followCount: Int32Array;
}

export class Interner {
  private readonly ids = new Map<string, number>();
  id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
    }
    return id;
  }
}

function signatureKey(layer: LayerSpec): string {
  const weights = layer.weights.map((w) => `${w.name}:${w.shape.join('x')}`).join(',');
  return `${canonicalClass(layer.className) ?? '?'}|${weights}`;
}

/** `shared` is used by both sides so equal strings get equal ids; signatures are per side. */
export function layerSequence(model: ModelSpec, shared: Interner): LayerSequence {
  const signatures = new Interner();
  const layers: LayerSpec[] = [];
  const before: number[] = [];
  const after: number[] = [];
  const followedBy: number[] = [];
  const followCount: number[] = [];
  const all = model.layers;
  all.forEach((layer, k) => {
    if (layer.weights.length === 0) return;
    layers.push(layer);
    before.push(k === 0 || all[k - 1].weights.length === 0 ? 1 : 0);
    after.push(k === all.length - 1 || all[k + 1].weights.length === 0 ? 1 : 0);
    const classes: (string | null)[] = [];
    for (let next = k + 1; next < all.length && all[next].weights.length === 0; next++) {
      classes.push(canonicalClass(all[next].className));
    }
    followCount.push(classes.length);
    followedBy.push(classes.includes(null) ? -1 : shared.id(`after:${classes.join(',')}`));
  });
  return {
    layers,
    indexOf: new Map(layers.map((layer, i) => [layer.id, i])),
    signature: Int32Array.from(layers, (layer) => signatures.id(signatureKey(layer))),
    stem: Int32Array.from(layers, (layer) => shared.id(nameStem(layer.name))),
    scope: layers.map(scopeOf),
    classId: Int32Array.from(layers, (layer) => {
      const className = canonicalClass(layer.className);
      return className === null ? -1 : shared.id(`class:${className}`);
    }),
    ranksId: Int32Array.from(layers, (layer) =>
      shared.id(`ranks:${layer.weights.map((w) => w.shape.length).join(',')}`),
    ),
    weightNamesId: Int32Array.from(layers, (layer) =>
      shared.id(`names:${layer.weights.map((w) => w.name).join(',')}`),
    ),
    boundaryBefore: Uint8Array.from(before),
    boundaryAfter: Uint8Array.from(after),
    followedBy: Int32Array.from(followedBy),
    followCount: Int32Array.from(followCount),
  };
}
