/**
 * The largest subset of `[targetIndex, sourceIndex]` pairs increasing in both, found as a longest
 * increasing subsequence in O(k log k). Alignment segments lie between consecutive anchors, so the
 * anchors must not cross; pairs left out (a hand-made link that crosses others) are still links, they
 * just do not split the sequences.
 */
export function monotoneAnchors(pairs: readonly [number, number][]): [number, number][] {
  const sorted = [...pairs].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  // One anchor per target index at most; the first (lowest source index) is kept.
  const unique = sorted.filter((pair, k) => k === 0 || sorted[k - 1][0] !== pair[0]);
  const tails: number[] = []; // tails[len-1]: index in `unique` ending the chain of that length with the lowest source index
  const previous = new Int32Array(unique.length).fill(-1);
  for (let k = 0; k < unique.length; k++) {
    const value = unique[k][1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (unique[tails[mid]][1] < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const chain: [number, number][] = [];
  for (let k = tails.length > 0 ? tails[tails.length - 1] : -1; k >= 0; k = previous[k])
    chain.push(unique[k]);
  return chain.reverse();
}
