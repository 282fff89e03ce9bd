// Static shape and dtype of a TensorExpr, with the checks the evaluator relies on. An invalid expression
// is a bug in whoever built it (reader or planner), reported as GraftError('shape').

import { GraftError, type DType, type IndexSet, type TensorExpr } from '../../model';
import { elementCount } from './tensorStorage';

function fail(expr: TensorExpr, message: string): never {
  throw new GraftError('shape', `invalid tensor expression (${expr.op}): ${message}`);
}

function checkAxis(expr: TensorExpr, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) fail(expr, `axis ${axis} is outside rank ${rank}`);
}

function checkShape(expr: TensorExpr, shape: readonly number[]): void {
  for (const size of shape)
    if (!Number.isInteger(size) || size < 0) fail(expr, `bad shape [${shape.join(', ')}]`);
}

export function indexSetLength(index: IndexSet): number {
  return index.kind === 'range' ? index.length : index.indices.length;
}

/** Checks every index of `index` is inside `[0, size)`. */
export function indexSetFits(index: IndexSet, size: number): boolean {
  if (index.kind === 'range') {
    return (
      Number.isInteger(index.start) &&
      index.start >= 0 &&
      index.length >= 0 &&
      index.start + index.length <= size
    );
  }
  for (const i of index.indices) if (!Number.isInteger(i) || i < 0 || i >= size) return false;
  return true;
}

export function shapeOf(expr: TensorExpr): number[] {
  switch (expr.op) {
    case 'read':
    case 'target':
    case 'zeros':
      checkShape(expr, expr.shape);
      return [...expr.shape];
    case 'concat': {
      if (expr.inputs.length === 0) fail(expr, 'no inputs');
      const shapes = expr.inputs.map(shapeOf);
      const first = shapes[0];
      checkAxis(expr, expr.axis, first.length);
      const out = [...first];
      for (const shape of shapes.slice(1)) {
        if (
          shape.length !== first.length ||
          shape.some((size, axis) => axis !== expr.axis && size !== first[axis])
        ) {
          fail(expr, `inputs [${first.join(', ')}] and [${shape.join(', ')}] differ off axis ${expr.axis}`);
        }
        out[expr.axis] += shape[expr.axis];
      }
      return out;
    }
    case 'transpose': {
      const shape = shapeOf(expr.input);
      const seen = new Set(expr.perm);
      if (
        expr.perm.length !== shape.length ||
        seen.size !== shape.length ||
        expr.perm.some((a) => !(a >= 0 && a < shape.length))
      ) {
        fail(expr, `perm [${expr.perm.join(', ')}] is not a permutation of rank ${shape.length}`);
      }
      return expr.perm.map((axis) => shape[axis]);
    }
    case 'flip': {
      const shape = shapeOf(expr.input);
      for (const axis of expr.axes) checkAxis(expr, axis, shape.length);
      return shape;
    }
    case 'reshape': {
      const shape = shapeOf(expr.input);
      checkShape(expr, expr.shape);
      if (elementCount(shape) !== elementCount(expr.shape)) {
        fail(expr, `cannot reshape [${shape.join(', ')}] to [${expr.shape.join(', ')}]`);
      }
      return [...expr.shape];
    }
    case 'take': {
      const shape = shapeOf(expr.input);
      checkAxis(expr, expr.axis, shape.length);
      if (!indexSetFits(expr.index, shape[expr.axis]))
        fail(expr, `index outside axis ${expr.axis} of size ${shape[expr.axis]}`);
      shape[expr.axis] = indexSetLength(expr.index);
      return shape;
    }
    case 'pad': {
      const shape = shapeOf(expr.input);
      checkAxis(expr, expr.axis, shape.length);
      const size = shape[expr.axis];
      if (!Number.isInteger(expr.offset) || expr.offset < 0 || expr.offset + size > expr.size) {
        fail(expr, `cannot place ${size} at ${expr.offset} inside ${expr.size}`);
      }
      shape[expr.axis] = expr.size;
      if (expr.fill.kind === 'target') {
        if (!expr.fillFrom) fail(expr, 'fill "target" needs fillFrom');
        const fillShape = shapeOf(expr.fillFrom);
        if (fillShape.join(',') !== shape.join(',')) {
          fail(
            expr,
            `fillFrom shape [${fillShape.join(', ')}] is not the padded shape [${shape.join(', ')}]`,
          );
        }
      }
      return shape;
    }
    case 'replicate': {
      const shape = shapeOf(expr.input);
      checkAxis(expr, expr.axis, shape.length);
      if (!indexSetFits({ kind: 'indices', indices: expr.sources }, shape[expr.axis])) {
        fail(expr, `source index outside axis ${expr.axis} of size ${shape[expr.axis]}`);
      }
      shape[expr.axis] = expr.sources.length;
      return shape;
    }
    case 'add': {
      if (expr.inputs.length === 0) fail(expr, 'no inputs');
      const shapes = expr.inputs.map(shapeOf);
      for (const shape of shapes) {
        if (shape.join(',') !== shapes[0].join(','))
          fail(expr, `inputs [${shapes[0].join(', ')}] and [${shape.join(', ')}] differ`);
      }
      return shapes[0];
    }
    case 'scale':
    case 'cast':
      return shapeOf(expr.input);
  }
}

export function dtypeOf(expr: TensorExpr): DType {
  switch (expr.op) {
    case 'read':
    case 'target':
    case 'zeros':
    case 'cast':
      return expr.dtype;
    case 'concat':
    case 'add': {
      const dtypes = expr.inputs.map(dtypeOf);
      if (dtypes.length === 0) fail(expr, 'no inputs');
      if (dtypes.some((dtype) => dtype !== dtypes[0]))
        fail(expr, `inputs mix dtypes ${[...new Set(dtypes)].join(', ')}`);
      return dtypes[0];
    }
    case 'pad': {
      const dtype = dtypeOf(expr.input);
      if (expr.fillFrom && dtypeOf(expr.fillFrom) !== dtype)
        fail(expr, `fillFrom is ${dtypeOf(expr.fillFrom)}, input is ${dtype}`);
      return dtype;
    }
    default:
      return dtypeOf(expr.input);
  }
}
