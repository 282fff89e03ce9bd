// The two loaded models: what each side was read from, its spec, load progress and its own error.
// A failed load on one side leaves the other side (and the mapping) as they were.

import { create } from 'zustand';
import type { ModelSpec } from '../model';
import type { Side, SideFiles } from '../worker/sessionApi';
import { describeFailure, getSession, onUnreadableFile } from './sessionClient';
import { pairSideFiles, sideIdentity, type PickedFile } from './sideFiles';
import type { FileIdentity } from './mappingPersistence';

export interface LoadProgress {
  done: number;
  total: number;
  what: string;
}

export interface SideState {
  /** What the side shows: the model that was read last (kept when a later load fails). */
  spec: ModelSpec | null;
  fileName: string | null;
  identity: FileIdentity | null;
  /** What `spec` was read from, so an architecture dropped later can be paired with the weights. */
  files: SideFiles | null;
  loading: { label: string; progress: LoadProgress | null } | null;
  error: string | null;
}

export interface SidesState {
  source: SideState;
  target: SideState;
  /** Bumped on every successful load or swap, so dependants know the pair changed. */
  generation: number;
  load(side: Side, picked: readonly PickedFile[]): Promise<boolean>;
  swap(): Promise<void>;
  dismissError(side: Side): void;
}

export const emptySide: SideState = {
  spec: null,
  fileName: null,
  identity: null,
  files: null,
  loading: null,
  error: null,
};

// A newer load of the same side supersedes one still running; its result is ignored.
const latestLoad: Record<Side, number> = { source: 0, target: 0 };

export const useSidesStore = create<SidesState>()((set, get) => ({
  source: emptySide,
  target: emptySide,
  generation: 0,

  async load(side, picked) {
    const pick = pairSideFiles(picked, get()[side].files);
    if (!pick.ok) {
      set((s) => ({ [side]: { ...s[side], error: pick.error } }) as Partial<SidesState>);
      return false;
    }
    const ticket = ++latestLoad[side];
    const patch = (update: Partial<SideState>) => {
      if (ticket !== latestLoad[side]) return;
      set((s) => ({ [side]: { ...s[side], ...update } }) as Partial<SidesState>);
    };
    patch({ loading: { label: pick.label, progress: null }, error: null });
    try {
      const loaded = await getSession().load(side, pick.files, (done, total, what) => {
        // Progress travels on its own message channel and may arrive after the load has finished.
        if (get()[side].loading) patch({ loading: { label: pick.label, progress: { done, total, what } } });
      });
      if (ticket !== latestLoad[side]) return false;
      set((s) => ({
        [side]: {
          spec: loaded.spec,
          fileName: loaded.fileName || pick.label,
          identity: sideIdentity(pick.files),
          files: pick.files,
          loading: null,
          error: null,
        },
        generation: s.generation + 1,
      }));
      return true;
    } catch (error) {
      patch({ loading: null, error: describeFailure(error).message });
      return false;
    }
  },

  async swap() {
    const { source, target } = get();
    if (source.loading || target.loading) return;
    await getSession().swapSides();
    set((s) => ({ source: s.target, target: s.source, generation: s.generation + 1 }));
  },

  dismissError(side) {
    set((s) => ({ [side]: { ...s[side], error: null } }) as Partial<SidesState>);
  },
}));

// The worker was stopped in the middle of reading a side's file (HDF5 looped): say so on that side.
onUnreadableFile((side, message) => {
  useSidesStore.setState((s) => ({ [side]: { ...s[side], error: message } }) as Partial<SidesState>);
});

export function bothSpecs(
  state: Pick<SidesState, 'source' | 'target'>,
): { source: ModelSpec; target: ModelSpec } | undefined {
  const { source, target } = state;
  return source.spec && target.spec ? { source: source.spec, target: target.spec } : undefined;
}
