import { describe, expect, it } from 'vitest';
import { alignLayers, type GapCost } from '../../src/core/match/alignLayers';

const letters = (s: string) => s.split('');
const same = (x: string, y: string) => (x === y ? 2 : -1);
const unpaired = (length: number, used: number[]) =>
  Array.from({ length }, (_, k) => k).filter((k) => !used.includes(k));

/** Score of an alignment given as a move string (M pair, X skip a, Y skip b), computed the slow way. */
function scoreMoves(
  moves: string,
  a: string[],
  b: string[],
  score: (x: string, y: string) => number,
  gap: Required<GapCost>,
): number {
  const cost = (c: GapCost['open'], side: 'a' | 'b', k: number) => (typeof c === 'number' ? c : c(side, k));
  let total = 0;
  let i = 0;
  let j = 0;
  for (let k = 0; k < moves.length; k++) {
    const move = moves[k];
    if (move === 'M') {
      total += score(a[i++], b[j++]);
      continue;
    }
    const side = move === 'X' ? 'a' : 'b';
    const index = move === 'X' ? i++ : j++;
    total -= moves[k - 1] === move ? gap.extend : cost(gap.open, side, index);
    if (moves[k + 1] !== move) total -= cost(gap.close, side, index);
  }
  return total;
}

function allMoveStrings(n: number, m: number): string[] {
  if (n === 0 && m === 0) return [''];
  const out: string[] = [];
  if (n > 0 && m > 0) for (const rest of allMoveStrings(n - 1, m - 1)) out.push('M' + rest);
  if (n > 0) for (const rest of allMoveStrings(n - 1, m)) out.push('X' + rest);
  if (m > 0) for (const rest of allMoveStrings(n, m - 1)) out.push('Y' + rest);
  return out;
}

describe('alignLayers', () => {
  it('pairs identical sequences one to one', () => {
    const { pairs } = alignLayers(letters('ABCDE'), letters('ABCDE'), same, 3);
    expect(pairs).toEqual([0, 1, 2, 3, 4].map((k) => [k, k]));
  });

  it('turns a removed middle run into one gap and lines up what follows', () => {
    const a = letters('ABCFGH');
    const b = letters('ABCDEFGH');
    const { pairs } = alignLayers(a, b, same, { open: 3, extend: 0.5 });
    expect(pairs.map(([i, j]) => [a[i], b[j]])).toEqual(letters('ABCFGH').map((x) => [x, x]));
    expect(
      unpaired(
        b.length,
        pairs.map((p) => p[1]),
      ),
    ).toEqual([3, 4]);
  });

  it('handles a run removed at the start and at the end', () => {
    const start = alignLayers(letters('DEFGH'), letters('ABCDEFGH'), same, { open: 3, extend: 0.5 });
    expect(start.pairs).toEqual([0, 1, 2, 3, 4].map((k) => [k, k + 3]));
    const end = alignLayers(letters('ABCDE'), letters('ABCDEFGH'), same, { open: 3, extend: 0.5 });
    expect(end.pairs).toEqual([0, 1, 2, 3, 4].map((k) => [k, k]));
  });

  it('keeps gaps contiguous with affine costs and puts them as late as ties allow', () => {
    // Every placement of the two skipped b's scores the same on pairs; only the gap costs differ.
    const a = letters('AAAA');
    const b = letters('AAAAAA');
    const { pairs, score } = alignLayers(a, b, same, { open: 3, extend: 0.5 });
    expect(
      unpaired(
        b.length,
        pairs.map((p) => p[1]),
      ),
    ).toEqual([4, 5]);
    expect(score).toBeCloseTo(4 * 2 - 3 - 0.5);
  });

  it('never makes a pair scored -Infinity', () => {
    const forbid = (x: string, y: string) => (x === 'C' && y === 'C' ? -Infinity : same(x, y));
    const { pairs } = alignLayers(letters('ABCD'), letters('ABCD'), forbid, 1);
    expect(pairs).not.toContainEqual([2, 2]);
    expect(pairs).toContainEqual([3, 3]);
  });

  it('returns no pairs when either side is empty', () => {
    expect(alignLayers([], letters('AB'), same, 1)).toEqual({ pairs: [], score: -2 });
    expect(alignLayers(letters('AB'), [], same, 1).pairs).toEqual([]);
    expect(alignLayers([], [], same, 1)).toEqual({ pairs: [], score: 0 });
  });

  it('puts a gap where the caller made opening and closing cheap', () => {
    // Which of the identical B's to skip is decided by the position-dependent costs alone.
    const b = letters('ABBBBC');
    const a = letters('ABBBC');
    for (const cheap of [1, 2, 3, 4]) {
      const gap: GapCost = {
        open: (side, k) => (side === 'b' && k === cheap ? 1 : 5),
        close: (side, k) => (side === 'b' && k === cheap ? 1 : 5),
        extend: 0.5,
      };
      const { pairs } = alignLayers(a, b, same, gap);
      expect(
        unpaired(
          b.length,
          pairs.map((p) => p[1]),
        ),
      ).toEqual([cheap]);
    }
  });

  it('finds the best score over every possible alignment of small random sequences', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = letters('ABC');
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(random() * 4);
      const m = 1 + Math.floor(random() * 4);
      const a = Array.from({ length: n }, () => alphabet[Math.floor(random() * 3)]);
      const b = Array.from({ length: m }, () => alphabet[Math.floor(random() * 3)]);
      const table = new Map<string, number>();
      const score = (x: string, y: string) => {
        const key = x + y;
        if (!table.has(key)) table.set(key, Math.round((random() * 6 - 2) * 4) / 4);
        return table.get(key)!;
      };
      for (const x of alphabet) for (const y of alphabet) score(x, y);
      const opens = Array.from({ length: 8 }, () => 0.5 + Math.round(random() * 8) / 4);
      const gap: Required<GapCost> = {
        open: (side, k) => opens[(side === 'a' ? 0 : 4) + k],
        close: (side, k) => opens[(side === 'a' ? 4 : 0) + k] / 2,
        extend: 0.25,
      };
      const best = Math.max(...allMoveStrings(n, m).map((moves) => scoreMoves(moves, a, b, score, gap)));
      const result = alignLayers(a, b, score, gap);
      expect(result.score).toBeCloseTo(best, 9);
      // The reported pairs must really achieve the reported score (some order of the gaps between pairs).
      const candidates = allMoveStrings(n, m).filter((moves) => {
        const pairs: [number, number][] = [];
        let i = 0;
        let j = 0;
        for (const move of moves) {
          if (move === 'M') pairs.push([i++, j++]);
          else if (move === 'X') i++;
          else j++;
        }
        return JSON.stringify(pairs) === JSON.stringify(result.pairs);
      });
      expect(Math.max(...candidates.map((moves) => scoreMoves(moves, a, b, score, gap)))).toBeCloseTo(
        best,
        9,
      );
    }
  });
});
