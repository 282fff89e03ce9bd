// What every reader returns: the plain description, plus lazy access to the values it points at.
// Only `spec` crosses the worker boundary; `readDataset` stays where the file is open.

import type { ModelSpec } from '../model/modelSpec';
import type { Tensor } from '../model/tensorExpr';

export interface OpenModel {
  spec: ModelSpec;
  /** Raw values of one dataset of this model's weights file (the path of a `read` op). */
  readDataset(path: string): Promise<Tensor>;
  close(): void;
}
