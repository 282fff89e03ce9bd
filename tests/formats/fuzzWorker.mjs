// Worker thread for the fuzz test: runs a range of seeds and publishes every HDF5 call to the same
// heartbeat the CLI's watchdog reads (bin/hdf5Watchdog.mjs), so a case on which HDF5 loops can be stopped.
// h5wasm before tsx, as in bin/graftWorker.mjs.
import 'h5wasm/node';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { heartbeatWriter } from '../../bin/hdf5Watchdog.mjs';

register();
const { watchH5Calls } = await import('../../src/formats/h5/h5CallWatch.ts');
const { placeScratchFilesIn } = await import('../../src/formats/h5/nodeH5Host.ts');
const { runFuzzCases } = await import('./fuzzCases.ts');

watchH5Calls(heartbeatWriter(workerData.heartbeat));
placeScratchFilesIn(workerData.scratchDir);
await runFuzzCases(workerData.input, workerData.first, workerData.last, (event) =>
  parentPort.postMessage(event),
);
