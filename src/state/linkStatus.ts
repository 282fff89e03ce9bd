// How the app colours a link or a target layer, from the plan. Four kinds a user can act on: exact
// (nothing changed), adapted (shapes were made to fit), problem (cannot be made as mapped), unmatched
// (a weighted target layer with no source).

import type { LayerPlan, TransferPlan, WeightStatus } from '../model';

export type LinkStatus = 'exact' | 'adapted' | 'problem' | 'unmatched';

const UNCHANGED: ReadonlySet<WeightStatus> = new Set(['copied']);
const FROM_SOURCE: ReadonlySet<WeightStatus> = new Set([
  'copied',
  'reshaped',
  'converted',
  'sliced',
  'padded',
  'adapted',
]);

/** Why this layer cannot be made as mapped, or null. */
export function layerProblem(layer: LayerPlan): string | null {
  const broken = layer.weights.find((w) => w.problem || w.status === 'missing');
  const weightProblem = broken
    ? (broken.problem ?? `${broken.weight} has no source and no value of its own`)
    : null;
  if (layer.problem || weightProblem) return [layer.problem, weightProblem].filter(Boolean).join('; ');
  return null;
}

export function layerStatus(layer: LayerPlan): LinkStatus {
  if (layerProblem(layer) !== null) return 'problem';
  if (layer.source === null) return 'unmatched';
  if (layer.weights.every((w) => UNCHANGED.has(w.status))) return 'exact';
  return 'adapted';
}

/** Status per target layer id, for the layers the plan covers. */
export function statusByTarget(plan: TransferPlan): Map<string, LinkStatus> {
  return new Map(plan.layers.map((layer) => [layer.target, layerStatus(layer)]));
}

export interface PlanSummary {
  coverage: number;
  layers: Record<LinkStatus, number>;
  /** Target tensors whose values come from the source. */
  tensorsFromSource: number;
  tensors: number;
}

export function summarisePlan(plan: TransferPlan): PlanSummary {
  const layers: Record<LinkStatus, number> = { exact: 0, adapted: 0, problem: 0, unmatched: 0 };
  let tensors = 0;
  let fromSource = 0;
  for (const layer of plan.layers) {
    if (layer.weights.length === 0) continue;
    layers[layerStatus(layer)]++;
    for (const w of layer.weights) {
      tensors++;
      if (FROM_SOURCE.has(w.status)) fromSource++;
    }
  }
  return { coverage: plan.coverage, layers, tensorsFromSource: fromSource, tensors };
}

/** Why the plan cannot be exported yet, or null when it can. */
export function exportBlocker(
  plan: TransferPlan | null,
  planning: boolean,
  planError: string | null,
): string | null {
  if (planError) return `the plan failed: ${planError}`;
  if (!plan || planning) return 'the plan is still being computed';
  const broken = plan.layers.filter((layer) => layerStatus(layer) === 'problem');
  if (broken.length > 0) {
    const first = broken[0];
    const reason = layerProblem(first);
    const more = broken.length > 1 ? ` (and ${broken.length - 1} more)` : '';
    return `${first.target}: ${reason}${more}; fix or cut that link first`;
  }
  if (plan.problems.length > 0) return plan.problems[0];
  return null;
}
