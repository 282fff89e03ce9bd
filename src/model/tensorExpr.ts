// A tensor described as a small expression over stored datasets. Readers use it to present files in
// the Keras 2/3 layout without copying (Keras 1 gates, Theano kernels), and the planner uses the same
// operations to say how each target tensor is made from the source. One evaluator (src/core) runs it.

import type { DType } from './modelSpec';

/** An index set along one axis: explicit indices, or a contiguous range `[start, start + length)`. */
export type IndexSet =
  { kind: 'indices'; indices: number[] } | { kind: 'range'; start: number; length: number };

export type PadFill =
  | { kind: 'zeros' }
  /** Values of the target's own tensor at the same position (its initialisation). */
  | { kind: 'target' };

export type TensorExpr =
  /** A dataset in the file the spec was read from (HDF5 path inside the weights file). */
  | { op: 'read'; path: string; shape: number[]; dtype: DType }
  /** The target model's own stored value (kept-initial weights). */
  | { op: 'target'; path: string; shape: number[]; dtype: DType }
  | { op: 'zeros'; shape: number[]; dtype: DType }
  | { op: 'concat'; axis: number; inputs: TensorExpr[] }
  | { op: 'transpose'; perm: number[]; input: TensorExpr }
  /** Reverse the listed axes (Theano convolution -> TensorFlow correlation). */
  | { op: 'flip'; axes: number[]; input: TensorExpr }
  | { op: 'reshape'; shape: number[]; input: TensorExpr }
  /** Keep a subset of positions along one axis, in the given order. */
  | { op: 'take'; axis: number; index: IndexSet; input: TensorExpr }
  /** Grow one axis to `size`, placing the input at `offset` and filling the rest. */
  | {
      op: 'pad';
      axis: number;
      size: number;
      offset: number;
      fill: PadFill;
      fillFrom?: TensorExpr;
      input: TensorExpr;
    }
  /** Net2Net widening: repeat positions along an axis; `divide` splits the copies' values evenly. */
  | { op: 'replicate'; axis: number; sources: number[]; divide: boolean; input: TensorExpr }
  /** Sum equal-shaped inputs (CuDNN bias halves). */
  | { op: 'add'; inputs: TensorExpr[] }
  | { op: 'scale'; factor: number; input: TensorExpr }
  | { op: 'cast'; dtype: DType; input: TensorExpr };

/** Values of one tensor, row-major (C order). */
export interface Tensor {
  shape: number[];
  dtype: DType;
  data:
    | Float32Array
    | Float64Array
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | BigInt64Array
    | BigUint64Array;
}
