import type { Link } from '../../model';
import { alignLayers, type GapCost } from './alignLayers';
import { alignConfidence, compareLayers } from './layerEvidence';
import type { LayerSequence } from './layerSequence';
import { monotoneAnchors } from './monotoneAnchors';
import { PairScorer } from './pairScorer';

// Gap costs. A cut-out block costs about one mismatched pair however long it is; a gap that starts or
// ends inside a block (between a conv and its batch norm) costs more.
const GAP_OPEN = 1.5;
const GAP_CLOSE = 1.5;
const GAP_EXTEND = 0.4;
const INSIDE_BLOCK = 1;

function segmentGapCost(tSeq: LayerSequence, tIdx: number[], sSeq: LayerSequence, sIdx: number[]): GapCost {
  const pick = (side: 'a' | 'b') => (side === 'a' ? { seq: tSeq, idx: tIdx } : { seq: sSeq, idx: sIdx });
  return {
    open: (side, k) => {
      const { seq, idx } = pick(side);
      return GAP_OPEN + (seq.boundaryBefore[idx[k]] ? 0 : INSIDE_BLOCK);
    },
    close: (side, k) => {
      const { seq, idx } = pick(side);
      return GAP_CLOSE + (seq.boundaryAfter[idx[k]] ? 0 : INSIDE_BLOCK);
    },
    extend: GAP_EXTEND,
  };
}

/**
 * Pair the weighted layers not yet used, aligning only the segments between non-crossing anchors:
 * anchors (locks, name matches) split the work, so the cost is the sum of the segments' products, and
 * nothing is paired across an anchor. Cut sources take no part; blocked targets take part (so their
 * place stays theirs) but get no link. A pair is a link only when its weights are compatible and its
 * classes do not differ.
 */
export function alignSegments(
  tSeq: LayerSequence,
  sSeq: LayerSequence,
  scopes: Map<string, string>,
  anchors: [number, number][],
  cut: Set<string>,
  blocked: Set<string>,
  usedT: Set<string>,
  usedS: Set<string>,
): Link[] {
  const scorer = new PairScorer(tSeq, sSeq, scopes);
  const bounds: [number, number][] = [
    [-1, -1],
    ...monotoneAnchors(anchors),
    [tSeq.layers.length, sSeq.layers.length],
  ];
  const links: Link[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [t0, s0] = bounds[k];
    const [t1, s1] = bounds[k + 1];
    const tIdx: number[] = [];
    const sIdx: number[] = [];
    for (let i = t0 + 1; i < t1; i++) if (!usedT.has(tSeq.layers[i].id)) tIdx.push(i);
    for (let j = s0 + 1; j < s1; j++) {
      const id = sSeq.layers[j].id;
      if (!usedS.has(id) && !cut.has(id)) sIdx.push(j);
    }
    if (tIdx.length === 0 || sIdx.length === 0) continue;
    const { pairs } = alignLayers(
      tIdx,
      sIdx,
      (i, j) => scorer.score(i, j),
      segmentGapCost(tSeq, tIdx, sSeq, sIdx),
    );
    for (const [a, b] of pairs) {
      const t = tSeq.layers[tIdx[a]];
      const s = sSeq.layers[sIdx[b]];
      if (blocked.has(t.id)) continue;
      const evidence = compareLayers(t, s);
      // A pair the aligner made only because skipping both would cost more is no link.
      if (!evidence.compatible || evidence.classRelation === 'different') continue;
      links.push({
        target: t.id,
        source: s.id,
        origin: 'auto:align',
        confidence: alignConfidence(evidence),
        locked: false,
      });
    }
  }
  return links;
}
