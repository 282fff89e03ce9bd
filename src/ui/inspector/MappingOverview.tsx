// What the inspector shows with nothing selected: the mapping-wide defaults, the cuts, and the layers
// that need attention.

import type { Mapping } from '../../model';
import { useMappingStore } from '../../state/mappingStore';
import { usePlanStore } from '../../state/planStore';
import { useSidesStore } from '../../state/sidesStore';
import { useViewStore } from '../../state/viewStore';

function DefaultChoice<K extends keyof Mapping['defaults']>({
  field,
  label,
  options,
}: {
  field: K;
  label: string;
  options: readonly Mapping['defaults'][K][];
}) {
  const value = useMappingStore((s) => s.history.present.defaults[field]);
  return (
    <label className="choice">
      <span>{label}</span>
      <select
        data-testid={`default-${field}`}
        value={value}
        onChange={(e) =>
          useMappingStore.getState().apply({ kind: 'set-defaults', defaults: { [field]: e.target.value } })
        }
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function MappingOverview() {
  const cuts = useMappingStore((s) => s.history.present.cuts);
  const paired = useMappingStore((s) => s.pairKey !== null);
  const plan = usePlanStore((s) => s.plan);
  const sourceNotes = useSidesStore((s) => s.source.spec?.notes);
  const targetNotes = useSidesStore((s) => s.target.spec?.notes);
  const notes = [
    ...(sourceNotes ?? []).map((n) => `source: ${n}`),
    ...(targetNotes ?? []).map((n) => `target: ${n}`),
  ];
  if (!paired) {
    return (
      <div className="details">
        <h2>How it works</h2>
        <ol className="howto">
          <li>
            Drop the pretrained weights on the left half, your changed model on the right half (a .json next
            to a weights file is its architecture).
          </li>
          <li>
            Graft matches the layers. Drag a source layer onto a target layer to link them; drag a link's end
            away, or select it and press Delete, to cut it.
          </li>
          <li>Shift-click two source layers and "cut range" when a block was removed.</li>
          <li>Export writes the target file with the transferred weights, here in the browser.</li>
        </ol>
      </div>
    );
  }
  return (
    <div className="details" data-testid="inspector-overview">
      <h2>Mapping</h2>
      <div className="adapter-form">
        <DefaultChoice
          field="select"
          label="keep channels by"
          options={['l1', 'l2', 'bn-gamma', 'first', 'uniform']}
        />
        <DefaultChoice
          field="grow"
          label="fill new channels with"
          options={['zeros', 'target', 'replicate']}
        />
        <DefaultChoice field="unlinked" label="target layers without source" options={['keep', 'zeros']} />
      </div>
      <h3>Cuts</h3>
      {cuts.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ul className="cuts" data-testid="cuts">
          {cuts.map((cut) => (
            <li key={`${cut.from}..${cut.to}`}>
              {cut.from} … {cut.to}{' '}
              <button
                type="button"
                onClick={() =>
                  useMappingStore.getState().apply({ kind: 'uncut', from: cut.from, to: cut.to })
                }
              >
                restore
              </button>
            </li>
          ))}
        </ul>
      )}
      {plan && plan.unmatched.length > 0 && (
        <>
          <h3>Target layers without a source ({plan.unmatched.length})</h3>
          <ul className="jump-list">
            {plan.unmatched.map((id) => (
              <li key={id}>
                <button
                  type="button"
                  className="linklike"
                  onClick={() => useViewStore.getState().focusLayer('target', id)}
                >
                  {id}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {plan && plan.problems.length > 0 && (
        <>
          <h3>Problems</h3>
          <ul className="problems">
            {plan.problems.map((p) => (
              <li key={p} className="problem-text">
                {p}
              </li>
            ))}
          </ul>
        </>
      )}
      {notes.length > 0 && (
        <>
          <h3>Notes from reading the files</h3>
          <ul className="notes-list">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
