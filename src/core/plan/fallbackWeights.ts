// Weight plans that take nothing from the source: the target's own value, zeros, or — when neither the
// source nor the target has a value — zeros flagged as a problem.

import type { LayerSpec, TensorExpr, UnlinkedPolicy, WeightPlan, WeightSpec } from '../../model';
import { asTargetExpr } from '../tensor';
import type { PreparedSource } from './sourceWeights';

export interface WeightOutcome {
  plan: WeightPlan;
  /** Target elements whose values come from the source. */
  sourceElements: number;
}

/** The target's own stored value as `op: 'target'` reads, or null for an architecture-only target. */
export function ownValue(weight: WeightSpec): TensorExpr | null {
  return weight.values ? asTargetExpr(weight.values) : null;
}

const zerosOf = (weight: WeightSpec): TensorExpr => ({
  op: 'zeros',
  shape: [...weight.shape],
  dtype: weight.dtype,
});

function basePlan(layer: LayerSpec, weight: WeightSpec, found: PreparedSource | null) {
  return {
    targetLayer: layer.id,
    weight: weight.name,
    targetShape: [...weight.shape],
    sourceLayer: found?.layer.id ?? null,
    sourceWeight: found?.weight.name ?? null,
    sourceShape: found ? [...found.weight.shape] : null,
  };
}

/** A weight with no source at all, handled as `mapping.defaults.unlinked` says. */
export function unlinkedWeight(
  layer: LayerSpec,
  weight: WeightSpec,
  why: string,
  policy: UnlinkedPolicy,
): WeightOutcome {
  const base = basePlan(layer, weight, null);
  if (policy === 'zeros') {
    return {
      plan: {
        ...base,
        status: 'zeroed',
        steps: [{ kind: 'zeros', detail: `zeros: ${why}` }],
        expr: zerosOf(weight),
      },
      sourceElements: 0,
    };
  }
  const own = ownValue(weight);
  if (own) {
    return {
      plan: {
        ...base,
        status: 'kept-initial',
        steps: [{ kind: 'keep', detail: `keep the target's own value: ${why}` }],
        expr: own,
      },
      sourceElements: 0,
    };
  }
  return {
    plan: {
      ...base,
      status: 'missing',
      steps: [{ kind: 'zeros', detail: `zeros: ${why}, and the target has no value of its own` }],
      expr: zerosOf(weight),
      problem: `${why}, and the target file has no value of its own: link a source layer or set unlinked layers to zeros`,
    },
    sourceElements: 0,
  };
}

/**
 * A linked weight that keeps the target's own value (a classifier head by choice, a Flatten whose size
 * changed, an impossible shape). `problem` is set when the mapping asked for something else.
 */
export function keptWeight(
  layer: LayerSpec,
  weight: WeightSpec,
  found: PreparedSource | null,
  why: string,
  problem: string | null,
): WeightOutcome {
  const base = basePlan(layer, weight, found);
  const own = ownValue(weight);
  if (own) {
    return {
      plan: {
        ...base,
        status: 'kept-initial',
        steps: [{ kind: 'keep', detail: `keep the target's own value: ${why}` }],
        expr: own,
        ...(problem ? { problem } : {}),
      },
      sourceElements: 0,
    };
  }
  return {
    plan: {
      ...base,
      status: 'missing',
      steps: [{ kind: 'zeros', detail: `zeros: ${why}` }],
      expr: zerosOf(weight),
      problem: `${problem ?? why}; the target file has no value of its own to keep`,
    },
    sourceElements: 0,
  };
}
