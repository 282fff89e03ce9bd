// Writing the grafted file in the worker. Refused, with the reason, while the plan has a problem.

import { create } from 'zustand';
import type { ExportResult } from '../worker/sessionApi';
import { serializeMapping } from '../core/mapping';
import { describeFailure, getSession } from './sessionClient';
import { exportBlocker } from './linkStatus';
import { useMappingStore } from './mappingStore';
import { settledPlan, usePlanStore } from './planStore';
import { useSidesStore } from './sidesStore';
import { mappingFileName, reportFileName } from './exportFile';
import type { LoadProgress } from './sidesStore';

export interface Download {
  fileName: string;
  blob: Blob;
}

export interface ExportState {
  running: boolean;
  progress: LoadProgress | null;
  error: string | null;
  /** The last file written, for the status line. */
  done: { fileName: string; bytes: number } | null;
  exportWeights(): Promise<Download | null>;
  mappingDownload(): Download | null;
  reportDownload(): Promise<Download | null>;
  dismissError(): void;
}

function targetName(): string {
  return useSidesStore.getState().target.fileName ?? 'target';
}

export const useExportStore = create<ExportState>()((set) => ({
  running: false,
  progress: null,
  error: null,
  done: null,

  async exportWeights() {
    // Right after an edit the plan is still being recomputed; the answer for this mapping decides.
    await settledPlan();
    const { plan, planning, error: planError } = usePlanStore.getState();
    const blocker = exportBlocker(plan, planning, planError);
    if (blocker) {
      set({ error: `cannot export yet: ${blocker}` });
      return null;
    }
    const mapping = useMappingStore.getState().history.present;
    set({ running: true, progress: null, error: null, done: null });
    try {
      const result: ExportResult = await getSession().exportWeights(mapping, null, (done, total, what) =>
        set({ progress: { done, total, what } }),
      );
      // The session names it `<target>-grafted.<ext>` after the layout it wrote.
      const fileName = result.fileName;
      set({ running: false, progress: null, done: { fileName, bytes: result.bytes.byteLength } });
      return {
        fileName,
        blob: new Blob([result.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
      };
    } catch (error) {
      set({ running: false, progress: null, error: describeFailure(error).message });
      return null;
    }
  },

  mappingDownload() {
    if (!useMappingStore.getState().pairKey) return null;
    const text = serializeMapping(useMappingStore.getState().history.present);
    return { fileName: mappingFileName(targetName()), blob: new Blob([text], { type: 'application/json' }) };
  },

  async reportDownload() {
    if (!useMappingStore.getState().pairKey) return null;
    try {
      const text = await getSession().report(useMappingStore.getState().history.present);
      return { fileName: reportFileName(targetName()), blob: new Blob([text], { type: 'text/plain' }) };
    } catch (error) {
      set({ error: describeFailure(error).message });
      return null;
    }
  },

  dismissError: () => set({ error: null }),
}));
