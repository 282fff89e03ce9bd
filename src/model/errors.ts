// Every failure a user can cause has a code and a message that says what is wrong and what to do.
// Readers, writers, the planner and the CLI throw only this; the CLI prints `error: <message>` and
// the app shows it next to the side it belongs to.

export type GraftErrorCode =
  | 'not-hdf5' // neither HDF5, nor a zip archive, nor JSON
  | 'truncated' // HDF5 or zip cut short
  | 'not-keras' // HDF5 or JSON, but no Keras layout in it
  | 'unsupported-filter' // compressed with a filter h5wasm does not have (LZF, ...)
  | 'corrupt' // the layout is Keras but inconsistent (missing group, wrong count)
  | 'archive' // `.keras` zip without config.json / model.weights.h5
  | 'architecture' // a config that cannot be understood or does not match the weights
  | 'mapping' // a mapping document or change that is invalid for these models
  | 'shape' // no adapter can make the shapes fit
  | 'write' // the output could not be written or did not verify
  | 'usage'; // wrong command-line use

export class GraftError extends Error {
  readonly code: GraftErrorCode;
  constructor(code: GraftErrorCode, message: string) {
    super(message);
    this.name = 'GraftError';
    this.code = code;
  }
}

export function isGraftError(value: unknown): value is GraftError {
  return (
    value instanceof GraftError ||
    (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'GraftError')
  );
}
