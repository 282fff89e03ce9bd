// The mapping document with its undo and redo stacks. Pure: every transition returns a new history, so
// the store stays a thin shell and the rules (what is one undo step) are unit-tested without React.

import type { Mapping, MappingChange } from '../model';
import { applyChange, type MappingContext } from '../core/mapping';

export interface MappingHistory {
  present: Mapping;
  /** Older states, most recent last. */
  past: Mapping[];
  /** States undone and not yet redone, most recent undo last. */
  future: Mapping[];
  /**
   * While a gesture is open (a drag, cut-then-realign), the state it started from. Every change
   * inside the gesture lands on `present`; closing it pushes this one state, so undo reverts the
   * whole gesture at once.
   */
  groupStart: Mapping | null;
}

/** Undo depth; beyond it the oldest states are dropped (a mapping of a big model is a few hundred KB). */
export const UNDO_LIMIT = 200;

export function startHistory(mapping: Mapping): MappingHistory {
  return { present: mapping, past: [], future: [], groupStart: null };
}

function pushPast(past: Mapping[], state: Mapping): Mapping[] {
  const next = [...past, state];
  return next.length > UNDO_LIMIT ? next.slice(next.length - UNDO_LIMIT) : next;
}

/** Apply one change; throws the core's GraftError (history unchanged) when the change is invalid. */
export function recordChange(
  history: MappingHistory,
  change: MappingChange,
  ctx: MappingContext,
): MappingHistory {
  const present = applyChange(history.present, change, ctx);
  if (history.groupStart) return { ...history, present, future: [] };
  return { present, past: pushPast(history.past, history.present), future: [], groupStart: null };
}

/** Open a gesture: the changes until `endGroup` become one undo step. Nested calls join the open one. */
export function beginGroup(history: MappingHistory): MappingHistory {
  if (history.groupStart) return history;
  return { ...history, groupStart: history.present };
}

/** Close a gesture. A gesture that changed nothing leaves no undo step. */
export function endGroup(history: MappingHistory): MappingHistory {
  const start = history.groupStart;
  if (!start) return history;
  if (start === history.present) return { ...history, groupStart: null };
  return {
    present: history.present,
    past: pushPast(history.past, start),
    future: history.future,
    groupStart: null,
  };
}

/** Abandon a gesture: back to the state it started from, as if it never happened. */
export function cancelGroup(history: MappingHistory): MappingHistory {
  const start = history.groupStart;
  if (!start) return history;
  return { ...history, present: start, groupStart: null };
}

export function canUndo(history: MappingHistory): boolean {
  return history.past.length > 0 && !history.groupStart;
}

export function canRedo(history: MappingHistory): boolean {
  return history.future.length > 0 && !history.groupStart;
}

export function undo(history: MappingHistory): MappingHistory {
  if (!canUndo(history)) return history;
  const previous = history.past[history.past.length - 1];
  return {
    present: previous,
    past: history.past.slice(0, -1),
    future: [...history.future, history.present],
    groupStart: null,
  };
}

export function redo(history: MappingHistory): MappingHistory {
  if (!canRedo(history)) return history;
  const next = history.future[history.future.length - 1];
  return {
    present: next,
    past: pushPast(history.past, history.present),
    future: history.future.slice(0, -1),
    groupStart: null,
  };
}

/** Replace the whole document (a loaded mapping file) as one undoable step. */
export function replaceMapping(history: MappingHistory, mapping: Mapping): MappingHistory {
  const closed = endGroup(history);
  return { present: mapping, past: pushPast(closed.past, closed.present), future: [], groupStart: null };
}
