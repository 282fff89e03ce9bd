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
  /**
   * The layer just before / after in model order has no weights (pooling, activation, add, a nested
   * model's entry): a block boundary, where a cut-out range most likely starts or ends.
   */
  boundaryBefore: Uint8Array;
  boundaryAfter: Uint8Array;
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

/** `stems` is shared by both sides so equal stems get equal ids; signatures are per side. */
export function layerSequence(model: ModelSpec, stems: Interner): LayerSequence {
  const signatures = new Interner();
  const layers: LayerSpec[] = [];
  const before: number[] = [];
  const after: number[] = [];
  const all = model.layers;
  all.forEach((layer, k) => {
    if (layer.weights.length === 0) return;
    layers.push(layer);
    before.push(k === 0 || all[k - 1].weights.length === 0 ? 1 : 0);
    after.push(k === all.length - 1 || all[k + 1].weights.length === 0 ? 1 : 0);
  });
  return {
    layers,
    indexOf: new Map(layers.map((layer, i) => [layer.id, i])),
    signature: Int32Array.from(layers, (layer) => signatures.id(signatureKey(layer))),
    stem: Int32Array.from(layers, (layer) => stems.id(nameStem(layer.name))),
    scope: layers.map(scopeOf),
    boundaryBefore: Uint8Array.from(before),
    boundaryAfter: Uint8Array.from(after),
  };
}
