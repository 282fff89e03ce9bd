// What the user is looking at: the selected link or layer, the source range picked for a cut, and the
// graph view options. Nothing here changes the mapping.

import { create } from 'zustand';
import type { Side } from '../worker/sessionApi';
import { useSidesStore } from './sidesStore';

export type Selection =
  { kind: 'link'; target: string; source: string } | { kind: 'layer'; side: Side; id: string } | null;

/** A range of source layers picked by shift-click or brushing; `anchor` is where it started. */
export interface SourceRange {
  anchor: string;
  focus: string;
}

export interface ViewState {
  selection: Selection;
  range: SourceRange | null;
  hideWeightless: boolean;
  search: string;
  zoom: number;
  /** Nested models shown as one node, as `<side>:<layer id>`. */
  collapsed: string[];
  /** A request to bring a layer into view; `seq` makes a repeated request for the same layer count. */
  focus: { side: Side; id: string; seq: number } | null;
  /** A short message about what just happened ("w.h5 → source"). */
  notice: { text: string; seq: number } | null;
  notify(text: string): void;
  select(selection: Selection): void;
  /** Click on a source layer: starts a range, or with `extend` (shift) stretches it to this layer. */
  pickSource(id: string, extend: boolean): void;
  setRange(range: SourceRange | null): void;
  setHideWeightless(hide: boolean): void;
  setSearch(search: string): void;
  setZoom(zoom: number): void;
  toggleCollapsed(side: Side, id: string): void;
  focusLayer(side: Side, id: string): void;
  reset(): void;
}

export function extendRange(range: SourceRange | null, id: string, extend: boolean): SourceRange {
  if (extend && range) return { anchor: range.anchor, focus: id };
  return { anchor: id, focus: id };
}

export function toggleListed(list: readonly string[], key: string): string[] {
  return list.includes(key) ? list.filter((k) => k !== key) : [...list, key];
}

const initial = {
  selection: null,
  range: null,
  hideWeightless: false,
  search: '',
  zoom: 1,
  collapsed: [],
  focus: null,
  notice: null,
};

export const useViewStore = create<ViewState>()((set, get) => ({
  ...initial,
  notify: (text) => set({ notice: { text, seq: (get().notice?.seq ?? 0) + 1 } }),
  select: (selection) => set({ selection }),
  pickSource: (id, extend) =>
    set({ range: extendRange(get().range, id, extend), selection: { kind: 'layer', side: 'source', id } }),
  setRange: (range) => set({ range }),
  setHideWeightless: (hideWeightless) => set({ hideWeightless }),
  setSearch: (search) => set({ search }),
  setZoom: (zoom) => set({ zoom }),
  toggleCollapsed: (side, id) => set({ collapsed: toggleListed(get().collapsed, `${side}:${id}`) }),
  focusLayer: (side, id) =>
    set({ focus: { side, id, seq: (get().focus?.seq ?? 0) + 1 }, selection: { kind: 'layer', side, id } }),
  reset: () => set(initial),
}));

/** A different pair of models invalidates what was selected in the old one. Returns the unsubscribe function. */
export function connectViewToSides(): () => void {
  return useSidesStore.subscribe((state, previous) => {
    if (state.generation === previous.generation) return;
    const view = useViewStore.getState();
    view.select(null);
    view.setRange(null);
  });
}
