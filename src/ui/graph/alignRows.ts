// The side-by-side rows of the diff view: linked layers share a row, and the layers between two links
// are paired when they are the same kind of unlinked layer (the ReLU after a linked conv sits beside the
// ReLU after its partner); the rest get rows of their own, which is where a cut block or a new block
// shows up as a gap.

export interface Row {
  source: string | null;
  target: string | null;
}

export interface RowNode {
  id: string;
  /** Layers with the same key may share a row when neither is linked. */
  key: string;
  /** Whether the layer has weights; a layer of unknown class pairs with any layer of the same kind. */
  weighted?: boolean;
  unknownClass?: boolean;
}

function sameKind(a: RowNode, b: RowNode): boolean {
  if (a.key === b.key) return true;
  return (
    (a.unknownClass === true || b.unknownClass === true) && (a.weighted ?? false) === (b.weighted ?? false)
  );
}

/** Longest chain of pairs increasing in both positions (patience sorting), in order. */
export function increasingChain(pairs: readonly [number, number][]): [number, number][] {
  const sorted = [...pairs].sort((a, b) => a[1] - b[1] || b[0] - a[0]);
  const tails: number[] = []; // index into sorted of the chain end with length k+1
  const parent = new Array<number>(sorted.length).fill(-1);
  for (let k = 0; k < sorted.length; k++) {
    const value = sorted[k][0];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[tails[mid]][0] < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) parent[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const chain: [number, number][] = [];
  let at = tails.length > 0 ? tails[tails.length - 1] : -1;
  while (at >= 0) {
    chain.push(sorted[at]);
    at = parent[at];
  }
  return chain.reverse();
}

const MAX_PAIRING_CELLS = 4_000_000;

/** Pairs of equal keys between two short runs, in order (longest common subsequence). */
function pairRuns(
  a: readonly RowNode[],
  b: readonly RowNode[],
  linked: (side: 0 | 1, id: string) => boolean,
): [number, number][] {
  const n = a.length;
  const m = b.length;
  // Pairing is cosmetic; a huge unlinked stretch (before any matching) is not worth the memory.
  if (n === 0 || m === 0 || n * m > MAX_PAIRING_CELLS) return [];
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  const match = (i: number, j: number) => sameKind(a[i], b[j]) && !linked(0, a[i].id) && !linked(1, b[j].id);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = match(i, j)
        ? table[(i + 1) * width + j + 1] + 1
        : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (match(i, j) && table[i * width + j] === table[(i + 1) * width + j + 1] + 1) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) i++;
    else j++;
  }
  return pairs;
}

/**
 * Rows for two layer sequences and the links between them. Links that cross others (not increasing
 * in both orders) cannot share a row with their partner; they are drawn as slanted links.
 */
export function alignRows(
  source: readonly RowNode[],
  target: readonly RowNode[],
  links: readonly { source: string; target: string }[],
): Row[] {
  const sPos = new Map(source.map((n, i) => [n.id, i]));
  const tPos = new Map(target.map((n, i) => [n.id, i]));
  const linkedIds: [Set<string>, Set<string>] = [new Set(), new Set()];
  const pairs: [number, number][] = [];
  for (const link of links) {
    const i = sPos.get(link.source);
    const j = tPos.get(link.target);
    linkedIds[0].add(link.source);
    linkedIds[1].add(link.target);
    if (i !== undefined && j !== undefined) pairs.push([i, j]);
  }
  const anchors = increasingChain(pairs);
  const linked = (side: 0 | 1, id: string) => linkedIds[side].has(id);

  const rows: Row[] = [];
  const emitRun = (i0: number, i1: number, j0: number, j1: number) => {
    const a = source.slice(i0, i1);
    const b = target.slice(j0, j1);
    let i = 0;
    let j = 0;
    for (const [pi, pj] of [...pairRuns(a, b, linked), [a.length, b.length] as [number, number]]) {
      while (i < pi) rows.push({ source: a[i++].id, target: null });
      while (j < pj) rows.push({ source: null, target: b[j++].id });
      if (pi < a.length && pj < b.length) rows.push({ source: a[i++].id, target: b[j++].id });
    }
  };
  let i = 0;
  let j = 0;
  for (const [ai, aj] of anchors) {
    emitRun(i, ai, j, aj);
    rows.push({ source: source[ai].id, target: target[aj].id });
    i = ai + 1;
    j = aj + 1;
  }
  emitRun(i, source.length, j, target.length);
  return rows;
}
