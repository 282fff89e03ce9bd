// Choosing which source channels a shrunken group keeps, and the per-channel scores the rules use.

import type { SelectRule, Tensor } from '../../model';
import { readNumbers } from '../tensor';

/**
 * `targetWidth` source channels out of `sourceWidth`, sorted ascending. Score rules keep the highest
 * scores (ties: the lower index); `first` the leading ones; `uniform` evenly spaced ones starting at 0.
 */
export function chooseChannels(
  rule: SelectRule,
  sourceWidth: number,
  targetWidth: number,
  scores: ArrayLike<number> | null,
): number[] {
  const count = Math.min(targetWidth, sourceWidth);
  if (rule === 'first' || (rule !== 'uniform' && !scores)) return Array.from({ length: count }, (_, i) => i);
  if (rule === 'uniform')
    return Array.from({ length: count }, (_, i) => Math.floor((i * sourceWidth) / count));
  const ranked = Array.from({ length: sourceWidth }, (_, i) => i).sort(
    (a, b) => scores![b] - scores![a] || a - b,
  );
  return ranked.slice(0, count).sort((a, b) => a - b);
}

/**
 * Per position of `axis`: the sum of |x| (`l1`) or of x² (`l2`, root taken by the caller after summing
 * the pieces of one channel) over every other axis.
 */
export function axisSums(tensor: Tensor, axis: number, norm: 'l1' | 'l2'): Float64Array {
  const shape = tensor.shape;
  const length = shape[axis];
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a];
  const values = readNumbers(tensor);
  const sums = new Float64Array(length);
  const outer = length === 0 || inner === 0 ? 0 : values.length / (length * inner);
  const l1 = norm === 'l1';
  if (inner === 1) {
    // The output axis of a kernel (last axis): the hot case on big Dense layers, kept branch-free.
    for (let o = 0, i = 0; o < outer; o++) {
      if (l1) for (let p = 0; p < length; p++, i++) sums[p] += Math.abs(values[i]);
      else
        for (let p = 0; p < length; p++, i++) {
          const x = values[i];
          sums[p] += x * x;
        }
    }
    return sums;
  }
  for (let o = 0, i = 0; o < outer; o++) {
    for (let position = 0; position < length; position++) {
      let sum = 0;
      const end = i + inner;
      if (l1) for (; i < end; i++) sum += Math.abs(values[i]);
      else
        for (; i < end; i++) {
          const x = values[i];
          sum += x * x;
        }
      sums[position] += sum;
    }
  }
  return sums;
}
