import type { LayerSpec, Link, Mapping, ModelSpec } from '../../model';
import { applyChange } from '../mapping/applyChange';
import { createMapping } from '../mapping/createMapping';
import { cutSourceIds } from '../mapping/cutRanges';
import { alignLayers, type GapCost } from './alignLayers';
import {
  LOW_CONFIDENCE,
  agreesByName,
  alignConfidence,
  compareLayers,
  nameConfidence,
} from './layerEvidence';
import { Interner, layerSequence, type LayerSequence } from './layerSequence';
import { monotoneAnchors } from './monotoneAnchors';
import { PairScorer } from './pairScorer';
import { pairScopes } from './scopePairing';

export interface MatchResult {
  /** The input mapping with every non-locked link replaced by the matcher's. */
  mapping: Mapping;
  /** Target layer id -> confidence of its link, for every link in `mapping`. */
  confidence: Record<string, number>;
  /** Weighted target layers without a link, in target order. */
  unmatched: string[];
  /** Linked target layers whose confidence is below `LOW_CONFIDENCE`, in target order. */
  lowConfidence: string[];
}

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

function sourceByScopedName(seq: LayerSequence, cut: Set<string>): Map<string, LayerSpec> {
  const out = new Map<string, LayerSpec>();
  seq.layers.forEach((layer, j) => {
    if (!cut.has(layer.id)) out.set(`${seq.scope[j]}\u0000${layer.name}`, layer);
  });
  return out;
}

/**
 * Link target layers to source layers: first by name (within corresponding model levels, where the
 * classes agree), then by aligning the weighted layers between those anchors so that a removed block
 * becomes one gap and renamed layers still pair up. Locked links, cut source ranges and targets the user
 * disconnected (`mapping.unlinked`) are respected. Pure.
 */
export function autoMatch(
  source: ModelSpec,
  target: ModelSpec,
  mapping: Mapping = createMapping(),
): MatchResult {
  const cut = cutSourceIds(mapping.cuts, source);
  const blocked = new Set(mapping.unlinked);
  const stems = new Interner();
  const tSeq = layerSequence(target, stems);
  const sSeq = layerSequence(source, stems);

  const usedT = new Set<string>();
  const usedS = new Set<string>();
  const anchors: [number, number][] = [];
  for (const link of mapping.links) {
    if (!link.locked) continue;
    usedT.add(link.target);
    usedS.add(link.source);
    const i = tSeq.indexOf.get(link.target);
    const j = sSeq.indexOf.get(link.source);
    if (i !== undefined && j !== undefined) anchors.push([i, j]);
  }

  // 1. By name. A disconnected target still claims its namesake, so the source layer it would have
  // taken is not handed to a neighbour instead.
  const scopes = pairScopes(target, source);
  const byName = sourceByScopedName(sSeq, cut);
  const found: Link[] = [];
  tSeq.layers.forEach((t, i) => {
    if (usedT.has(t.id)) return;
    const sScope = scopes.get(tSeq.scope[i]);
    const s = sScope === undefined ? undefined : byName.get(`${sScope}\u0000${t.name}`);
    if (!s || usedS.has(s.id)) return;
    const evidence = compareLayers(t, s);
    if (!agreesByName(evidence, t, s)) return;
    usedT.add(t.id);
    usedS.add(s.id);
    anchors.push([i, sSeq.indexOf.get(s.id)!]);
    if (!blocked.has(t.id)) {
      found.push({
        target: t.id,
        source: s.id,
        origin: 'auto:name',
        confidence: nameConfidence(evidence),
        locked: false,
      });
    }
  });

  // 2. Align what is left, segment by segment between non-crossing anchors.
  const scorer = new PairScorer(tSeq, sSeq, scopes);
  const chain = monotoneAnchors(anchors);
  const bounds: [number, number][] = [[-1, -1], ...chain, [tSeq.layers.length, sSeq.layers.length]];
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
      const i = tIdx[a];
      const j = sIdx[b];
      const t = tSeq.layers[i];
      const s = sSeq.layers[j];
      if (blocked.has(t.id)) continue;
      const evidence = compareLayers(t, s);
      // A pair the aligner made only because skipping both would cost more is no link.
      if (!evidence.compatible || evidence.classRelation === 'different') continue;
      found.push({
        target: t.id,
        source: s.id,
        origin: 'auto:align',
        confidence: alignConfidence(evidence),
        locked: false,
      });
    }
  }

  const realigned = applyChange(mapping, { kind: 'realign', links: found }, { source });
  const order = new Map(target.layers.map((layer, k) => [layer.id, k]));
  const position = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  const links = [...realigned.links].sort((x, y) => position(x.target) - position(y.target));
  const linked = new Map(links.map((link) => [link.target, link]));
  const confidence: Record<string, number> = {};
  for (const link of links) confidence[link.target] = link.confidence;
  return {
    mapping: { ...realigned, links },
    confidence,
    unmatched: tSeq.layers.filter((layer) => !linked.has(layer.id)).map((layer) => layer.id),
    lowConfidence: links.filter((link) => link.confidence < LOW_CONFIDENCE).map((link) => link.target),
  };
}
