// The app's handle on the worker that holds the open files. Everything the stores ask of the files goes
// through `getSession()`, watched so a worker stuck in HDF5 is replaced (watchedSession.ts); tests
// (and a future host) can put a session of their own in its place.

import * as Comlink from 'comlink';
import { isGraftError, type GraftErrorCode } from '../model';
import type { ProgressCallback, SessionApi, Side } from '../worker/sessionApi';
import { isReadingFileMessage } from '../worker/readingFileReport';
import { DEFAULT_BASE_LIMIT_MS, WatchedSession, type SessionWorker } from './watchedSession';

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

function startWorker(): SessionWorker {
  // Kept literal so Vite finds and bundles the worker.
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' });
  let reading: string | null = null;
  worker.addEventListener('message', (event: MessageEvent) => {
    if (isReadingFileMessage(event.data)) reading = event.data.graftReadingFile;
  });
  return {
    port: workerPort(Comlink.wrap<SessionApi>(worker)),
    readingFile: () => reading,
    terminate: () => worker.terminate(),
  };
}

/** `?hdf5-timeout-ms=N` replaces the 60 s base of every limit (the e2e test waits seconds, not minutes). */
function baseLimitMs(): number {
  const given =
    typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('hdf5-timeout-ms');
  const ms = Number(given);
  return given !== null && Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_BASE_LIMIT_MS;
}

type UnreadableListener = (side: Side, message: string) => void;
const unreadableListeners = new Set<UnreadableListener>();

/** Hear about a file the worker had to be stopped on while not loading it (a plan, an export, ...). */
export function onUnreadableFile(listener: UnreadableListener): () => void {
  unreadableListeners.add(listener);
  return () => unreadableListeners.delete(listener);
}

export function getSession(): SessionPort {
  if (!session) {
    session = new WatchedSession({
      start: startWorker,
      baseLimitMs: baseLimitMs(),
      onUnreadable: (side, message) => unreadableListeners.forEach((listener) => listener(side, message)),
    });
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
