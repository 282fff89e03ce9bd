import { isGraftError, type LayerSpec, type Mapping, type ModelSpec } from '../../model';
import { cutLayerIds } from './cutRanges';

/**
 * Everything in `mapping` that does not fit these two models, each as one sentence saying what is wrong
 * and what to do. Empty when the mapping can be planned as it is.
 */
export function validateMapping(mapping: Mapping, source: ModelSpec, target: ModelSpec): string[] {
  const problems: string[] = [];
  const sourceLayers = new Map<string, LayerSpec>(source.layers.map((layer) => [layer.id, layer]));
  const targetLayers = new Map<string, LayerSpec>(target.layers.map((layer) => [layer.id, layer]));

  const cutOf = new Map<string, string>();
  for (const cut of mapping.cuts) {
    try {
      for (const id of cutLayerIds(cut, source)) if (!cutOf.has(id)) cutOf.set(id, `${cut.from}..${cut.to}`);
    } catch (error) {
      if (!isGraftError(error)) throw error;
      problems.push(error.message);
    }
  }

  const feeds = new Map<string, string[]>();
  for (const link of mapping.links) {
    const label = `link ${link.source} -> ${link.target}`;
    const to = targetLayers.get(link.target);
    const from = sourceLayers.get(link.source);
    if (!to)
      problems.push(
        `${label}: the target model has no layer '${link.target}'; remove the link or connect an existing target layer`,
      );
    if (!from)
      problems.push(
        `${label}: the source model has no layer '${link.source}'; remove the link or connect an existing source layer`,
      );
    if (to && to.weights.length === 0) {
      problems.push(`${label}: target '${link.target}' has no weights, so the link moves nothing; remove it`);
    }
    if (from && to && from.weights.length === 0 && to.weights.length > 0) {
      problems.push(
        `${label}: source '${link.source}' has no weights to give; connect a source layer with weights`,
      );
    }
    const cut = cutOf.get(link.source);
    if (cut)
      problems.push(
        `${label}: source '${link.source}' is inside the cut ${cut}; uncut the range or connect another source layer`,
      );
    feeds.set(link.source, [...(feeds.get(link.source) ?? []), link.target]);
  }
  for (const [sourceId, targets] of feeds) {
    if (targets.length > 1) {
      problems.push(
        `source '${sourceId}' is linked to ${targets.length} targets (${targets.join(', ')}); a source feeds one target, so disconnect all but one`,
      );
    }
  }

  const linked = new Set(mapping.links.map((link) => link.target));
  for (const id of mapping.unlinked) {
    if (!targetLayers.has(id))
      problems.push(`unlinked '${id}': the target model has no such layer; remove it from the unlinked list`);
    else if (linked.has(id))
      problems.push(`unlinked '${id}' also has a link; disconnect it or remove it from the unlinked list`);
  }
  return problems;
}
