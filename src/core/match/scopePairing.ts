import type { LayerSpec, ModelSpec } from '../../model';

/** The model level a layer lives in: '' for top level, else the id of its enclosing nested model. */
export function scopeOf(layer: LayerSpec): string {
  return layer.path.join('/');
}

function weightedNamesByScope(model: ModelSpec): Map<string, Set<string>> {
  const scopes = new Map<string, Set<string>>([['', new Set()]]);
  for (const layer of model.layers) {
    if (layer.children !== undefined && !scopes.has(layer.id)) scopes.set(layer.id, new Set());
    const key = scopeOf(layer);
    if (!scopes.has(key)) scopes.set(key, new Set());
    if (layer.weights.length > 0) scopes.get(key)!.add(layer.name);
  }
  return scopes;
}

/**
 * Which source model level corresponds to each target model level (top level or a nested model).
 * Levels sharing the most weighted layer names pair first, so a target that wraps the source's network
 * in a nested model (`Sequential([base, head])`) pairs `base` with the source's top level; levels left
 * over pair with the level of the same id. Unpaired levels stay free.
 */
export function pairScopes(target: ModelSpec, source: ModelSpec): Map<string, string> {
  const t = weightedNamesByScope(target);
  const s = weightedNamesByScope(source);
  const candidates: { t: string; s: string; overlap: number; order: number }[] = [];
  let order = 0;
  for (const [tKey, tNames] of t) {
    for (const [sKey, sNames] of s) {
      let overlap = 0;
      const [small, large] = tNames.size <= sNames.size ? [tNames, sNames] : [sNames, tNames];
      for (const name of small) if (large.has(name)) overlap++;
      if (overlap > 0) candidates.push({ t: tKey, s: sKey, overlap, order: order++ });
    }
  }
  candidates.sort(
    (x, y) => y.overlap - x.overlap || Number(y.t === y.s) - Number(x.t === x.s) || x.order - y.order,
  );
  const pairs = new Map<string, string>();
  const taken = new Set<string>();
  for (const c of candidates) {
    if (pairs.has(c.t) || taken.has(c.s)) continue;
    pairs.set(c.t, c.s);
    taken.add(c.s);
  }
  for (const tKey of t.keys()) {
    if (!pairs.has(tKey) && s.has(tKey) && !taken.has(tKey)) {
      pairs.set(tKey, tKey);
      taken.add(tKey);
    }
  }
  return pairs;
}
