import {
  GraftError,
  type AdapterChoice,
  type Cut,
  type Link,
  type Mapping,
  type MappingChange,
  type ModelSpec,
} from '../../model';
import { cutLayerIds, cutSourceIds } from './cutRanges';
import { checkAdapter, checkDefaults } from './mappingFields';

/**
 * The models a change is checked against. Optional so a mapping can be edited before both files are
 * loaded; `cut-range` (and `realign` on a mapping with cuts) need `source` because a cut is a range of
 * the source's layer order.
 */
export interface MappingContext {
  source?: ModelSpec;
  target?: ModelSpec;
}

function requireLayer(
  model: ModelSpec | undefined,
  id: string,
  side: 'source' | 'target',
  kind: string,
): void {
  if (model && !model.layers.some((layer) => layer.id === id)) {
    throw new GraftError(
      'mapping',
      `${kind}: the ${side} model has no layer '${id}'; pick a layer id from the ${side} model`,
    );
  }
}

function requireLink(mapping: Mapping, target: string, kind: string): Link {
  const link = mapping.links.find((l) => l.target === target);
  if (!link) {
    throw new GraftError(
      'mapping',
      `${kind}: target '${target}' has no link; connect it to a source layer first`,
    );
  }
  return link;
}

function cutContaining(mapping: Mapping, source: ModelSpec, sourceId: string): Cut | undefined {
  return mapping.cuts.find((cut) => cutLayerIds(cut, source).includes(sourceId));
}

function connect(
  mapping: Mapping,
  change: Extract<MappingChange, { kind: 'connect' }>,
  ctx: MappingContext,
): Mapping {
  requireLayer(ctx.target, change.target, 'target', 'connect');
  requireLayer(ctx.source, change.source, 'source', 'connect');
  if (ctx.source) {
    const cut = cutContaining(mapping, ctx.source, change.source);
    if (cut) {
      throw new GraftError(
        'mapping',
        `connect: source '${change.source}' is inside the cut ${cut.from}..${cut.to}; uncut that range first`,
      );
    }
  }
  const previous = mapping.links.find((l) => l.target === change.target);
  const link: Link = {
    target: change.target,
    source: change.source,
    origin: 'manual',
    confidence: 1,
    locked: change.lock === true,
    // Re-pointing a target keeps the adapter the user chose for it.
    ...(previous?.adapter ? { adapter: previous.adapter } : {}),
  };
  // The new link takes the old one's place so the document does not reshuffle on every edit.
  const links: Link[] = [];
  for (const l of mapping.links) {
    if (l.target === change.target) links.push(link);
    else if (l.source !== change.source) links.push(l);
  }
  if (!previous) links.push(link);
  return { ...mapping, links, unlinked: mapping.unlinked.filter((t) => t !== change.target) };
}

function cutRange(
  mapping: Mapping,
  change: Extract<MappingChange, { kind: 'cut-range' }>,
  ctx: MappingContext,
): Mapping {
  if (!ctx.source) {
    throw new GraftError(
      'mapping',
      'cut-range: a cut is a range of source layers, so the source model is needed; load the source first',
    );
  }
  const order = ctx.source.layers.map((layer) => layer.id);
  const ids = cutLayerIds(change, ctx.source);
  // Store the range in source order whichever end was picked first.
  const cut: Cut =
    order.indexOf(change.from) <= order.indexOf(change.to)
      ? { from: change.from, to: change.to }
      : { from: change.to, to: change.from };
  const inside = new Set(ids);
  const exists = mapping.cuts.some((c) => c.from === cut.from && c.to === cut.to);
  return {
    ...mapping,
    cuts: exists ? [...mapping.cuts] : [...mapping.cuts, cut],
    links: mapping.links.filter((l) => !inside.has(l.source)),
  };
}

function uncut(mapping: Mapping, change: Extract<MappingChange, { kind: 'uncut' }>): Mapping {
  const matches = (c: Cut) =>
    (c.from === change.from && c.to === change.to) || (c.from === change.to && c.to === change.from);
  if (!mapping.cuts.some(matches)) {
    const known = mapping.cuts.map((c) => `${c.from}..${c.to}`).join(', ') || 'none';
    throw new GraftError('mapping', `uncut: there is no cut ${change.from}..${change.to} (cuts: ${known})`);
  }
  return { ...mapping, cuts: mapping.cuts.filter((c) => !matches(c)) };
}

function setAdapter(mapping: Mapping, change: Extract<MappingChange, { kind: 'set-adapter' }>): Mapping {
  const link = requireLink(mapping, change.target, 'set-adapter');
  checkAdapter(change.adapter, 'set-adapter: adapter');
  const adapter: AdapterChoice = { ...change.adapter };
  const { adapter: _old, ...rest } = link;
  const updated: Link = Object.keys(adapter).length > 0 ? { ...rest, adapter } : rest;
  return { ...mapping, links: mapping.links.map((l) => (l === link ? updated : l)) };
}

function lock(mapping: Mapping, change: Extract<MappingChange, { kind: 'lock' }>): Mapping {
  const link = requireLink(mapping, change.target, 'lock');
  return { ...mapping, links: mapping.links.map((l) => (l === link ? { ...l, locked: change.locked } : l)) };
}

function setDefaults(mapping: Mapping, change: Extract<MappingChange, { kind: 'set-defaults' }>): Mapping {
  const defaults = { ...mapping.defaults, ...change.defaults };
  checkDefaults(defaults, 'set-defaults: defaults');
  return { ...mapping, defaults };
}

function realign(
  mapping: Mapping,
  change: Extract<MappingChange, { kind: 'realign' }>,
  ctx: MappingContext,
): Mapping {
  if (mapping.cuts.length > 0 && !ctx.source) {
    throw new GraftError(
      'mapping',
      'realign: the mapping has cuts, so the source model is needed to keep links out of them',
    );
  }
  const cut = ctx.source ? cutSourceIds(mapping.cuts, ctx.source) : new Set<string>();
  const unlinked = new Set(mapping.unlinked);
  const locked = mapping.links.filter((l) => l.locked);
  const takenTargets = new Set(locked.map((l) => l.target));
  const takenSources = new Set(locked.map((l) => l.source));
  const links = [...locked];
  // An adapter the user chose survives re-matching as long as the matcher proposes the same pair.
  const chosen = new Map(
    mapping.links.filter((l) => l.adapter).map((l) => [`${l.target}\u0000${l.source}`, l.adapter!]),
  );
  for (const link of change.links) {
    if (takenTargets.has(link.target) || takenSources.has(link.source)) continue;
    if (unlinked.has(link.target) || cut.has(link.source)) continue;
    takenTargets.add(link.target);
    takenSources.add(link.source);
    const adapter = link.adapter ?? chosen.get(`${link.target}\u0000${link.source}`);
    links.push(adapter ? { ...link, adapter: { ...adapter } } : { ...link });
  }
  return { ...mapping, links };
}

/** Apply one edit to a mapping. Pure: the input is never modified; the result shares no arrays with it. */
export function applyChange(mapping: Mapping, change: MappingChange, ctx: MappingContext = {}): Mapping {
  const next = applyKind(mapping, change, ctx);
  return {
    ...next,
    links: next.links === mapping.links ? [...next.links] : next.links,
    cuts: next.cuts === mapping.cuts ? [...next.cuts] : next.cuts,
    unlinked: next.unlinked === mapping.unlinked ? [...next.unlinked] : next.unlinked,
    defaults: next.defaults === mapping.defaults ? { ...next.defaults } : next.defaults,
  };
}

function applyKind(mapping: Mapping, change: MappingChange, ctx: MappingContext): Mapping {
  switch (change.kind) {
    case 'connect':
      return connect(mapping, change, ctx);
    case 'disconnect': {
      requireLayer(ctx.target, change.target, 'target', 'disconnect');
      const unlinked = mapping.unlinked.includes(change.target)
        ? [...mapping.unlinked]
        : [...mapping.unlinked, change.target];
      return { ...mapping, links: mapping.links.filter((l) => l.target !== change.target), unlinked };
    }
    case 'cut-range':
      return cutRange(mapping, change, ctx);
    case 'uncut':
      return uncut(mapping, change);
    case 'set-adapter':
      return setAdapter(mapping, change);
    case 'lock':
      return lock(mapping, change);
    case 'set-defaults':
      return setDefaults(mapping, change);
    case 'realign':
      return realign(mapping, change, ctx);
    default: {
      const unknown: never = change;
      throw new GraftError('mapping', `unknown mapping change '${(unknown as { kind?: unknown }).kind}'`);
    }
  }
}
