// HDF5 itself loops forever on some damaged files (a global heap it walks in circles), and a
// synchronous wasm call cannot be interrupted on its own thread. Whoever runs the reads where they can
// be abandoned (the CLI's worker thread, the app's Web Worker) installs a watch here to publish which
// call is running; src/formats stays free of threads, timers and message ports.

export interface H5CallWatch {
  /** An HDF5 call on `file` (the user's file name) begins; `doing` says what it reads. */
  started(file: string, doing: string): void;
  /** That call returned or threw. */
  finished(): void;
}

let watch: H5CallWatch | null = null;
let depth = 0;

/** Install (or with null, remove) the watch every later HDF5 call reports to. */
export function watchH5Calls(next: H5CallWatch | null): void {
  watch = next;
  depth = 0;
}

/** Runs one synchronous HDF5 call under the watch; a call made inside another counts as part of it. */
export function duringH5Call<T>(file: string, doing: string, call: () => T): T {
  const current = watch;
  if (!current) return call();
  if (depth++ === 0) current.started(file, doing);
  try {
    return call();
  } finally {
    if (--depth === 0) current.finished();
  }
}
