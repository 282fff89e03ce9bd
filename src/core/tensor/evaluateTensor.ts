// Runs a TensorExpr. Row-major typed arrays throughout; data movement copies stored values (bit-exact),
// arithmetic decodes to numbers and rounds once on the way back. The result never shares memory with a
// tensor the io returned, so callers may keep or change it freely.

import { GraftError, type DType, type IndexSet, type Tensor, type TensorExpr } from '../../model';
import { numberWriter, readNumbers, writeNumbers } from './numberAccess';
import { dtypeOf, shapeOf } from './shapeOf';
import { copyBox, copyRun, gatherAxis } from './stridedCopy';
import {
  allocateTensorData,
  elementCount,
  isBigIntDType,
  storageMatches,
  stridesOf,
  type TensorData,
} from './tensorStorage';

export interface TensorIO {
  /** Values of a dataset of the source file (`op: 'read'`). */
  readSource(path: string): Promise<Tensor>;
  /** Values of a dataset of the target file (`op: 'target'`). */
  readTarget?(path: string): Promise<Tensor>;
  /**
   * True when every read returns a fresh buffer nobody else keeps (a plain file read): a result that is
   * just a read is then handed out as it is instead of copied — one tensor-sized copy less per weight.
   */
  freshReads?: boolean;
}

export async function evaluateTensor(expr: TensorExpr, io: TensorIO): Promise<Tensor> {
  // Validate the whole expression before reading anything.
  shapeOf(expr);
  dtypeOf(expr);
  const run = new Evaluation(io);
  const result = await run.evaluate(expr);
  if (!io.freshReads && run.ioBuffers.has(result.data)) return { ...result, data: result.data.slice() };
  return result;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((size, i) => size === b[i]);

/** Splits a shape around one axis: (outer, axis length, inner). */
function aroundAxis(shape: readonly number[], axis: number): [number, number, number] {
  return [elementCount(shape.slice(0, axis)), shape[axis], elementCount(shape.slice(axis + 1))];
}

class Evaluation {
  readonly ioBuffers = new Set<TensorData>();
  private readonly sourceReads = new Map<string, Promise<Tensor>>();
  private readonly targetReads = new Map<string, Promise<Tensor>>();

  constructor(private readonly io: TensorIO) {}

  async evaluate(expr: TensorExpr): Promise<Tensor> {
    switch (expr.op) {
      case 'read':
        return this.load(expr, this.sourceReads, (path) => this.io.readSource(path));
      case 'target': {
        const readTarget = this.io.readTarget?.bind(this.io);
        if (!readTarget)
          throw new GraftError(
            'usage',
            `the target's own value ${expr.path} is needed but no target file is open`,
          );
        return this.load(expr, this.targetReads, readTarget);
      }
      case 'zeros':
        return {
          shape: [...expr.shape],
          dtype: expr.dtype,
          data: allocateTensorData(expr.dtype, elementCount(expr.shape)),
        };
      case 'reshape': {
        const input = await this.evaluate(expr.input);
        return { shape: [...expr.shape], dtype: input.dtype, data: input.data };
      }
      case 'concat':
        return concat(await Promise.all(expr.inputs.map((input) => this.evaluate(input))), expr.axis);
      case 'transpose':
        return transpose(await this.evaluate(expr.input), expr.perm);
      case 'flip':
        return flip(await this.evaluate(expr.input), expr.axes);
      case 'take':
        return take(await this.evaluate(expr.input), expr.axis, expr.index);
      case 'pad': {
        const input = await this.evaluate(expr.input);
        const fill = expr.fill.kind === 'target' && expr.fillFrom ? await this.evaluate(expr.fillFrom) : null;
        return pad(input, expr.axis, expr.size, expr.offset, fill);
      }
      case 'replicate':
        return replicate(await this.evaluate(expr.input), expr.axis, expr.sources, expr.divide);
      case 'add':
        return add(await Promise.all(expr.inputs.map((input) => this.evaluate(input))));
      case 'scale':
        return scale(await this.evaluate(expr.input), expr.factor);
      case 'cast':
        return cast(await this.evaluate(expr.input), expr.dtype);
    }
  }

  private load(
    expr: Extract<TensorExpr, { op: 'read' | 'target' }>,
    cache: Map<string, Promise<Tensor>>,
    read: (path: string) => Promise<Tensor>,
  ): Promise<Tensor> {
    let pending = cache.get(expr.path);
    if (!pending) {
      pending = read(expr.path);
      cache.set(expr.path, pending);
    }
    return pending.then((tensor) => {
      const where = `${expr.op === 'read' ? 'source' : 'target'} dataset ${expr.path}`;
      if (tensor.dtype !== expr.dtype || !storageMatches(expr.dtype, tensor.data)) {
        throw new GraftError(
          'corrupt',
          `${where} holds ${tensor.dtype} (${tensor.data.constructor.name}), expected ${expr.dtype}`,
        );
      }
      if (tensor.data.length !== elementCount(expr.shape)) {
        throw new GraftError(
          'corrupt',
          `${where} has ${tensor.data.length} values, expected [${expr.shape.join(', ')}]`,
        );
      }
      this.ioBuffers.add(tensor.data);
      return { shape: [...expr.shape], dtype: expr.dtype, data: tensor.data };
    });
  }
}

function concat(inputs: Tensor[], axis: number): Tensor {
  const first = inputs[0];
  const shape = [...first.shape];
  shape[axis] = inputs.reduce((sum, input) => sum + input.shape[axis], 0);
  const data = allocateTensorData(first.dtype, elementCount(shape));
  const [outer, , inner] = aroundAxis(shape, axis);
  const rowLength = shape[axis] * inner;
  let offset = 0;
  for (const input of inputs) {
    const blockLength = input.shape[axis] * inner;
    for (let o = 0; o < outer; o++)
      copyRun(data, o * rowLength + offset, input.data, o * blockLength, blockLength);
    offset += blockLength;
  }
  return { shape, dtype: first.dtype, data };
}

function transpose(input: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((axis) => input.shape[axis]);
  const inputStrides = stridesOf(input.shape);
  const data = allocateTensorData(input.dtype, input.data.length);
  copyBox(
    data,
    0,
    stridesOf(shape),
    input.data,
    0,
    perm.map((axis) => inputStrides[axis]),
    shape,
  );
  return { shape, dtype: input.dtype, data };
}

function flip(input: Tensor, axes: readonly number[]): Tensor {
  const strides = stridesOf(input.shape);
  const srcStrides = [...strides];
  let srcBase = 0;
  for (const axis of new Set(axes)) {
    srcBase += (input.shape[axis] - 1) * strides[axis];
    srcStrides[axis] = -strides[axis];
  }
  const data = allocateTensorData(input.dtype, input.data.length);
  copyBox(data, 0, strides, input.data, srcBase, srcStrides, input.shape);
  return { shape: [...input.shape], dtype: input.dtype, data };
}

function take(input: Tensor, axis: number, index: IndexSet): Tensor {
  const [outer, length, inner] = aroundAxis(input.shape, axis);
  const shape = [...input.shape];
  if (index.kind === 'range') {
    shape[axis] = index.length;
    const data = allocateTensorData(input.dtype, elementCount(shape));
    const block = index.length * inner;
    for (let o = 0; o < outer; o++)
      copyRun(data, o * block, input.data, (o * length + index.start) * inner, block);
    return { shape, dtype: input.dtype, data };
  }
  shape[axis] = index.indices.length;
  const data = allocateTensorData(input.dtype, elementCount(shape));
  gatherAxis(data, input.data, outer, length, inner, index.indices);
  return { shape, dtype: input.dtype, data };
}

function pad(input: Tensor, axis: number, size: number, offset: number, fill: Tensor | null): Tensor {
  const shape = [...input.shape];
  shape[axis] = size;
  const data = fill ? fill.data.slice() : allocateTensorData(input.dtype, elementCount(shape));
  const [outer, length, inner] = aroundAxis(input.shape, axis);
  const block = length * inner;
  for (let o = 0; o < outer; o++) copyRun(data, (o * size + offset) * inner, input.data, o * block, block);
  return { shape, dtype: input.dtype, data };
}

function replicate(input: Tensor, axis: number, sources: readonly number[], divide: boolean): Tensor {
  const [outer, length, inner] = aroundAxis(input.shape, axis);
  const shape = [...input.shape];
  shape[axis] = sources.length;
  const data = allocateTensorData(input.dtype, elementCount(shape));
  gatherAxis(data, input.data, outer, length, inner, sources);
  if (!divide) return { shape, dtype: input.dtype, data };
  const counts = new Map<number, number>();
  for (const source of sources) counts.set(source, (counts.get(source) ?? 0) + 1);
  if ([...counts.values()].every((count) => count === 1)) return { shape, dtype: input.dtype, data };
  if (isBigIntDType(input.dtype) || input.dtype === 'bool') {
    throw new GraftError('shape', `cannot divide replicated ${input.dtype} values`);
  }
  const values = readNumbers({ shape, dtype: input.dtype, data });
  const write = numberWriter(input.dtype);
  for (let j = 0; j < sources.length; j++) {
    const count = counts.get(sources[j]) ?? 1;
    if (count === 1) continue;
    for (let o = 0; o < outer; o++) {
      const start = (o * sources.length + j) * inner;
      for (let i = start; i < start + inner; i++) write(data, i, values[i] / count);
    }
  }
  return { shape, dtype: input.dtype, data };
}

function add(inputs: Tensor[]): Tensor {
  const first = inputs[0];
  for (const input of inputs) {
    if (!sameShape(input.shape, first.shape) || input.dtype !== first.dtype) {
      throw new GraftError(
        'shape',
        `cannot add ${input.dtype}[${input.shape}] to ${first.dtype}[${first.shape}]`,
      );
    }
  }
  if (isBigIntDType(first.dtype)) {
    const data = allocateTensorData(first.dtype, first.data.length) as BigInt64Array;
    for (const input of inputs) {
      const values = input.data as BigInt64Array;
      for (let i = 0; i < data.length; i++) data[i] += values[i];
    }
    return { shape: [...first.shape], dtype: first.dtype, data };
  }
  const sums = new Float64Array(first.data.length);
  for (const input of inputs) {
    const values = readNumbers(input);
    for (let i = 0; i < sums.length; i++) sums[i] += values[i];
  }
  return writeNumbers(first.dtype, [...first.shape], sums);
}

function scale(input: Tensor, factor: number): Tensor {
  if (input.data instanceof Float32Array || input.data instanceof Float64Array) {
    const data = input.data.slice();
    for (let i = 0; i < data.length; i++) data[i] *= factor;
    return { shape: [...input.shape], dtype: input.dtype, data };
  }
  const values = readNumbers(input);
  const products = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) products[i] = values[i] * factor;
  return writeNumbers(input.dtype, [...input.shape], products);
}

function cast(input: Tensor, dtype: DType): Tensor {
  if (input.dtype === dtype) return input;
  if (isBigIntDType(input.dtype) && isBigIntDType(dtype)) {
    const data = allocateTensorData(dtype, input.data.length) as BigInt64Array;
    const source = input.data as BigInt64Array;
    const bits = 64;
    for (let i = 0; i < data.length; i++)
      data[i] = dtype === 'int64' ? BigInt.asIntN(bits, source[i]) : BigInt.asUintN(bits, source[i]);
    return { shape: [...input.shape], dtype, data };
  }
  return writeNumbers(dtype, [...input.shape], readNumbers(input));
}
