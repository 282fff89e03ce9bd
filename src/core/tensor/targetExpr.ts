// The planner refers to the target's own stored values with `op: 'target'`, so that one expression can
// mix source and target reads. Target specs come from a reader with `op: 'read'`; this renames them.

import type { TensorExpr } from '../../model';

export function asTargetExpr(expr: TensorExpr): TensorExpr {
  switch (expr.op) {
    case 'read':
      return { op: 'target', path: expr.path, shape: [...expr.shape], dtype: expr.dtype };
    case 'target':
    case 'zeros':
      return expr;
    case 'concat':
      return { ...expr, inputs: expr.inputs.map(asTargetExpr) };
    case 'add':
      return { ...expr, inputs: expr.inputs.map(asTargetExpr) };
    case 'pad':
      return {
        ...expr,
        input: asTargetExpr(expr.input),
        ...(expr.fillFrom ? { fillFrom: asTargetExpr(expr.fillFrom) } : {}),
      };
    default:
      return { ...expr, input: asTargetExpr(expr.input) };
  }
}
