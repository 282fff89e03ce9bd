// The bottom line: how much of the target the source fills, how many layers are in each state, and
// whatever just happened or went wrong.

import { useEffect, useState } from 'react';
import { summarisePlan } from '../state/linkStatus';
import { useMappingStore } from '../state/mappingStore';
import { usePlanStore } from '../state/planStore';
import { useViewStore } from '../state/viewStore';
import { useExportStore } from '../state/exportStore';

function Notice() {
  const notice = useViewStore((s) => s.notice);
  const [hidden, setHidden] = useState<number | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setHidden(notice.seq), 8000);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice || hidden === notice.seq) return null;
  return (
    <span className="notice" data-testid="notice" role="status">
      {notice.text}
    </span>
  );
}

export function SummaryBar() {
  const plan = usePlanStore((s) => s.plan);
  const planning = usePlanStore((s) => s.planning);
  const planError = usePlanStore((s) => s.error);
  const mappingError = useMappingStore((s) => s.error);
  const paired = useMappingStore((s) => s.pairKey !== null);
  const links = useMappingStore((s) => s.history.present.links.length);
  const exportError = useExportStore((s) => s.error);
  const exported = useExportStore((s) => s.done);
  const summary = plan ? summarisePlan(plan) : null;
  return (
    <footer className="summary-bar" data-testid="summary">
      {paired && summary ? (
        <>
          <span
            className="coverage"
            data-testid="coverage"
            title="share of target parameters whose values come from the source"
          >
            <span className="coverage-bar">
              <span style={{ width: `${Math.round(summary.coverage * 100)}%` }} />
            </span>
            {Math.round(summary.coverage * 1000) / 10}% of target parameters from source
          </span>
          <span className="counts" data-testid="status-counts">
            <span className="count exact" data-status="exact">
              {summary.layers.exact} exact
            </span>
            <span className="count adapted" data-status="adapted">
              {summary.layers.adapted} adapted
            </span>
            <span className="count problem" data-status="problem">
              {summary.layers.problem} problem
            </span>
            <span className="count unmatched" data-status="unmatched">
              {summary.layers.unmatched} unmatched
            </span>
          </span>
          <span className="muted">
            {links} links · {summary.tensorsFromSource}/{summary.tensors} tensors from source
          </span>
        </>
      ) : (
        <span className="muted">
          {paired ? 'planning…' : 'load a source and a target to see the transfer plan'}
        </span>
      )}
      {planning && paired && <span className="busy">planning…</span>}
      <span className="spacer" />
      <Notice />
      {exported && !exportError && (
        <span className="muted">
          wrote {exported.fileName} ({(exported.bytes / 1e6).toFixed(1)} MB)
        </span>
      )}
      {planError && (
        <span className="alert" role="alert" data-testid="plan-error">
          plan: {planError}
        </span>
      )}
      {mappingError && (
        <span className="alert" role="alert" data-testid="mapping-error">
          {mappingError}
          <button
            type="button"
            aria-label="dismiss"
            onClick={() => useMappingStore.getState().dismissError()}
          >
            ×
          </button>
        </span>
      )}
      {exportError && (
        <span className="alert" role="alert" data-testid="export-error">
          {exportError}
          <button type="button" aria-label="dismiss" onClick={() => useExportStore.getState().dismissError()}>
            ×
          </button>
        </span>
      )}
    </footer>
  );
}
