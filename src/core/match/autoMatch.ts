import type { Mapping, ModelSpec } from '../../model';
import { applyChange } from '../mapping/applyChange';
import { createMapping } from '../mapping/createMapping';
import { cutSourceIds } from '../mapping/cutRanges';
import { alignSegments } from './alignSegments';
import { LOW_CONFIDENCE } from './layerEvidence';
import { Interner, layerSequence } from './layerSequence';
import { matchByName } from './matchByName';
import { pairScopes } from './scopePairing';

export interface MatchResult {
  /** The input mapping with every non-locked link replaced by the matcher's, links in target order. */
  mapping: Mapping;
  /** Target layer id -> confidence of its link, for every link in `mapping`. */
  confidence: Record<string, number>;
  /** Weighted target layers without a link, in target order. */
  unmatched: string[];
  /** Linked target layers whose confidence is below `LOW_CONFIDENCE`, in target order. */
  lowConfidence: string[];
}

/**
 * Link target layers to source layers: first by name (within corresponding model levels, where the
 * classes agree), then by aligning the weighted layers between those anchors so that a removed block
 * becomes one gap and renamed layers still pair up. Locked links are kept and never reused, cut source
 * ranges are never linked, and targets the user disconnected (`mapping.unlinked`) stay unlinked.
 * Pure; throws GraftError('mapping') when a cut names a layer the source does not have.
 */
export function autoMatch(
  source: ModelSpec,
  target: ModelSpec,
  mapping: Mapping = createMapping(),
): MatchResult {
  const cut = cutSourceIds(mapping.cuts, source);
  const blocked = new Set(mapping.unlinked);
  const shared = new Interner();
  const tSeq = layerSequence(target, shared);
  const sSeq = layerSequence(source, shared);

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

  const scopes = pairScopes(target, source);
  const byName = matchByName(tSeq, sSeq, scopes, cut, blocked, usedT, usedS);
  anchors.push(...byName.anchors);
  const aligned = alignSegments(tSeq, sSeq, scopes, anchors, cut, blocked, usedT, usedS);

  const realigned = applyChange(
    mapping,
    { kind: 'realign', links: [...byName.links, ...aligned] },
    { source },
  );
  const order = new Map(target.layers.map((layer, k) => [layer.id, k]));
  const position = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  const links = [...realigned.links].sort((x, y) => position(x.target) - position(y.target));
  const linked = new Set(links.map((link) => link.target));
  const confidence: Record<string, number> = {};
  for (const link of links) confidence[link.target] = link.confidence;
  return {
    mapping: { ...realigned, links },
    confidence,
    unmatched: tSeq.layers.filter((layer) => !linked.has(layer.id)).map((layer) => layer.id),
    lowConfidence: links.filter((link) => link.confidence < LOW_CONFIDENCE).map((link) => link.target),
  };
}
