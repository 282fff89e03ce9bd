// One target weight and the dataset it goes to; every layout reduces to a list of these plus the
// groups and attributes around them, and the tensors are then streamed into the slots one by one.

import type { LayerSpec } from '../../../model/modelSpec';

export interface WeightSlot {
  layer: LayerSpec;
  /** Index into `layer.weights`. */
  weightIndex: number;
  /** Absolute HDF5 path of the dataset. */
  path: string;
}
