// The worker tells the page which file its HDF5 calls read, each time that file changes (not on
// every call: thousands of messages would slow a load). When the worker stops answering because HDF5
// loops, the page's watchdog (src/state/watchedSession.ts) knows which file to name.

import type { H5CallWatch } from '../formats/h5/h5CallWatch';

export interface ReadingFileMessage {
  graftReadingFile: string;
}

export function isReadingFileMessage(data: unknown): data is ReadingFileMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { graftReadingFile?: unknown }).graftReadingFile === 'string'
  );
}

/** A watch that posts a ReadingFileMessage whenever the file being read changes. */
export function reportReadingFile(post: (message: ReadingFileMessage) => void): H5CallWatch {
  let last: string | null = null;
  return {
    started(file) {
      if (file === last) return;
      last = file;
      post({ graftReadingFile: file });
    },
    finished() {},
  };
}
