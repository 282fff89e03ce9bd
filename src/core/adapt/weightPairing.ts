// Which source weight feeds which target weight of a linked layer pair: by name when every target
// weight's name is found on the source side, otherwise by position (Keras 2 calls a depthwise kernel
// `depthwise_kernel`, Keras 3 `kernel`; weights-only Keras 3 files have no names at all).

import type { LayerSpec } from '../../model';
import { bareWeightName, type AxisRole } from './axisRoles';

export interface WeightPair {
  /** Index into the target layer's weights. */
  target: number;
  /** Index into the source layer's weights, or null when the source has no counterpart. */
  source: number | null;
}

export interface LayerPairing {
  pairs: WeightPair[];
  by: 'name' | 'position';
  notes: string[];
}

const uniqueNames = (layer: LayerSpec): string[] | null => {
  const names = layer.weights.map(bareWeightName);
  return new Set(names).size === names.length && names.every((name) => name.length > 0 && !/^\d+$/.test(name))
    ? names
    : null;
};

export function pairWeights(target: LayerSpec, source: LayerSpec): LayerPairing {
  const targetNames = uniqueNames(target);
  const sourceNames = uniqueNames(source);
  const notes: string[] = [];
  if (targetNames && sourceNames && targetNames.every((name) => sourceNames.includes(name))) {
    const pairs = targetNames.map((name, index) => ({ target: index, source: sourceNames.indexOf(name) }));
    const unused = sourceNames.filter((name) => !targetNames.includes(name));
    if (unused.length > 0) notes.push(`source ${source.id} weights not used: ${unused.join(', ')}`);
    return { pairs, by: 'name', notes };
  }
  if (target.weights.length !== source.weights.length) {
    notes.push(
      `${source.id} has ${source.weights.length} weights and ${target.id} has ${target.weights.length}: paired by position`,
    );
  }
  const pairs = target.weights.map((_, index) => ({
    target: index,
    source: index < source.weights.length ? index : null,
  }));
  return { pairs, by: 'position', notes };
}

/**
 * The permutation that puts a source weight's axes in the target's role order when the layer classes
 * lay them out differently (Conv2DTranspose `(kh, kw, out, in)` against Conv2D `(kh, kw, in, out)`).
 * Null when no reordering is needed or the roles do not correspond.
 */
export function roleAlignment(
  targetRoles: readonly AxisRole[],
  sourceRoles: readonly AxisRole[],
): number[] | null {
  if (targetRoles.length !== sourceRoles.length) return null;
  const used = new Set<number>();
  const perm: number[] = [];
  for (const role of targetRoles) {
    const match = sourceRoles.findIndex((candidate, axis) => !used.has(axis) && candidate.kind === role.kind);
    if (match < 0) return null;
    used.add(match);
    perm.push(match);
  }
  return perm.every((axis, i) => axis === i) ? null : perm;
}
