import { GraftError, type Cut, type LayerSpec, type ModelSpec } from '../../model';

function isInside(layer: LayerSpec, nestedId: string): boolean {
  return layer.id.startsWith(nestedId + '/');
}

/**
 * Source layer ids a cut covers, in source model order. A cut ending on a nested model covers that
 * model's inner layers too: depth-first order puts them right after it, and cutting a sub-model
 * without its contents would leave them dangling.
 */
export function cutLayerIds(cut: Cut, source: ModelSpec): string[] {
  const order = source.layers;
  let from = order.findIndex((layer) => layer.id === cut.from);
  let to = order.findIndex((layer) => layer.id === cut.to);
  if (from < 0) {
    throw new GraftError(
      'mapping',
      `cut ${cut.from}..${cut.to}: the source has no layer '${cut.from}'; remove the cut or pick a source layer that exists`,
    );
  }
  if (to < 0) {
    throw new GraftError(
      'mapping',
      `cut ${cut.from}..${cut.to}: the source has no layer '${cut.to}'; remove the cut or pick a source layer that exists`,
    );
  }
  if (from > to) [from, to] = [to, from];
  const last = order[to];
  if (last.children !== undefined) {
    while (to + 1 < order.length && isInside(order[to + 1], last.id)) to++;
  }
  return order.slice(from, to + 1).map((layer) => layer.id);
}

/** Every source layer id inside any of the cuts. */
export function cutSourceIds(cuts: readonly Cut[], source: ModelSpec): Set<string> {
  const ids = new Set<string>();
  for (const cut of cuts) for (const id of cutLayerIds(cut, source)) ids.add(id);
  return ids;
}
