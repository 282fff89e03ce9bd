// What every reader returns: the plain description, plus lazy access to the values it points at.
// Only `spec` crosses the worker boundary; `readDataset` stays where the file is open.

import type { ModelSpec } from '../model/modelSpec';
import type { Tensor } from '../model/tensorExpr';
import { GraftError } from '../model/errors';
import type { MountedFile } from './h5/h5Host';
import type { H5Reader } from './h5/h5Reader';

export interface OpenModel {
  spec: ModelSpec;
  /** Raw values of one dataset of this model's weights file (the path of a `read` op). */
  readDataset(path: string): Promise<Tensor>;
  close(): void;
}

/**
 * Opens a model described from an HDF5 file: reads go to `reader` until `close()`, which closes the
 * file and releases its mount once. Every HDF5-backed reader hands its result out through this.
 */
export function openModelOver(
  spec: ModelSpec,
  reader: H5Reader,
  mounted: MountedFile,
  label: string,
): OpenModel {
  let closed = false;
  return {
    spec,
    async readDataset(path: string) {
      if (closed)
        throw new GraftError(
          'usage',
          `${label}: the file was already closed; open it again to read ${path}.`,
        );
      return reader.read(path);
    },
    close() {
      if (closed) return;
      closed = true;
      reader.close();
      mounted.release();
    },
  };
}
