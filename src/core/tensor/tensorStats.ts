// Moments and a histogram of one tensor, for the inspector's "source vs result" view.

import type { Tensor } from '../../model/tensorExpr';
import { readNumbers } from './numberAccess';

export interface TensorStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Equal-width bins between min and max. */
  bins: number[];
}

export function tensorStats(tensor: Tensor, binCount = 40): TensorStats {
  const values = readNumbers(tensor);
  const n = values.length;
  if (n === 0) return { count: 0, mean: 0, std: 0, min: 0, max: 0, bins: new Array(binCount).fill(0) };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  const bins = new Array<number>(binCount).fill(0);
  const width = (max - min) / binCount;
  for (let i = 0; i < n; i++) {
    const b = width > 0 ? Math.min(binCount - 1, Math.floor((values[i] - min) / width)) : 0;
    bins[b] += 1;
  }
  return { count: n, mean, std: Math.sqrt(squares / n), min, max, bins };
}
