// A Node worker thread standing in for the app's Web Worker (src/worker/worker.ts): the real
// GraftSession over the Node host, exposed with comlink on a MessagePort, reporting the file its HDF5
// calls read. Lets the page's watchdog (src/state/watchedSession.ts) meet a real HDF5 loop in vitest.
// h5wasm before tsx, as in bin/graftWorker.mjs.
import 'h5wasm/node';
import { workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { register } from 'tsx/esm/api';

register();
const { watchH5Calls } = await import('../../src/formats/h5/h5CallWatch.ts');
const { reportReadingFile } = await import('../../src/worker/readingFileReport.ts');
const { createNodeH5Host, placeScratchFilesIn } = await import('../../src/formats/h5/nodeH5Host.ts');
const { GraftSession } = await import('../../src/worker/graftSession.ts');

const { port, scratchDir } = workerData;
watchH5Calls(reportReadingFile((message) => port.postMessage(message)));
placeScratchFilesIn(scratchDir);
Comlink.expose(new GraftSession(await createNodeH5Host()), port);
