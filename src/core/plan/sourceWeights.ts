// For every linked target layer: which source weight feeds each of its weights, with the source value
// already put in the target's axis order (a Conv2DTranspose kernel transposed for a Conv2D, ...).

import type { LayerSpec, Link, TensorExpr, TransformStep, WeightSpec } from '../../model';
import { layerChannelsOf } from '../adapt/axisRoles';
import { pairWeights, roleAlignment } from '../adapt/weightPairing';

/** A source weight prepared for one target weight. */
export interface PreparedSource {
  layer: LayerSpec;
  weight: WeightSpec;
  /** Index into the source layer's weights. */
  index: number;
  /** The source value in the target's axis order; null when the source file has no values. */
  values: TensorExpr | null;
  shape: number[];
  /** Layout conversions already applied to `values`. */
  before: TransformStep[];
}

export interface SourceWeights {
  /** The source for target weight `weight` of `layer`, or null when the source layer has no counterpart. */
  of(layer: string, weight: number): PreparedSource | null;
  /** Pairing notes per target layer ("paired by position" and the like). */
  notes: Map<string, string[]>;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export function prepareSourceWeights(
  links: ReadonlyMap<string, Link>,
  sourceById: ReadonlyMap<string, LayerSpec>,
  targetById: ReadonlyMap<string, LayerSpec>,
): SourceWeights {
  const prepared = new Map<string, PreparedSource>();
  const notes = new Map<string, string[]>();
  const key = (layer: string, weight: number): string => `${layer}\u0000${weight}`;
  for (const [targetId, link] of links) {
    const targetLayer = targetById.get(targetId);
    const sourceLayer = sourceById.get(link.source);
    if (!targetLayer || !sourceLayer) continue;
    const pairing = pairWeights(targetLayer, sourceLayer);
    notes.set(targetId, pairing.notes);
    const targetRoles = layerChannelsOf(targetLayer).roles;
    const sourceRoles = layerChannelsOf(sourceLayer).roles;
    for (const pair of pairing.pairs) {
      if (pair.source === null) continue;
      const weight = sourceLayer.weights[pair.source];
      const perm = roleAlignment(targetRoles[pair.target] ?? [], sourceRoles[pair.source] ?? []);
      const before: TransformStep[] = [];
      let values = weight.values;
      let shape = [...weight.shape];
      if (perm) {
        values = values ? { op: 'transpose', perm, input: values } : null;
        shape = perm.map((axis) => weight.shape[axis]);
        before.push({
          kind: 'convert',
          detail:
            `transpose ${shapeText(weight.shape)} -> ${shapeText(shape)}: ` +
            `${sourceLayer.className ?? 'source'} and ${targetLayer.className ?? 'target'} order kernel axes differently`,
        });
      }
      prepared.set(key(targetId, pair.target), {
        layer: sourceLayer,
        weight,
        index: pair.source,
        values,
        shape,
        before,
      });
    }
  }
  return { of: (layer, weight) => prepared.get(key(layer, weight)) ?? null, notes };
}
