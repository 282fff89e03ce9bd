// The top bar: editing (undo, redo, auto-align, cut range), the pair (swap, demo) and what comes out
// (mapping JSON in and out, report, export).

import { useRef } from 'react';
import { canRedo, canUndo } from '../state/mappingHistory';
import { useMappingStore } from '../state/mappingStore';
import { useSidesStore } from '../state/sidesStore';
import { useViewStore } from '../state/viewStore';
import { useExportStore } from '../state/exportStore';
import { usePlanStore } from '../state/planStore';
import { exportBlocker } from '../state/linkStatus';
import { loadDemoPair } from '../state/demoPair';
import { saveDownload } from './download';

export function Toolbar() {
  const history = useMappingStore((s) => s.history);
  const busy = useMappingStore((s) => s.busy);
  const paired = useMappingStore((s) => s.pairKey !== null);
  const range = useViewStore((s) => s.range);
  const sourceLoading = useSidesStore((s) => s.source.loading !== null);
  const targetLoading = useSidesStore((s) => s.target.loading !== null);
  const anyLoaded = useSidesStore((s) => s.source.spec !== null || s.target.spec !== null);
  const exporting = useExportStore((s) => s.running);
  const exportProgress = useExportStore((s) => s.progress);
  const blocker = usePlanStore((s) => exportBlocker(s.plan, s.planning, s.error));
  const mappingInput = useRef<HTMLInputElement>(null);

  const cutRange = () => {
    if (!range) return;
    void useMappingStore
      .getState()
      .cutRange(range.anchor, range.focus)
      .then(() => useViewStore.getState().setRange(null));
  };

  const exportWeights = async () => {
    const download = await useExportStore.getState().exportWeights();
    if (download) {
      saveDownload(download.fileName, download.blob);
      useViewStore.getState().notify(`wrote ${download.fileName}`);
    }
  };

  const loadMappingFile = async (file: File | undefined) => {
    if (!file) return;
    const ok = useMappingStore.getState().loadText(await file.text());
    useViewStore
      .getState()
      .notify(ok ? `${file.name} → mapping` : `${file.name} was not loaded as the mapping`);
  };

  return (
    <header className="toolbar">
      <span className="brand" title="move pretrained Keras weights onto a changed network">
        Graft
      </span>
      <div className="group" role="group" aria-label="edit">
        <button
          type="button"
          data-testid="undo"
          disabled={!canUndo(history)}
          onClick={() => useMappingStore.getState().undo()}
          title="undo (Ctrl+Z)"
        >
          undo
        </button>
        <button
          type="button"
          data-testid="redo"
          disabled={!canRedo(history)}
          onClick={() => useMappingStore.getState().redo()}
          title="redo (Ctrl+Shift+Z)"
        >
          redo
        </button>
        <button
          type="button"
          data-testid="auto-align"
          disabled={!paired || busy !== null}
          onClick={() => void useMappingStore.getState().autoAlign()}
          title="re-run the matcher; locked (manual) links stay"
        >
          auto-align
        </button>
        <button
          type="button"
          data-testid="cut-range"
          disabled={!paired || !range || busy !== null}
          onClick={cutRange}
          title="leave the selected source layers out and re-flow the layers after them (shift-click or shift-drag to select)"
        >
          cut range
          {range
            ? `: ${range.anchor === range.focus ? range.anchor : `${range.anchor} … ${range.focus}`}`
            : ''}
        </button>
        {busy && <span className="busy">{busy}…</span>}
      </div>
      <div className="group" role="group" aria-label="files">
        <button
          type="button"
          data-testid="swap-sides"
          disabled={!anyLoaded || sourceLoading || targetLoading}
          onClick={() => void useSidesStore.getState().swap()}
          title="the files were dropped the wrong way round"
        >
          swap sides
        </button>
        <button
          type="button"
          data-testid="load-demo"
          disabled={sourceLoading || targetLoading}
          onClick={() => void loadDemoPair(import.meta.env.BASE_URL)}
        >
          load demo
        </button>
      </div>
      <div className="group" role="group" aria-label="mapping file">
        <button
          type="button"
          data-testid="download-mapping"
          disabled={!paired}
          onClick={() => {
            const download = useExportStore.getState().mappingDownload();
            if (download) saveDownload(download.fileName, download.blob);
          }}
        >
          save mapping
        </button>
        <button type="button" onClick={() => mappingInput.current?.click()} disabled={!paired}>
          open mapping…
        </button>
        <input
          ref={mappingInput}
          type="file"
          accept=".json,application/json"
          data-testid="mapping-input"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            void loadMappingFile(file);
          }}
        />
        <button
          type="button"
          data-testid="download-report"
          disabled={!paired}
          onClick={() => {
            void useExportStore
              .getState()
              .reportDownload()
              .then((download) => download && saveDownload(download.fileName, download.blob));
          }}
        >
          report
        </button>
      </div>
      <span className="spacer" />
      {exporting && (
        <span className="export-progress" data-testid="export-progress">
          <progress
            max={exportProgress?.total || 1}
            value={exportProgress?.done}
            aria-label="writing the grafted file"
          />
          {exportProgress?.what ?? 'writing…'}
        </span>
      )}
      <button
        type="button"
        className="primary"
        data-testid="export"
        disabled={!paired || exporting}
        title={blocker ?? 'write the target file with the transferred weights'}
        onClick={() => void exportWeights()}
      >
        export grafted weights
      </button>
    </header>
  );
}
