// Global alignment of two sequences with affine gaps (Needleman-Wunsch with Gotoh's three states).
// Knows nothing about Keras: the caller supplies the pair score and the gap costs.

/** Where a gap cost is charged: the side whose elements are skipped and the index of the element. */
export type GapCostAt = (side: 'a' | 'b', index: number) => number;

/** Gap costs, as positive numbers subtracted from the score. */
export interface GapCost {
  /** Charged once per run of skipped elements, at its first element. */
  open: number | GapCostAt;
  /** Charged for each further skipped element of the same run. */
  extend: number;
  /** Charged once per run at its last element; lets the caller prefer runs that end at certain places. */
  close?: number | GapCostAt;
}

export interface Alignment {
  /** Paired positions `[i in a, j in b]`, increasing in both. Everything else is a gap. */
  pairs: [number, number][];
  score: number;
}

const M = 0; // a[i-1] paired with b[j-1]
const X = 1; // a[i-1] skipped
const Y = 2; // b[j-1] skipped

function costs(cost: number | GapCostAt | undefined, side: 'a' | 'b', length: number): Float64Array {
  // One extra slot so "the run before index 0" reads as a zero cost instead of out of range.
  const out = new Float64Array(length + 1);
  for (let k = 0; k < length; k++)
    out[k + 1] = cost === undefined ? 0 : typeof cost === 'number' ? cost : cost(side, k);
  return out;
}

/**
 * Align `a` with `b`, maximising the sum of `score` over paired elements minus gap costs.
 * `score` may return -Infinity for pairs that must never be made. O(|a|·|b|) time; memory is a few
 * score rows plus one byte of traceback per cell.
 *
 * Among equally good alignments the one with its gaps as late as possible wins (the traceback prefers a
 * gap to a pair on ties). For layers that means: when a stack of identical blocks got shorter, its first
 * blocks pair with the source's first blocks, which is how Keras numbers a shortened stack.
 */
export function alignLayers<A, B>(
  a: readonly A[],
  b: readonly B[],
  score: (x: A, y: B, i: number, j: number) => number,
  gap: number | GapCost,
): Alignment {
  const n = a.length;
  const m = b.length;
  const cost: GapCost = typeof gap === 'number' ? { open: gap, extend: gap } : gap;
  // Shifted by one: openA[i] is the cost of opening at a[i-1], closeA[i] of closing at a[i-1].
  const openA = costs(cost.open, 'a', n);
  const openB = costs(cost.open, 'b', m);
  const closeA = costs(cost.close, 'a', n);
  const closeB = costs(cost.close, 'b', m);
  const ext = cost.extend;

  const width = m + 1;
  // Per cell: bits 0-1 the state before M, bits 2-3 before X, bits 4-5 before Y.
  const trace = new Uint8Array((n + 1) * width);
  let prevM = new Float64Array(width).fill(-Infinity);
  let prevX = new Float64Array(width).fill(-Infinity);
  let prevY = new Float64Array(width).fill(-Infinity);
  let curM = new Float64Array(width);
  let curX = new Float64Array(width);
  let curY = new Float64Array(width);

  prevM[0] = 0;
  for (let j = 1; j <= m; j++) {
    const fromM = prevM[j - 1] - openB[j];
    const fromY = prevY[j - 1] - ext;
    prevY[j] = fromM > fromY ? fromM : fromY;
    trace[j] = (fromM > fromY ? M : Y) << 4;
  }

  for (let i = 1; i <= n; i++) {
    const row = i * width;
    const x = a[i - 1];
    const oa = openA[i];
    const caPrev = closeA[i - 1];
    const caHere = closeA[i];
    {
      const fromM = prevM[0] - oa;
      const fromX = prevX[0] - ext;
      curX[0] = fromM > fromX ? fromM : fromX;
      trace[row] = (fromM > fromX ? M : X) << 2;
      curM[0] = -Infinity;
      curY[0] = -Infinity;
    }
    for (let j = 1; j <= m; j++) {
      // Pair a[i-1] with b[j-1], closing whatever gap came before.
      const dm = prevM[j - 1];
      const dx = prevX[j - 1] - caPrev;
      const dy = prevY[j - 1] - closeB[j - 1];
      let dState = X;
      let dBest = dx;
      if (dy > dBest) {
        dState = Y;
        dBest = dy;
      }
      if (dm > dBest) {
        dState = M;
        dBest = dm;
      }
      curM[j] = dBest + score(x, b[j - 1], i - 1, j - 1);

      // Skip a[i-1].
      const um = prevM[j] - oa;
      const ux = prevX[j] - ext;
      const uy = prevY[j] - closeB[j] - oa;
      let uState = X;
      let uBest = ux;
      if (uy > uBest) {
        uState = Y;
        uBest = uy;
      }
      if (um > uBest) {
        uState = M;
        uBest = um;
      }
      curX[j] = uBest;

      // Skip b[j-1].
      const ob = openB[j];
      const lm = curM[j - 1] - ob;
      const lx = curX[j - 1] - caHere - ob;
      const ly = curY[j - 1] - ext;
      let lState = Y;
      let lBest = ly;
      if (lx > lBest) {
        lState = X;
        lBest = lx;
      }
      if (lm > lBest) {
        lState = M;
        lBest = lm;
      }
      curY[j] = lBest;

      trace[row + j] = dState | (uState << 2) | (lState << 4);
    }
    [prevM, curM] = [curM, prevM];
    [prevX, curX] = [curX, prevX];
    [prevY, curY] = [curY, prevY];
  }

  const endM = prevM[m];
  const endX = prevX[m] - closeA[n];
  const endY = prevY[m] - closeB[m];
  let state = X;
  let total = endX;
  if (endY > total) {
    state = Y;
    total = endY;
  }
  if (endM > total) {
    state = M;
    total = endM;
  }

  const pairs: [number, number][] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const cell = trace[i * width + j];
    if (state === M) {
      pairs.push([i - 1, j - 1]);
      state = cell & 3;
      i--;
      j--;
    } else if (state === X) {
      state = (cell >> 2) & 3;
      i--;
    } else {
      state = (cell >> 4) & 3;
      j--;
    }
  }
  pairs.reverse();
  return { pairs, score: total };
}
