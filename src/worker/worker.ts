// The Web Worker that holds the open files. The session is exposed at once and waits for the h5wasm
// host inside each call, so a message sent while the wasm module still loads is never lost.

import * as Comlink from 'comlink';
import type { SessionApi } from './sessionApi';
import { GraftSession } from './graftSession';
import { createWorkerH5Host } from '../formats/h5/workerH5Host';
import { watchH5Calls } from '../formats/h5/h5CallWatch';
import { reportReadingFile } from './readingFileReport';

// Keep GraftError's code across the boundary: comlink's default only carries name, message and stack.
const throwHandler = Comlink.transferHandlers.get('throw')!;
Comlink.transferHandlers.set('throw', {
  ...throwHandler,
  // Comlink hands the handler the thrown value wrapped as `{ value }`.
  serialize({ value }: { value: unknown }) {
    if (value instanceof Error) {
      const { name, message, stack } = value;
      const code = (value as { code?: unknown }).code;
      return [
        { isError: true, value: { name, message, stack, ...(code === undefined ? {} : { code }) } },
        [],
      ];
    }
    return [{ isError: false, value }, []];
  },
} as Comlink.TransferHandler<unknown, unknown>);

// Comlink ignores messages without its call id, so these share the channel with it.
watchH5Calls(
  reportReadingFile((message) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message)),
);

const session: Promise<SessionApi> = createWorkerH5Host().then((host) => new GraftSession(host));

const api: SessionApi = {
  load: async (side, files, onProgress) => (await session).load(side, files, onProgress),
  swapSides: async () => (await session).swapSides(),
  autoMatch: async (mapping) => (await session).autoMatch(mapping),
  plan: async (mapping) => (await session).plan(mapping),
  preview: async (mapping, target, index) => (await session).preview(mapping, target, index),
  exportWeights: async (mapping, layout, onProgress) =>
    (await session).exportWeights(mapping, layout, onProgress),
  report: async (mapping) => (await session).report(mapping),
};

Comlink.expose(api);
