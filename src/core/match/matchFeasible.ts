// The matcher scores layers one pair at a time; whether a pair can really be adapted can depend on
// the whole graph (a Dense after a Flatten whose feature map grew). So every automatic link is also
// planned, and one no adapter can satisfy is dropped: the target layer keeps its own values instead
// of blocking the export. Manual and locked links are never dropped — their problems are shown.

import type { ModelSpec } from '../../model/modelSpec';
import type { Link, Mapping } from '../../model/mapping';
import { planTransfer } from '../plan';
import { autoMatch, type MatchResult } from './autoMatch';

export interface FeasibleMatchResult extends MatchResult {
  /** Target layers the matcher paired but no adapter could fit, with the reason. */
  dropped: { target: string; source: string; reason: string }[];
}

export async function matchFeasibleLinks(
  source: ModelSpec,
  target: ModelSpec,
  mapping?: Mapping,
): Promise<FeasibleMatchResult> {
  const result = autoMatch(source, target, mapping);
  // Shapes decide feasibility; channel scores do not, so no source tensor is read here.
  const plan = await planTransfer(source, target, result.mapping);
  const byTarget = new Map(plan.layers.map((l) => [l.target, l]));
  const dropped: FeasibleMatchResult['dropped'] = [];
  const kept: Link[] = [];
  for (const link of result.mapping.links) {
    const planned = byTarget.get(link.target);
    const reason = planned?.problem ?? planned?.weights.find((w) => w.problem)?.problem;
    if (reason && !link.locked && link.origin !== 'manual')
      dropped.push({ target: link.target, source: link.source, reason });
    else kept.push(link);
  }
  if (dropped.length === 0) return { ...result, dropped };
  const gone = new Set(dropped.map((d) => d.target));
  const confidence = Object.fromEntries(Object.entries(result.confidence).filter(([t]) => !gone.has(t)));
  const order = new Map(target.layers.map((l, i) => [l.id, i]));
  const unmatched = [...result.unmatched, ...gone].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return {
    mapping: { ...result.mapping, links: kept },
    confidence,
    unmatched,
    lowConfidence: result.lowConfidence.filter((t) => !gone.has(t)),
    dropped,
  };
}
