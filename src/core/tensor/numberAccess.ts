// Reading and writing tensor elements as plain numbers, for the few operations that do arithmetic
// (add, scale, replicate with divide, cast, norms). Data movement never goes through here.

import type { DType, Tensor } from '../../model';
import {
  bfloat16ArrayToFloat32,
  float16ArrayToFloat32,
  numberToBfloat16Bits,
  numberToFloat16Bits,
} from './halfFloat';
import { allocateTensorData, type TensorData } from './tensorStorage';

/** Element values as numbers: the data itself for number-typed storage, decoded for half floats and 64-bit ints. */
export function readNumbers(tensor: Tensor): ArrayLike<number> {
  const { data, dtype } = tensor;
  if (dtype === 'float16') return float16ArrayToFloat32(data as Uint16Array);
  if (dtype === 'bfloat16') return bfloat16ArrayToFloat32(data as Uint16Array);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return data as ArrayLike<number>;
}

/** Stores one number into `data` at `index` the way numpy's astype would (round-to-nearest floats, truncating ints). */
export type NumberWriter = (data: TensorData, index: number, value: number) => void;

export function numberWriter(dtype: DType): NumberWriter {
  switch (dtype) {
    case 'float16':
      return (data, index, value) => {
        (data as Uint16Array)[index] = numberToFloat16Bits(value);
      };
    case 'bfloat16':
      return (data, index, value) => {
        (data as Uint16Array)[index] = numberToBfloat16Bits(value);
      };
    case 'bool':
      return (data, index, value) => {
        (data as Uint8Array)[index] = value !== 0 ? 1 : 0;
      };
    case 'int64':
    case 'uint64':
      return (data, index, value) => {
        (data as BigInt64Array)[index] = Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
      };
    default:
      return (data, index, value) => {
        (data as Float64Array)[index] = value;
      };
  }
}

/** Builds a tensor of `dtype` from computed values; one rounding per element. */
export function writeNumbers(dtype: DType, shape: number[], values: ArrayLike<number>): Tensor {
  const data = allocateTensorData(dtype, values.length);
  if (data instanceof Float32Array || data instanceof Float64Array) {
    data.set(values);
  } else {
    const write = numberWriter(dtype);
    for (let i = 0; i < values.length; i++) write(data, i, values[i]);
  }
  return { shape, dtype, data };
}
