import type { WeightSpec } from '../../model';

/**
 * How well a source tensor of shape `source` can fill a target tensor of shape `target`, 0..1.
 * Identical shapes give 1. A shrunken axis (the target keeps a subset of channels, as in a pruned model)
 * stays fairly high; a grown axis must be padded with values the source never had, so it costs far
 * more. The input-channel axis of a kernel (second to last in the Keras layout) shrinks at almost no
 * cost: the first layer after a cut-out block sees fewer channels because of the cut, not because it is
 * a different layer. Different ranks give 0.
 */
export function shapeSimilarity(target: readonly number[], source: readonly number[]): number {
  if (target.length !== source.length) return 0;
  const inputAxis = target.length >= 2 ? target.length - 2 : -1;
  let similarity = 1;
  for (let axis = 0; axis < target.length; axis++) {
    const t = target[axis];
    const s = source[axis];
    if (t === s) continue;
    if (t <= 0 || s <= 0) return 0;
    if (t > s) similarity *= 0.5 * (s / t);
    else similarity *= axis === inputAxis ? 0.9 + 0.1 * (t / s) : 0.4 + 0.6 * (t / s);
  }
  return similarity;
}

/** The worst tensor decides: a layer is only as transferable as its least fitting weight. */
export function weightsSimilarity(target: readonly WeightSpec[], source: readonly WeightSpec[]): number {
  if (target.length !== source.length || target.length === 0) return 0;
  let worst = 1;
  for (let k = 0; k < target.length; k++)
    worst = Math.min(worst, shapeSimilarity(target[k].shape, source[k].shape));
  return worst;
}
