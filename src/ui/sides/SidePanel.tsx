// One side's header above its graph: which file it shows, what the file is, a picker, the load
// progress and that side's own error.

import { useSidesStore } from '../../state/sidesStore';
import type { Side } from '../../worker/sessionApi';
import type { FormatKind } from '../../model';
import { loadIntoSide } from './loadIntoSide';

const FORMAT_NAMES: Record<FormatKind, string> = {
  'keras-legacy-weights': 'legacy HDF5 weights',
  'keras-legacy-model': 'legacy HDF5 full model',
  'keras3-weights': 'Keras 3 .weights.h5',
  'keras3-archive': 'Keras 3 .keras archive',
  'keras-json': 'architecture JSON (no values)',
};

const TITLES: Record<Side, [string, string]> = {
  source: ['Source', 'pretrained weights'],
  target: ['Target', 'changed network'],
};

export function SidePanel({ side }: { side: Side }) {
  const state = useSidesStore((s) => s[side]);
  const [title, subtitle] = TITLES[side];
  const spec = state.spec;
  const weighted = spec ? spec.layers.filter((l) => l.weights.length > 0).length : 0;
  const progress = state.loading?.progress;
  return (
    <div className={`side-panel side-${side}`} data-testid={`${side}-panel`}>
      <div className="side-head">
        <span className="side-title">
          {title} <small>{subtitle}</small>
        </span>
        <label className="button file-button">
          open…
          <input
            type="file"
            multiple
            data-testid={`${side}-input`}
            aria-label={`open ${side} weights (and architecture JSON)`}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void loadIntoSide(side, files);
            }}
          />
        </label>
      </div>
      <div className="side-file" data-testid={`${side}-file`} title={state.fileName ?? undefined}>
        {state.fileName ?? <span className="muted">no file yet: drop one on this half or open…</span>}
      </div>
      {spec && (
        <div className="side-meta">
          <span data-testid={`${side}-layer-count`} data-count={spec.layers.length}>
            {spec.layers.length} layers
          </span>{' '}
          · {weighted} with weights · {FORMAT_NAMES[spec.format]}
          {spec.kerasVersion ? ` · Keras ${spec.kerasVersion}` : ''}
          {spec.notes.length > 0 && (
            <span className="notes" title={spec.notes.join('\n')}>
              {' '}
              · {spec.notes.length} note{spec.notes.length === 1 ? '' : 's'}
            </span>
          )}
        </div>
      )}
      {state.loading && (
        <div className="side-progress" data-testid={`${side}-progress`}>
          <progress
            max={progress?.total || 1}
            // Nothing done yet: an indeterminate bar rather than an empty one.
            value={progress && progress.done > 0 ? progress.done : undefined}
            aria-label={`reading ${state.loading.label}`}
          />
          <span>
            reading {state.loading.label}
            {progress?.what ? `: ${progress.what}` : '…'}
          </span>
        </div>
      )}
      {state.error && (
        <div className="alert" role="alert" data-testid={`${side}-error`}>
          <span>{state.error}</span>
          <button
            type="button"
            aria-label="dismiss"
            onClick={() => useSidesStore.getState().dismissError(side)}
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}
