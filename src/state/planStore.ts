// The transfer plan for the current mapping, recomputed in the worker shortly after each change. Only
// the answer for the latest mapping is kept; an older request that finishes late is dropped.

import { create } from 'zustand';
import type { Mapping, TransferPlan } from '../model';
import { describeFailure, getSession } from './sessionClient';
import { useMappingStore } from './mappingStore';
import { useSidesStore } from './sidesStore';

export interface PlanState {
  plan: TransferPlan | null;
  /** The mapping `plan` was computed for. */
  planned: Mapping | null;
  planning: boolean;
  error: string | null;
}

export const usePlanStore = create<PlanState>()(() => ({
  plan: null,
  planned: null,
  planning: false,
  error: null,
}));

let requested = 0;

async function planNow(mapping: Mapping): Promise<void> {
  const ticket = ++requested;
  usePlanStore.setState({ planning: true });
  try {
    const plan = await getSession().plan(mapping);
    if (ticket === requested) usePlanStore.setState({ plan, planned: mapping, planning: false, error: null });
  } catch (error) {
    if (ticket === requested)
      usePlanStore.setState({
        plan: null,
        planned: mapping,
        planning: false,
        error: describeFailure(error).message,
      });
  }
}

/** Resolves once no plan is being computed (at most `timeoutMs` later), so an action can use a settled plan. */
export function settledPlan(timeoutMs = 60_000): Promise<void> {
  if (!usePlanStore.getState().planning) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const off = usePlanStore.subscribe((state) => {
      if (!state.planning) done();
    });
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

/** Plan `mapping` without touching the store: the editor asks before it accepts a dragged link. */
export function planCandidate(mapping: Mapping): Promise<TransferPlan> {
  return getSession().plan(mapping);
}

/** Re-plan, debounced by `delayMs`, whenever the mapping changes while both sides are loaded. */
export function connectPlanToMapping(delayMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    const { history, pairKey } = useMappingStore.getState();
    if (timer) clearTimeout(timer);
    if (!pairKey) {
      requested++;
      usePlanStore.setState({ plan: null, planned: null, planning: false, error: null });
      return;
    }
    usePlanStore.setState({ planning: true });
    timer = setTimeout(() => {
      timer = null;
      void planNow(history.present);
    }, delayMs);
  };
  const offMapping = useMappingStore.subscribe((state, previous) => {
    if (state.history.present !== previous.history.present || state.pairKey !== previous.pairKey) schedule();
  });
  const offSides = useSidesStore.subscribe((state, previous) => {
    if (state.generation !== previous.generation) usePlanStore.setState({ plan: null, planned: null });
  });
  return () => {
    if (timer) clearTimeout(timer);
    offMapping();
    offSides();
  };
}
