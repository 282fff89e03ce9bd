import type { Link } from '../../model';
import { agreesByName, compareLayers, nameConfidence } from './layerEvidence';
import type { LayerSequence } from './layerSequence';

export interface NameMatches {
  links: Link[];
  /** `[target index, source index]` of every name match, including those of blocked targets. */
  anchors: [number, number][];
}

/**
 * Link weighted target layers to the source layer of the same name in the corresponding model level
 * (`scopes`), where classes agree (or, without classes, weight count and ranks). Targets and sources in
 * `usedT` / `usedS` are skipped, and the ones matched here are added to them. A `blocked` target (the
 * user disconnected it) still claims its namesake, so that source layer is not handed to a neighbour,
 * but gets no link.
 */
export function matchByName(
  tSeq: LayerSequence,
  sSeq: LayerSequence,
  scopes: Map<string, string>,
  cut: Set<string>,
  blocked: Set<string>,
  usedT: Set<string>,
  usedS: Set<string>,
): NameMatches {
  const byName = new Map<string, number>();
  sSeq.layers.forEach((layer, j) => {
    if (!cut.has(layer.id)) byName.set(`${sSeq.scope[j]}\u0000${layer.name}`, j);
  });
  const links: Link[] = [];
  const anchors: [number, number][] = [];
  tSeq.layers.forEach((t, i) => {
    if (usedT.has(t.id)) return;
    const sScope = scopes.get(tSeq.scope[i]);
    const j = sScope === undefined ? undefined : byName.get(`${sScope}\u0000${t.name}`);
    if (j === undefined) return;
    const s = sSeq.layers[j];
    if (usedS.has(s.id)) return;
    const evidence = compareLayers(t, s);
    if (!agreesByName(evidence, t, s)) return;
    usedT.add(t.id);
    usedS.add(s.id);
    anchors.push([i, j]);
    if (!blocked.has(t.id)) {
      links.push({
        target: t.id,
        source: s.id,
        origin: 'auto:name',
        confidence: nameConfidence(evidence),
        locked: false,
      });
    }
  });
  return { links, anchors };
}
