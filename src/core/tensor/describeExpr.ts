// A one-line, human-readable form of a TensorExpr for the CLI, the app and test failures.
// Long index lists are abbreviated; the expression itself stays the exact record.

import type { IndexSet, TensorExpr } from '../../model';

const LISTED_INDICES = 6;

function listIndices(indices: readonly number[]): string {
  if (indices.length <= LISTED_INDICES) return `[${indices.join(', ')}]`;
  return `[${indices.slice(0, LISTED_INDICES).join(', ')}, … ${indices.length} in all]`;
}

function describeIndexSet(index: IndexSet): string {
  if (index.kind === 'range') return `${index.start}:${index.start + index.length}`;
  return listIndices(index.indices);
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export function describeExpr(expr: TensorExpr): string {
  switch (expr.op) {
    case 'read':
      return `read ${JSON.stringify(expr.path)} ${expr.dtype}${shapeText(expr.shape)}`;
    case 'target':
      return `target ${JSON.stringify(expr.path)} ${expr.dtype}${shapeText(expr.shape)}`;
    case 'zeros':
      return `zeros ${expr.dtype}${shapeText(expr.shape)}`;
    case 'concat':
      return `concat(axis ${expr.axis}: ${expr.inputs.map(describeExpr).join('; ')})`;
    case 'transpose':
      return `transpose(${describeExpr(expr.input)}, perm ${shapeText(expr.perm)})`;
    case 'flip':
      return `flip(${describeExpr(expr.input)}, axes ${shapeText(expr.axes)})`;
    case 'reshape':
      return `reshape(${describeExpr(expr.input)}, ${shapeText(expr.shape)})`;
    case 'take':
      return `take(${describeExpr(expr.input)}, axis ${expr.axis}, ${describeIndexSet(expr.index)})`;
    case 'pad': {
      const fill =
        expr.fill.kind === 'target' && expr.fillFrom
          ? `fill from ${describeExpr(expr.fillFrom)}`
          : `fill ${expr.fill.kind}`;
      return `pad(${describeExpr(expr.input)}, axis ${expr.axis} to ${expr.size} at ${expr.offset}, ${fill})`;
    }
    case 'replicate':
      return `replicate(${describeExpr(expr.input)}, axis ${expr.axis}, ${listIndices(expr.sources)}${expr.divide ? ', divided by count' : ''})`;
    case 'add':
      return `add(${expr.inputs.map(describeExpr).join('; ')})`;
    case 'scale':
      return `scale(${describeExpr(expr.input)}, ×${expr.factor})`;
    case 'cast':
      return `cast(${describeExpr(expr.input)}, ${expr.dtype})`;
  }
}
