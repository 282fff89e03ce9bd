// Builds TensorExprs over stored datasets while tracking the resulting shape, so layout conversions
// (Keras 1 gate concatenation, Theano transposes and flips) are described, never computed, at open time.

import type { DType } from '../../model/modelSpec';
import type { TensorExpr } from '../../model/tensorExpr';
import { GraftError } from '../../model/errors';

export interface ShapedExpr {
  expr: TensorExpr;
  shape: number[];
  dtype: DType;
}

export function readExpr(path: string, shape: number[], dtype: DType): ShapedExpr {
  return { expr: { op: 'read', path, shape: [...shape], dtype }, shape: [...shape], dtype };
}

/** `perm[i]` is the input axis that becomes output axis i (numpy.transpose). */
export function transposeExpr(x: ShapedExpr, perm: number[]): ShapedExpr {
  if (perm.length !== x.shape.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new GraftError(
      'corrupt',
      `cannot transpose a tensor of shape (${x.shape.join(', ')}) with (${perm.join(', ')})`,
    );
  }
  return {
    expr: { op: 'transpose', perm, input: x.expr },
    shape: perm.map((p) => x.shape[p]),
    dtype: x.dtype,
  };
}

export function flipExpr(x: ShapedExpr, axes: number[]): ShapedExpr {
  if (axes.length === 0) return x;
  return { expr: { op: 'flip', axes, input: x.expr }, shape: x.shape, dtype: x.dtype };
}

export function reshapeExpr(x: ShapedExpr, shape: number[]): ShapedExpr {
  const count = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (count(shape) !== count(x.shape)) {
    throw new GraftError('corrupt', `cannot reshape (${x.shape.join(', ')}) to (${shape.join(', ')})`);
  }
  return { expr: { op: 'reshape', shape, input: x.expr }, shape, dtype: x.dtype };
}

/** Concatenates along `axis` (negative counts from the end, as numpy does). */
export function concatExpr(xs: ShapedExpr[], axis: number): ShapedExpr {
  const rank = xs[0].shape.length;
  const ax = axis < 0 ? rank + axis : axis;
  for (const x of xs) {
    const sameOtherAxes =
      x.shape.length === rank && x.shape.every((d, i) => i === ax || d === xs[0].shape[i]);
    if (!sameOtherAxes || x.dtype !== xs[0].dtype) {
      throw new GraftError(
        'corrupt',
        `cannot concatenate (${x.shape.join(', ')}) ${x.dtype} with (${xs[0].shape.join(', ')}) ${xs[0].dtype} on axis ${ax}`,
      );
    }
  }
  const shape = [...xs[0].shape];
  shape[ax] = xs.reduce((sum, x) => sum + x.shape[ax], 0);
  return { expr: { op: 'concat', axis: ax, inputs: xs.map((x) => x.expr) }, shape, dtype: xs[0].dtype };
}
