// The app's handle on the worker that holds the open files. Everything the stores ask of the files goes
// through `getSession()`; tests (and a future host) can put a session of their own in its place.

import * as Comlink from 'comlink';
import { isGraftError, type GraftErrorCode } from '../model';
import type { ProgressCallback, SessionApi } from '../worker/sessionApi';

/** The session as the stores use it: every method async, callbacks passed as plain functions. */
export interface SessionPort {
  load: SessionApi['load'];
  swapSides: SessionApi['swapSides'];
  autoMatch: SessionApi['autoMatch'];
  plan: SessionApi['plan'];
  preview: SessionApi['preview'];
  exportWeights: SessionApi['exportWeights'];
  report: SessionApi['report'];
}

let session: SessionPort | null = null;

/** Callbacks must be proxied to cross into the worker; a same-thread session takes them as they are. */
function workerPort(remote: Comlink.Remote<SessionApi>): SessionPort {
  const progress = (cb: ProgressCallback | undefined) => (cb ? Comlink.proxy(cb) : undefined);
  return {
    load: (side, files, onProgress) => remote.load(side, files, progress(onProgress)),
    swapSides: () => remote.swapSides(),
    autoMatch: (mapping) => remote.autoMatch(mapping),
    plan: (mapping) => remote.plan(mapping),
    preview: (mapping, target, index) => remote.preview(mapping, target, index),
    exportWeights: (mapping, layout, onProgress) =>
      remote.exportWeights(mapping, layout, progress(onProgress)),
    report: (mapping) => remote.report(mapping),
  };
}

export function getSession(): SessionPort {
  if (!session) {
    // Kept literal so Vite finds and bundles the worker.
    const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' });
    session = workerPort(Comlink.wrap<SessionApi>(worker));
  }
  return session;
}

/** Use this session instead of the worker (tests running the real session in-process). */
export function useSessionForTesting(replacement: SessionPort | null): void {
  session = replacement;
}

export interface Failure {
  code: GraftErrorCode | null;
  message: string;
}

/**
 * What to tell the user about a failure. GraftErrors (from the worker they arrive as
 * `{name:'GraftError', code, message}`) carry a sentence meant for people; anything else is a bug,
 * reported as such rather than hidden.
 */
export function describeFailure(error: unknown): Failure {
  if (isGraftError(error)) return { code: error.code ?? null, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: null, message: `internal error: ${message}` };
}
