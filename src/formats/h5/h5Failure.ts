// h5wasm (with the throwing error handler on) throws the whole HDF5 error stack as text. Keep the
// innermost "minor" lines: they say what actually went wrong ("File has been truncated").

import { GraftError, type GraftErrorCode } from '../../model/errors';

export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const minors = [...text.matchAll(/minor:\s*(.+)/g)].map((m) => m[1].trim());
  if (minors.length > 0) return minors[minors.length - 1];
  return text.split('\n')[0].slice(0, 200);
}

/** Turns any h5wasm failure into a GraftError that says which file and what to do. */
export function toGraftError(error: unknown, fileLabel: string, doing: string): GraftError {
  if (error instanceof GraftError) return error;
  const reason = hdf5Reason(error);
  let code: GraftErrorCode = 'corrupt';
  let advice = 'the file may be damaged; re-save it from Keras and try again';
  if (/truncated/i.test(reason)) {
    code = 'truncated';
    advice = 'the file is incomplete (an interrupted download or copy?); fetch it again';
  } else if (/not an hdf5 file|file signature not found/i.test(reason)) {
    code = 'not-hdf5';
    advice = 'choose a Keras .h5, .weights.h5, .keras or model JSON file';
  } else if (/filter|decompress|can't read data|read failed/i.test(reason)) {
    advice = 'the data may be compressed with a filter this tool does not have, or damaged';
  }
  return new GraftError(code, `${fileLabel}: ${doing} failed (${reason}); ${advice}.`);
}
