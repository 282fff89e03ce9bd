// Which typed array holds which dtype. float16 and bfloat16 keep their raw bits in a Uint16Array so that
// moving them around never changes a bit; arithmetic decodes them explicitly (see halfFloat.ts).

import type { DType, Tensor } from '../../model';

export type TensorData = Tensor['data'];

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const size of shape) count *= size;
  return count;
}

export function allocateTensorData(dtype: DType, length: number): TensorData {
  switch (dtype) {
    case 'float16':
    case 'bfloat16':
    case 'uint16':
      return new Uint16Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'uint64':
      return new BigUint64Array(length);
  }
}

/** Whether `data` is the typed array this dtype is stored in (bool may arrive as Int8Array from readers). */
export function storageMatches(dtype: DType, data: TensorData): boolean {
  const expected = allocateTensorData(dtype, 0).constructor;
  if (data.constructor === expected) return true;
  return dtype === 'bool' && data instanceof Int8Array;
}

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float32' || dtype === 'float64';
}

export function isBigIntDType(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'uint64';
}

/** Row-major strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}
