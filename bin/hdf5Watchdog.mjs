// The CLI's guard against HDF5 calls that never return (the library loops on some damaged files).
// The command runs in a worker thread that publishes each HDF5 call into a SharedArrayBuffer; the
// main thread reads it and stops the worker when one call runs past the limit. Plain JavaScript:
// the main thread starts without tsx, so `graft` stays as quick to start as it was.

/** Layout: int32 [call number (0 = idle), file bytes, doing bytes, -], float64 start ms, UTF-8 text. */
const TEXT_AT = 24;
const TEXT_BYTES = 2048;

export const DEFAULT_HDF5_TIMEOUT_MS = 120_000;

/** @returns {SharedArrayBuffer} */
export function createHeartbeat() {
  return new SharedArrayBuffer(TEXT_AT + TEXT_BYTES);
}

/**
 * The worker's side: an H5CallWatch (src/formats/h5/h5CallWatch.ts) that publishes each call.
 * @param {SharedArrayBuffer} buffer
 */
export function heartbeatWriter(buffer) {
  const ints = new Int32Array(buffer, 0, 4);
  const since = new Float64Array(buffer, 16, 1);
  const text = new Uint8Array(buffer, TEXT_AT, TEXT_BYTES);
  const encoder = new TextEncoder();
  let calls = 0;
  return {
    /** @param {string} file @param {string} doing */
    started(file, doing) {
      // Idle while the fields change, so a reader never takes half-written text for a running call.
      Atomics.store(ints, 0, 0);
      const fileBytes = encoder.encodeInto(file, text).written;
      ints[1] = fileBytes;
      ints[2] = encoder.encodeInto(doing, text.subarray(fileBytes)).written;
      since[0] = Date.now();
      calls = (calls % 0x7fffffff) + 1;
      Atomics.store(ints, 0, calls);
    },
    finished() {
      Atomics.store(ints, 0, 0);
    },
  };
}

/**
 * The watchdog's side: the HDF5 call running now, or null when none is.
 * @param {SharedArrayBuffer} buffer
 * @returns {{ file: string, doing: string, since: number } | null}
 */
export function readHeartbeat(buffer) {
  const ints = new Int32Array(buffer, 0, 4);
  const call = Atomics.load(ints, 0);
  if (call === 0) return null;
  const fileBytes = ints[1];
  const doingBytes = ints[2];
  const since = new Float64Array(buffer, 16, 1)[0];
  // slice() copies out of shared memory, which TextDecoder refuses to read.
  const text = new Uint8Array(buffer, TEXT_AT, TEXT_BYTES).slice(0, fileBytes + doingBytes);
  // A different number means that call ended while we read; the next look sees the new one.
  if (Atomics.load(ints, 0) !== call) return null;
  const decoder = new TextDecoder();
  return {
    file: decoder.decode(text.subarray(0, fileBytes)),
    doing: decoder.decode(text.subarray(fileBytes)),
    since,
  };
}

/**
 * `GRAFT_HDF5_TIMEOUT_MS`, or the default when unset.
 * @param {string | undefined} value
 * @returns {number}
 */
export function hdf5TimeoutMs(value) {
  if (value === undefined || value.trim() === '') return DEFAULT_HDF5_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new Error(`GRAFT_HDF5_TIMEOUT_MS must be a positive number of milliseconds, not "${value}"`);
  return ms;
}

/**
 * The one line the user sees (without `error: `).
 * @param {{ file: string, doing: string }} call
 * @param {number} limitMs
 */
export function stuckCallMessage(call, limitMs) {
  const seconds = Number((limitMs / 1000).toFixed(1));
  return `${call.file}: ${call.doing} did not finish in ${seconds} s; the file is damaged in a way that makes the HDF5 library loop - re-save or re-download it`;
}

/**
 * Looks at the heartbeat a few times per limit; calls `onStuck` once when one HDF5 call has run for
 * `limitMs`. Stopping the worker is the caller's choice. Watching ends when the worker exits.
 * @param {import('node:worker_threads').Worker} worker
 * @param {SharedArrayBuffer} buffer
 * @param {number} limitMs
 * @param {(call: { file: string, doing: string, since: number }) => void} onStuck
 */
export function watchWorker(worker, buffer, limitMs, onStuck) {
  const every = Math.max(10, Math.min(1000, limitMs / 8));
  const timer = setInterval(() => {
    const call = readHeartbeat(buffer);
    if (call && Date.now() - call.since >= limitMs) {
      clearInterval(timer);
      onStuck(call);
    }
  }, every);
  worker.once('exit', () => clearInterval(timer));
}
