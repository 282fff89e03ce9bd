// The CLI's worker thread (started by graft.mjs): runs one command and publishes every HDF5 call to
// the watchdog on the main thread. h5wasm is loaded before tsx's loader is registered: tsx would
// otherwise re-transform its 4 MB single-line module on every start (seconds and hundreds of MB).
import 'h5wasm/node';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { heartbeatWriter } from './hdf5Watchdog.mjs';

register();
const { watchH5Calls } = await import('../src/formats/h5/h5CallWatch.ts');
const { placeScratchFilesIn } = await import('../src/formats/h5/nodeH5Host.ts');
const { main } = await import('../src/cli/main.ts');

watchH5Calls(heartbeatWriter(workerData.heartbeat));
placeScratchFilesIn(workerData.scratchDir);
process.exitCode = await main(process.argv.slice(2));
