// The side panel: details of the selected link or layer (shapes, status, steps, adapter, histogram),
// or an overview of the whole mapping when nothing is selected.

import { useState } from 'react';
import type { LayerPlan, LayerSpec, Link, WeightPlan } from '../../model';
import { cutLayerIds } from '../../core/mapping';
import { layerStatus } from '../../state/linkStatus';
import { useMappingStore } from '../../state/mappingStore';
import { usePlanStore } from '../../state/planStore';
import { useSidesStore } from '../../state/sidesStore';
import { useViewStore } from '../../state/viewStore';
import { shapeLabel } from '../graph/graphInput';
import { AdapterForm } from './AdapterForm';
import { WeightPreview } from './WeightPreview';
import { MappingOverview } from './MappingOverview';

const shape = (s: readonly number[] | null) => (s ? shapeLabel(s) : '—');

function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

function WeightsTable({
  weights,
  picked,
  onPick,
}: {
  weights: WeightPlan[];
  picked: number;
  onPick(i: number): void;
}) {
  return (
    <table className="weights" data-testid="weights-table">
      <thead>
        <tr>
          <th>weight</th>
          <th>source</th>
          <th>target</th>
          <th>status</th>
        </tr>
      </thead>
      <tbody>
        {weights.map((w, i) => (
          <tr key={w.weight} className={i === picked ? 'picked' : undefined} onClick={() => onPick(i)}>
            <td>{w.weight}</td>
            <td>{shape(w.sourceShape)}</td>
            <td>{shape(w.targetShape)}</td>
            <td>
              <span className={`wstatus wstatus-${w.status}`}>{w.status}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TargetDetails({ target }: { target: string }) {
  const mapping = useMappingStore((s) => s.history.present);
  const plan = usePlanStore((s) => s.plan);
  const planning = usePlanStore((s) => s.planning);
  const layer = useSidesStore((s) => s.target.spec?.layers.find((l) => l.id === target) ?? null);
  const [picked, setPicked] = useState(0);
  const link: Link | undefined = mapping.links.find((l) => l.target === target);
  const layerPlan: LayerPlan | undefined = plan?.layers.find((l) => l.target === target);
  const status = layerPlan ? layerStatus(layerPlan) : planning ? 'pending' : link ? 'pending' : 'unmatched';
  const weight = layerPlan?.weights[Math.min(picked, (layerPlan?.weights.length ?? 1) - 1)];
  return (
    <div className="details" data-testid="inspector-target">
      <h2>
        <span className="muted">target</span> {target}
      </h2>
      <div className="row">
        <StatusBadge status={status} />
        {layer?.className && <span className="muted">{layer.className}</span>}
      </div>
      {link ? (
        <div className="link-info">
          <div>
            from{' '}
            <button
              type="button"
              className="linklike"
              onClick={() => useViewStore.getState().focusLayer('source', link.source)}
            >
              {link.source}
            </button>{' '}
            <span className="muted">
              ({link.origin}, confidence {link.confidence.toFixed(2)})
            </span>
          </div>
          <div className="row">
            <label className="check" title="a locked link is kept when the matcher runs again">
              <input
                type="checkbox"
                checked={link.locked}
                onChange={(e) =>
                  useMappingStore.getState().apply({ kind: 'lock', target, locked: e.target.checked })
                }
              />
              locked
            </label>
            <button
              type="button"
              data-testid="disconnect"
              onClick={() => useMappingStore.getState().apply({ kind: 'disconnect', target })}
            >
              cut link
            </button>
          </div>
          <AdapterForm link={link} defaults={mapping.defaults} />
        </div>
      ) : (
        <p className="muted">
          No source layer feeds this layer
          {layer && layer.weights.length > 0
            ? `; it ${mapping.defaults.unlinked === 'zeros' ? 'is zeroed' : 'keeps its own values'}`
            : ''}
          . Drag a source layer onto it to link them.
        </p>
      )}
      {layerPlan?.problem && <p className="problem-text">{layerPlan.problem}</p>}
      {layerPlan && layerPlan.weights.length > 0 && (
        <>
          <WeightsTable weights={layerPlan.weights} picked={picked} onPick={setPicked} />
          {weight && (
            <div className="weight-detail">
              <div className="steps" data-testid="steps">
                {weight.steps.length === 0 ? (
                  <span className="muted">no steps</span>
                ) : (
                  weight.steps.map((s, i) => <div key={i}>{s.detail}</div>)
                )}
              </div>
              {weight.problem && <p className="problem-text">{weight.problem}</p>}
              <WeightPreview mapping={mapping} target={target} index={layerPlan.weights.indexOf(weight)} />
            </div>
          )}
        </>
      )}
      {!layerPlan && layer && layer.weights.length > 0 && <LayerWeights layer={layer} />}
    </div>
  );
}

function LayerWeights({ layer }: { layer: LayerSpec }) {
  return (
    <table className="weights">
      <tbody>
        {layer.weights.map((w) => (
          <tr key={w.name}>
            <td>{w.name}</td>
            <td>{shape(w.shape)}</td>
            <td className="muted">{w.dtype}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SourceDetails({ id }: { id: string }) {
  const mapping = useMappingStore((s) => s.history.present);
  const source = useSidesStore((s) => s.source.spec);
  const layer = source?.layers.find((l) => l.id === id) ?? null;
  const link = mapping.links.find((l) => l.source === id);
  const cut = source
    ? mapping.cuts.find((c) => {
        try {
          return cutLayerIds(c, source).includes(id);
        } catch {
          return false;
        }
      })
    : undefined;
  return (
    <div className="details" data-testid="inspector-source">
      <h2>
        <span className="muted">source</span> {id}
      </h2>
      <div className="row muted">{layer?.className ?? 'class unknown'}</div>
      {cut ? (
        <div className="row">
          in the cut {cut.from} … {cut.to}
          <button
            type="button"
            onClick={() => useMappingStore.getState().apply({ kind: 'uncut', from: cut.from, to: cut.to })}
          >
            restore range
          </button>
        </div>
      ) : link ? (
        <div>
          feeds{' '}
          <button
            type="button"
            className="linklike"
            onClick={() => useViewStore.getState().select({ kind: 'link', target: link.target, source: id })}
          >
            {link.target}
          </button>
        </div>
      ) : (
        layer &&
        layer.weights.length > 0 && (
          <p className="muted">Feeds nothing. Drag it onto a target layer to link it.</p>
        )
      )}
      {layer && layer.weights.length > 0 && <LayerWeights layer={layer} />}
      <p className="hint">
        Shift-click another source layer (or shift-drag) to select a range, then "cut range".
      </p>
    </div>
  );
}

export function Inspector() {
  const selection = useViewStore((s) => s.selection);
  let body;
  if (selection?.kind === 'link')
    body = <TargetDetails key={`t:${selection.target}`} target={selection.target} />;
  else if (selection?.kind === 'layer' && selection.side === 'target')
    body = <TargetDetails key={`t:${selection.id}`} target={selection.id} />;
  else if (selection?.kind === 'layer') body = <SourceDetails id={selection.id} />;
  else body = <MappingOverview />;
  return (
    <aside className="inspector" aria-label="inspector" data-testid="inspector">
      {selection && (
        <button
          type="button"
          className="close"
          aria-label="close details"
          onClick={() => useViewStore.getState().select(null)}
        >
          ×
        </button>
      )}
      {body}
    </aside>
  );
}
