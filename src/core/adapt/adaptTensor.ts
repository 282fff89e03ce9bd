// Builds the expression that turns one source tensor into one target tensor, axis by axis, from axis
// maps. First every axis gathers the source positions it keeps (take / replicate), then every axis with
// new positions places them (pad / concat) filled with zeros or the target's own values — so a fill from
// the target always lines up with the target's own positions.

import type { DType, IndexSet, TensorExpr, TransformStep, WeightStatus } from '../../model';
import { hasNewPositions, hasRepeats, isIdentityMap, sourcePositions, type AxisMap } from './axisMaps';

export interface AxisPlan {
  /** Per target position, the source position it takes or -1; null when the axis is unchanged. */
  map: AxisMap | null;
  /** What new positions get. */
  fill: 'zeros' | 'target';
  /** Divide repeated positions by their count (this axis reads channels that were replicated). */
  divide: boolean;
  kind: 'channel' | 'spatial' | 'other';
  /** Why, for people: "keep 32 of 64 by l1 (group conv1/bn1/dw1)". */
  detail: string;
}

export interface AdaptRequest {
  /** The source value, already in the target's axis order. */
  source: TensorExpr;
  sourceShape: number[];
  sourceDType: DType;
  targetShape: number[];
  targetDType: DType;
  /** The target's own value (`op: 'target'` reads), for `fill: 'target'`. */
  targetOwn: TensorExpr | null;
  axes: AxisPlan[];
  /** Steps already applied to make `source` (layout conversions). */
  before?: TransformStep[];
}

export interface AdaptResult {
  expr: TensorExpr;
  status: WeightStatus;
  steps: TransformStep[];
  /** Target elements whose values come from the source. */
  sourceElements: number;
  problems: string[];
}

function indexSetOf(positions: readonly number[]): IndexSet {
  const start = positions[0] ?? 0;
  const contiguous = positions.every((p, i) => p === start + i);
  return contiguous
    ? { kind: 'range', start, length: positions.length }
    : { kind: 'indices', indices: [...positions] };
}

/** Splits positions 0..n-1 into runs that come from the source (kept) or are new. */
function runsOf(map: readonly number[]): Array<{ start: number; length: number; fromSource: boolean }> {
  const runs: Array<{ start: number; length: number; fromSource: boolean }> = [];
  map.forEach((source, i) => {
    const fromSource = source >= 0;
    const last = runs[runs.length - 1];
    if (last && last.fromSource === fromSource) last.length++;
    else runs.push({ start: i, length: 1, fromSource });
  });
  return runs;
}

const countOf = (map: AxisMap | null, size: number): number => (map ? sourcePositions(map).length : size);

export function adaptTensor(request: AdaptRequest): AdaptResult {
  const { sourceShape, targetShape, axes } = request;
  const steps: TransformStep[] = [...(request.before ?? [])];
  const problems: string[] = [];
  let expr = request.source;
  if (sourceShape.length !== targetShape.length || axes.length !== targetShape.length) {
    throw new Error(
      `adaptTensor: rank mismatch ${sourceShape} -> ${targetShape} with ${axes.length} axis plans`,
    );
  }

  // 1. Gather: each axis keeps (or repeats) the source positions its map names.
  const current = [...sourceShape];
  let gathered = false;
  let cropped = false;
  let grown = false;
  axes.forEach((plan, axis) => {
    if (!plan.map) return;
    const positions = sourcePositions(plan.map);
    if (isIdentityMap(positions, sourceShape[axis])) return;
    if (hasRepeats(positions)) {
      expr = { op: 'replicate', axis, sources: positions, divide: plan.divide, input: expr };
      const divided = plan.divide ? '; copies divided by their count so the sum is unchanged' : '';
      steps.push({ kind: 'replicate', axis, detail: `replicate axis ${axis}: ${plan.detail}${divided}` });
      grown = true;
    } else {
      expr = { op: 'take', axis, index: indexSetOf(positions), input: expr };
      const spatial = plan.kind === 'spatial';
      steps.push({
        kind: spatial ? 'crop' : 'slice',
        axis,
        detail: `${spatial ? 'crop' : 'slice'} axis ${axis}: ${plan.detail}`,
      });
      if (spatial) cropped = true;
      else gathered = true;
    }
    current[axis] = positions.length;
  });

  // 2. Place: axes with new positions grow to the target size.
  const growing = axes.map((plan) => plan.map !== null && hasNewPositions(plan.map));
  let fillMissing = false;
  axes.forEach((plan, axis) => {
    if (!plan.map || !growing[axis]) return;
    const map = plan.map;
    const wantsTarget = plan.fill === 'target';
    if (wantsTarget && !request.targetOwn) fillMissing = true;
    const fillKind = wantsTarget && request.targetOwn ? 'target' : 'zeros';
    /** The target's own values for positions [start, start+length) of this axis, matching `current` elsewhere. */
    const fillPiece = (start: number, length: number): TensorExpr => {
      const shape = [...current];
      shape[axis] = length;
      if (fillKind === 'zeros' || !request.targetOwn)
        return { op: 'zeros', shape, dtype: request.sourceDType };
      let own: TensorExpr = request.targetOwn;
      if (request.targetDType !== request.sourceDType)
        own = { op: 'cast', dtype: request.sourceDType, input: own };
      own = { op: 'take', axis, index: { kind: 'range', start, length }, input: own };
      // Axes still to be placed hold only their source positions: take the target at those positions.
      axes.forEach((other, otherAxis) => {
        if (otherAxis <= axis || !other.map || !growing[otherAxis]) return;
        const kept = other.map.flatMap((source, i) => (source >= 0 ? [i] : []));
        own = { op: 'take', axis: otherAxis, index: indexSetOf(kept), input: own };
      });
      return own;
    };
    const runs = runsOf(map);
    const kept = runs.filter((run) => run.fromSource);
    const newCount = map.filter((source) => source < 0).length;
    const fillText = fillKind === 'target' ? "the target's own values" : 'zeros';
    if (kept.length === 1) {
      const fill = fillKind === 'target' ? fillPiece(0, map.length) : null;
      expr = {
        op: 'pad',
        axis,
        size: map.length,
        offset: kept[0].start,
        fill: { kind: fillKind },
        ...(fill ? { fillFrom: fill } : {}),
        input: expr,
      };
    } else {
      let taken = 0;
      const pieces = runs.map((run): TensorExpr => {
        if (!run.fromSource) return fillPiece(run.start, run.length);
        const piece: TensorExpr = {
          op: 'take',
          axis,
          index: { kind: 'range', start: taken, length: run.length },
          input: expr,
        };
        taken += run.length;
        return piece;
      });
      expr = concatOrSingle(pieces, axis);
    }
    const spatial = plan.kind === 'spatial';
    steps.push({
      kind: 'pad',
      axis,
      detail: `pad axis ${axis}: ${plan.detail}${spatial ? '' : `; ${newCount} new filled with ${fillText}`}`,
    });
    if (spatial) cropped = true;
    else grown = true;
    current[axis] = map.length;
  });
  if (fillMissing)
    problems.push('the target has no values of its own to fill new positions with; used zeros');

  if (request.sourceDType !== request.targetDType) {
    expr = { op: 'cast', dtype: request.targetDType, input: expr };
    steps.push({ kind: 'convert', detail: `cast ${request.sourceDType} -> ${request.targetDType}` });
  }

  const converted = steps.some((step) => step.kind === 'convert');
  let status: WeightStatus;
  if (cropped || (gathered && grown)) status = 'adapted';
  else if (gathered) status = 'sliced';
  else if (grown) status = 'padded';
  else if (converted) status = 'converted';
  else status = 'copied';
  if (status === 'copied') steps.push({ kind: 'copy', detail: `copy [${targetShape.join(', ')}]` });

  const sourceElements = axes.reduce(
    (product, plan, axis) => product * countOf(plan.map, targetShape[axis]),
    1,
  );
  return { expr, status, steps, sourceElements, problems };
}

function concatOrSingle(pieces: TensorExpr[], axis: number): TensorExpr {
  return pieces.length === 1 ? pieces[0] : { op: 'concat', axis, inputs: pieces };
}
