// The mapping being edited, with undo/redo. Every edit is a MappingChange applied by core's pure
// `applyChange`; the rules for undo steps live in mappingHistory.ts.

import { create } from 'zustand';
import type { Mapping, MappingChange } from '../model';
import { createMapping } from '../core/mapping';
import {
  beginGroup,
  cancelGroup,
  endGroup,
  recordChange,
  redo,
  startHistory,
  undo,
  type MappingHistory,
} from './mappingHistory';
import { loadMappingText } from './mappingDocument';
import {
  mappingStorageKey,
  persistMapping,
  restoreMapping,
  type KeyValueStorage,
} from './mappingPersistence';
import { describeFailure, getSession } from './sessionClient';
import { bothSpecs, useSidesStore } from './sidesStore';

export interface MappingState {
  history: MappingHistory;
  /** Storage key of the loaded pair; null until both sides are loaded. */
  pairKey: string | null;
  /** True when `history` was restored from storage rather than matched fresh. */
  restored: boolean;
  /** A running matcher call ('auto-align', 'cut range', 'first match'), for the toolbar. */
  busy: string | null;
  /** The last edit or document that was refused, in words. */
  error: string | null;
  apply(change: MappingChange): boolean;
  beginGesture(): void;
  endGesture(): void;
  cancelGesture(): void;
  undo(): void;
  redo(): void;
  loadText(text: string): boolean;
  autoAlign(): Promise<void>;
  cutRange(from: string, to: string): Promise<void>;
  openPair(): Promise<void>;
  dismissError(): void;
}

/** localStorage when there is one (not in Node tests, not when the browser forbids it). */
export function browserStorage(): KeyValueStorage {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    // Access itself throws when storage is disabled.
  }
  const memory = new Map<string, string>();
  return {
    getItem: (k) => memory.get(k) ?? null,
    setItem: (k, v) => void memory.set(k, v),
    removeItem: (k) => void memory.delete(k),
  };
}

let mappingStorage: KeyValueStorage = browserStorage();

function context() {
  return bothSpecs(useSidesStore.getState()) ?? {};
}

async function matcherLinks(mapping: Mapping) {
  const summary = await getSession().autoMatch(mapping);
  return summary.mapping.links;
}

export const useMappingStore = create<MappingState>()((set, get) => ({
  history: startHistory(createMapping()),
  pairKey: null,
  restored: false,
  busy: null,
  error: null,

  apply(change) {
    try {
      set({ history: recordChange(get().history, change, context()), error: null });
      return true;
    } catch (error) {
      set({ error: describeFailure(error).message });
      return false;
    }
  },
  beginGesture: () => set({ history: beginGroup(get().history) }),
  endGesture: () => set({ history: endGroup(get().history) }),
  cancelGesture: () => set({ history: cancelGroup(get().history) }),
  undo: () => set({ history: undo(get().history), error: null }),
  redo: () => set({ history: redo(get().history), error: null }),

  loadText(text) {
    const result = loadMappingText(get().history, text, bothSpecs(useSidesStore.getState()));
    set({ history: result.history, error: result.error });
    return result.error === null;
  },

  async autoAlign() {
    const key = get().pairKey;
    set({ busy: 'auto-align' });
    try {
      const links = await matcherLinks(get().history.present);
      if (get().pairKey === key) get().apply({ kind: 'realign', links });
    } catch (error) {
      set({ error: describeFailure(error).message });
    } finally {
      set({ busy: null });
    }
  },

  async cutRange(from, to) {
    const key = get().pairKey;
    // The cut and the matcher's re-flow of the layers after it are one undo step.
    set({ history: beginGroup(get().history), busy: 'cut range' });
    try {
      if (!get().apply({ kind: 'cut-range', from, to })) return;
      const links = await matcherLinks(get().history.present);
      if (get().pairKey === key) get().apply({ kind: 'realign', links });
    } catch (error) {
      set({ error: describeFailure(error).message });
    } finally {
      set({ history: endGroup(get().history), busy: null });
    }
  },

  async openPair() {
    const sides = useSidesStore.getState();
    const models = bothSpecs(sides);
    if (!models || !sides.source.identity || !sides.target.identity) {
      set({ pairKey: null, history: startHistory(createMapping()), restored: false });
      return;
    }
    const key = mappingStorageKey(sides.source.identity, sides.target.identity);
    const stored = restoreMapping(mappingStorage, key, models);
    if (stored) {
      set({ pairKey: key, history: startHistory(stored), restored: true, error: null });
      return;
    }
    set({
      pairKey: key,
      history: startHistory(createMapping()),
      restored: false,
      busy: 'matching',
      error: null,
    });
    try {
      const links = await matcherLinks(createMapping());
      if (get().pairKey !== key) return;
      // The first match is the starting point, not an edit: nothing to undo back to.
      set({
        history: startHistory(
          recordChange(startHistory(createMapping()), { kind: 'realign', links }, models).present,
        ),
      });
    } catch (error) {
      if (get().pairKey === key) set({ error: describeFailure(error).message });
    } finally {
      if (get().pairKey === key) set({ busy: null });
    }
  },

  dismissError: () => set({ error: null }),
}));

/**
 * Keep the stored copy of the mapping current and re-open the mapping whenever the pair of loaded
 * files changes. Returns the unsubscribe function.
 */
export function connectMappingToSides(storage: KeyValueStorage = browserStorage()): () => void {
  mappingStorage = storage;
  const offMapping = useMappingStore.subscribe((state, previous) => {
    const { history, pairKey } = state;
    if (!pairKey || history.groupStart) return;
    // Written when a step completes: after each edit, and once at the end of a gesture.
    if (history.present !== previous.history.present || previous.history.groupStart) {
      persistMapping(storage, pairKey, history.present);
    }
  });
  const offSides = useSidesStore.subscribe((state, previous) => {
    if (state.generation !== previous.generation) void useMappingStore.getState().openPair();
  });
  return () => {
    offMapping();
    offSides();
  };
}
