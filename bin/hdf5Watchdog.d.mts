// Types of hdf5Watchdog.mjs for the TypeScript that uses it (the fuzz test's worker and its checks).
import type { Worker } from 'node:worker_threads';

export interface RunningCall {
  file: string;
  doing: string;
  /** Date.now() when the call began. */
  since: number;
}

export declare const DEFAULT_HDF5_TIMEOUT_MS: number;
export declare function createHeartbeat(): SharedArrayBuffer;
export declare function heartbeatWriter(buffer: SharedArrayBuffer): {
  started(file: string, doing: string): void;
  finished(): void;
};
export declare function readHeartbeat(buffer: SharedArrayBuffer): RunningCall | null;
export declare function hdf5TimeoutMs(value: string | undefined): number;
export declare function stuckCallMessage(call: { file: string; doing: string }, limitMs: number): string;
export declare function watchWorker(
  worker: Worker,
  buffer: SharedArrayBuffer,
  limitMs: number,
  onStuck: (call: RunningCall) => void,
): void;
