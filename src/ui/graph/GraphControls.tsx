// The strip above the graphs: search (Enter jumps to the next match), the weightless filter, zoom and
// the colour legend.

import { useState } from 'react';
import type { Side } from '../../worker/sessionApi';
import { useViewStore } from '../../state/viewStore';

interface GraphControlsProps {
  hits: { side: Side; id: string }[];
  onZoom(factor: number): void;
  onFit(): void;
}

export function GraphControls({ hits, onZoom, onFit }: GraphControlsProps) {
  const search = useViewStore((s) => s.search);
  const hideWeightless = useViewStore((s) => s.hideWeightless);
  const zoom = useViewStore((s) => s.zoom);
  const [at, setAt] = useState(-1);

  const jump = (step: number) => {
    if (hits.length === 0) return;
    const next = (((at + step) % hits.length) + hits.length) % hits.length;
    setAt(next);
    useViewStore.getState().focusLayer(hits[next].side, hits[next].id);
  };

  return (
    <div className="graph-controls">
      <input
        type="search"
        className="search"
        placeholder="find layer…"
        aria-label="find layer"
        data-testid="search"
        value={search}
        onChange={(e) => {
          setAt(-1);
          useViewStore.getState().setSearch(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            jump(e.shiftKey ? -1 : 1);
          }
        }}
      />
      <span className="search-count" aria-live="polite">
        {search.trim() ? (hits.length === 0 ? 'no match' : `${at >= 0 ? at + 1 : '–'}/${hits.length}`) : ''}
      </span>
      <label className="check">
        <input
          type="checkbox"
          data-testid="hide-weightless"
          checked={hideWeightless}
          onChange={(e) => useViewStore.getState().setHideWeightless(e.target.checked)}
        />
        hide layers without weights
      </label>
      <span className="spacer" />
      <span className="legend" aria-label="link colours">
        <span className="swatch exact" /> exact
        <span className="swatch adapted" /> adapted
        <span className="swatch problem" /> problem
        <span className="swatch unmatched" /> unmatched
      </span>
      <span className="zoom">
        <button
          type="button"
          onClick={() => onZoom(1 / 1.25)}
          aria-label="zoom out"
          title="zoom out (ctrl+wheel)"
        >
          −
        </button>
        <span className="zoom-level">{Math.round(zoom * 100)}%</span>
        <button type="button" onClick={() => onZoom(1.25)} aria-label="zoom in" title="zoom in (ctrl+wheel)">
          +
        </button>
        <button type="button" onClick={onFit} title="fit both graphs">
          fit
        </button>
      </span>
    </div>
  );
}
