// Turns one layer's stored weights into WeightSpecs: canonical names, the Keras 2/3 layout (Keras 1
// conversions, Theano kernel flips) as TensorExprs, and trainable flags. Wrappers are resolved first
// because the layout rules belong to the wrapped class (Bidirectional(LSTM), TimeDistributed(Conv2D)),
// exactly as Keras 2's loader recurses into them.

import type { WeightSpec } from '../../model/modelSpec';
import type { StoredWeight } from './legacyWeightGroups';
import { kerasOneLayerWeights, type ConvertedWeight } from './kerasOneLayout';
import { kerasTwoClassName } from './kerasOneClasses';
import {
  directionOf,
  dropScopes,
  isKerasOneName,
  nameComponents,
  uniqueWeightNames,
} from './legacyWeightNames';
import { readExpr } from './shapedExpr';
import { flipTheanoKernel, isTheanoFlippedKernel } from './theanoKernels';

type Json = Record<string, unknown>;

export interface LayerWeightContext {
  layerName: string;
  /** Class name as the config spells it (Keras 1 names included); null without architecture. */
  className: string | null;
  config: Json | null;
  /** Names that may prefix a stored weight name: the layer, its enclosing models, the top model. */
  scopes: ReadonlySet<string>;
  /** False when the layer or an enclosing model is frozen in the config. */
  trainable: boolean;
  kerasOne: boolean;
  theano: boolean;
  /** Canonical names decided by position (a nested model split by Keras's order rule). */
  positionalNames?: string[];
}

/** What was converted, for `spec.notes`. */
export interface LayoutChanges {
  kerasOne: string[];
  theanoFlips: string[];
  theanoUnflipped: string[];
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The wrapped layer of a Bidirectional / TimeDistributed config. */
function wrappedLayer(config: Json | null): { className: string; config: Json } | null {
  const inner = config?.layer;
  if (!isObject(inner) || typeof inner.class_name !== 'string') return null;
  return { className: inner.class_name, config: isObject(inner.config) ? inner.config : {} };
}

/** BatchNormalization statistics (and a Normalization layer's state) are non-trainable by nature. */
function isStatisticsWeight(name: string, className: string | null): boolean {
  const last = name.split('/').pop() ?? name;
  if (last === 'moving_mean' || last === 'moving_variance') return true;
  return className === 'Normalization' && (last === 'mean' || last === 'variance' || last === 'count');
}

interface Unit {
  className: string | null;
  config: Json | null;
  prefix: string;
  weights: StoredWeight[];
}

/** Splits a Bidirectional layer's list into its two directions, or returns the layer as one unit. */
function unitsOf(ctx: LayerWeightContext, stored: StoredWeight[]): Unit[] {
  const cls = ctx.className === null ? null : kerasTwoClassName(ctx.className);
  const inner = wrappedLayer(ctx.config);
  if (cls === 'Bidirectional' && stored.length % 2 === 0) {
    // Keras saves the forward layer's weights, then the backward layer's (saving.py splits in half).
    const half = stored.length / 2;
    const innerClass = inner ? kerasTwoClassName(inner.className) : null;
    return [
      {
        className: innerClass,
        config: inner?.config ?? null,
        prefix: 'forward_layer/',
        weights: stored.slice(0, half),
      },
      {
        className: innerClass,
        config: inner?.config ?? null,
        prefix: 'backward_layer/',
        weights: stored.slice(half),
      },
    ];
  }
  if (cls === 'TimeDistributed') {
    return [
      {
        className: inner ? kerasTwoClassName(inner.className) : null,
        config: inner?.config ?? null,
        prefix: '',
        weights: stored,
      },
    ];
  }
  if (cls === null && stored.length > 0 && !ctx.kerasOne) {
    const directions = stored.map((w) =>
      directionOf(dropScopes(nameComponents(w.storedName), ctx.scopes)[0]),
    );
    if (
      directions.every((d) => d !== null) &&
      directions.includes('forward_layer') &&
      directions.includes('backward_layer')
    ) {
      return (['forward_layer', 'backward_layer'] as const).map((d) => ({
        className: null,
        config: null,
        prefix: `${d}/`,
        weights: stored.filter((_, i) => directions[i] === d),
      }));
    }
  }
  return [{ className: cls, config: ctx.config, prefix: '', weights: stored }];
}

function namedByScope(ctx: LayerWeightContext, unit: Unit): ConvertedWeight[] {
  if (ctx.positionalNames && ctx.positionalNames.length === unit.weights.length) {
    return unit.weights.map((w, i) => ({
      name: ctx.positionalNames![i],
      value: readExpr(w.path, w.shape, w.dtype),
      storedName: w.storedName,
    }));
  }
  const rests = unit.weights.map((w) => {
    const rest = dropScopes(nameComponents(w.storedName), ctx.scopes);
    // `forward_lstm/lstm_cell/kernel` inside a direction: the direction is already in the prefix.
    return unit.prefix !== '' && rest.length > 1 && directionOf(rest[0]) ? rest.slice(1) : rest;
  });
  const names = uniqueWeightNames(rests);
  // Keras 2 called a DepthwiseConv2D kernel `depthwise_kernel`, Keras 3 calls it `kernel`; a
  // depthwise kernel without a pointwise partner is that layer, whatever the file's vintage.
  const depthwiseOnly = names.includes('depthwise_kernel') && !names.includes('pointwise_kernel');
  const canRename =
    unit.className === null || unit.className === 'DepthwiseConv2D' || unit.className === 'DepthwiseConv1D';
  return unit.weights.map((w, i) => ({
    name: depthwiseOnly && canRename && names[i] === 'depthwise_kernel' ? 'kernel' : names[i],
    value: readExpr(w.path, w.shape, w.dtype),
    storedName: w.storedName,
  }));
}

export function buildLayerWeights(
  ctx: LayerWeightContext,
  stored: StoredWeight[],
  changes: LayoutChanges,
): WeightSpec[] {
  const out: WeightSpec[] = [];
  const positional = ctx.positionalNames?.length === stored.length;
  const cls = ctx.className === null ? null : kerasTwoClassName(ctx.className);
  const units = positional
    ? [{ className: cls, config: ctx.config, prefix: '', weights: stored }]
    : unitsOf(ctx, stored);
  for (const unit of units) {
    const kerasOne = !positional && ctx.kerasOne && unit.weights.every((w) => isKerasOneName(w.storedName));
    const converted = kerasOne
      ? kerasOneLayerWeights(ctx.layerName, unit.className, unit.config, unit.weights, changes.kerasOne)
      : namedByScope(ctx, unit);
    for (const w of converted) {
      let value = w.value;
      if (ctx.theano) {
        if (isTheanoFlippedKernel(unit.className, w.name, value.shape.length)) {
          value = flipTheanoKernel(value);
          changes.theanoFlips.push(`${ctx.layerName}/${unit.prefix}${w.name}`);
        } else if (unit.className === null && w.name === 'kernel' && value.shape.length === 3) {
          changes.theanoUnflipped.push(`${ctx.layerName}/${unit.prefix}${w.name}`);
        }
      }
      const name = `${unit.prefix}${w.name}`;
      out.push({
        name,
        shape: value.shape,
        dtype: value.dtype,
        trainable: ctx.trainable && !isStatisticsWeight(name, unit.className),
        values: value.expr,
        storedName: w.storedName,
      });
    }
  }
  return out;
}
