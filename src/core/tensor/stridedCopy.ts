// The data-movement kernels. Source and destination always hold the same dtype, so values are copied
// as stored (bit-exact, including NaN payloads and float16 bits).

import type { TensorData } from './tensorStorage';

// Every TensorData variant has the same runtime API; one concrete type keeps the calls simple.
type Cells = Float64Array;
const asCells = (data: TensorData): Cells => data as unknown as Cells;

/** Below this length a plain loop beats creating a subarray view. */
const VIEW_COPY_THRESHOLD = 16;

/** Copies `length` consecutive elements. */
export function copyRun(
  dst: TensorData,
  dstOffset: number,
  src: TensorData,
  srcOffset: number,
  length: number,
): void {
  const d = asCells(dst);
  const s = asCells(src);
  if (length >= VIEW_COPY_THRESHOLD) {
    d.set(s.subarray(srcOffset, srcOffset + length), dstOffset);
    return;
  }
  for (let i = 0; i < length; i++) d[dstOffset + i] = s[srcOffset + i];
}

/**
 * Copies a box of `shape` elements: dst[dstBase + sum(i_k * dstStrides_k)] = src[srcBase + sum(i_k * srcStrides_k)].
 * Strides may be negative (flip). Used for transpose, flip and placing blocks.
 */
export function copyBox(
  dst: TensorData,
  dstBase: number,
  dstStrides: readonly number[],
  src: TensorData,
  srcBase: number,
  srcStrides: readonly number[],
  shape: readonly number[],
): void {
  const d = asCells(dst);
  const s = asCells(src);
  const rank = shape.length;
  if (rank === 0) {
    d[dstBase] = s[srcBase];
    return;
  }
  for (const size of shape) if (size === 0) return;
  const last = rank - 1;
  const runLength = shape[last];
  const dstStep = dstStrides[last];
  const srcStep = srcStrides[last];
  const contiguous = dstStep === 1 && srcStep === 1;
  const counters = new Int32Array(rank);
  let dstOffset = dstBase;
  let srcOffset = srcBase;
  for (;;) {
    if (contiguous) {
      copyRun(dst, dstOffset, src, srcOffset, runLength);
    } else {
      for (let i = 0, di = dstOffset, si = srcOffset; i < runLength; i++, di += dstStep, si += srcStep)
        d[di] = s[si];
    }
    // Odometer over the outer axes.
    let axis = last - 1;
    while (axis >= 0) {
      counters[axis]++;
      dstOffset += dstStrides[axis];
      srcOffset += srcStrides[axis];
      if (counters[axis] < shape[axis]) break;
      dstOffset -= dstStrides[axis] * shape[axis];
      srcOffset -= srcStrides[axis] * shape[axis];
      counters[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/**
 * Gathers positions along one axis: out[o, j, i] = src[o, indices[j], i] for a tensor viewed as
 * (outer, axisLength, inner).
 */
export function gatherAxis(
  dst: TensorData,
  src: TensorData,
  outer: number,
  axisLength: number,
  inner: number,
  indices: readonly number[],
): void {
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      copyRun(dst, (o * count + j) * inner, src, (o * axisLength + indices[j]) * inner, inner);
    }
  }
}
