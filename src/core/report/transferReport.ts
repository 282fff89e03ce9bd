// The plain-text transfer report: what the CLI prints after `map`/`apply` and what the app downloads.
// Written for a person deciding whether to trust the file: coverage first, problems next, then detail.

import { WEIGHT_STATUSES, type TransferPlan } from '../../model/plan';

const shape = (s: number[] | null) => (s ? (s.length ? s.join('x') : 'scalar') : '-');

/** `notes`: lines the caller adds under the summary (e.g. pairs the matcher dropped, and why). */
export function formatTransferReport(
  plan: TransferPlan,
  files: { source: string; target: string },
  notes: string[] = [],
): string {
  const lines: string[] = [];
  lines.push(`source: ${files.source}`);
  lines.push(`target: ${files.target}`);
  lines.push(`coverage: ${(plan.coverage * 100).toFixed(1)}% of target parameters come from the source`);
  const counts = WEIGHT_STATUSES.filter((s) => plan.counts[s] > 0).map((s) => `${plan.counts[s]} ${s}`);
  lines.push(`tensors: ${counts.join(', ') || 'none'}`);
  for (const note of notes) lines.push(`note: ${note}`);
  if (plan.problems.length > 0) {
    lines.push('', `problems (${plan.problems.length}) — export is refused until they are resolved:`);
    for (const p of plan.problems) lines.push(`  ! ${p}`);
  }
  lines.push('');
  const targetWidth = Math.min(40, Math.max(12, ...plan.layers.map((l) => l.target.length)));
  const sourceWidth = Math.min(40, Math.max(12, ...plan.layers.map((l) => (l.source ?? '(none)').length)));
  lines.push(
    `${'target layer'.padEnd(targetWidth)}  <- ${'source layer'.padEnd(sourceWidth)}  origin       conf`,
  );
  for (const layer of plan.layers) {
    const origin = (layer.origin ?? '-').padEnd(11);
    const confidence = layer.source ? layer.confidence.toFixed(2) : '   -';
    lines.push(
      `${layer.target.padEnd(targetWidth)}  <- ${(layer.source ?? '(none)').padEnd(sourceWidth)}  ${origin}  ${confidence}`,
    );
    if (layer.problem) lines.push(`    ! ${layer.problem}`);
    for (const w of layer.weights) {
      const from = w.sourceShape ? `${shape(w.sourceShape)} -> ` : '';
      // A plain copy needs no explanation; everything else says what was done.
      const steps = w.status === 'copied' ? '' : w.steps.map((s) => s.detail).join('; ');
      lines.push(
        `    ${w.weight.padEnd(18)} ${from}${shape(w.targetShape).padEnd(14)} ${w.status}${steps ? `: ${steps}` : ''}`,
      );
      if (w.problem) lines.push(`      ! ${w.problem}`);
    }
  }
  if (plan.unmatched.length > 0)
    lines.push('', `target layers without a source (${plan.unmatched.length}): ${plan.unmatched.join(', ')}`);
  if (plan.unusedSource.length > 0)
    lines.push(`source layers not used (${plan.unusedSource.length}): ${plan.unusedSource.join(', ')}`);
  return lines.join('\n');
}
