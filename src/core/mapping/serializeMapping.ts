import type { AdapterChoice, Link, Mapping } from '../../model';

// Fixed key order so the same mapping always gives the same text (diffable, testable).
function orderedAdapter(adapter: AdapterChoice): AdapterChoice {
  const keys: (keyof AdapterChoice)[] = ['select', 'grow', 'spatial', 'head', 'reshape'];
  const out: Record<string, unknown> = {};
  for (const key of keys) if (adapter[key] !== undefined) out[key] = adapter[key];
  return out as AdapterChoice;
}

function orderedLink(link: Link): Link {
  return {
    target: link.target,
    source: link.source,
    origin: link.origin,
    confidence: link.confidence,
    locked: link.locked,
    ...(link.adapter ? { adapter: orderedAdapter(link.adapter) } : {}),
  };
}

/** The mapping as pretty JSON with a `version` field; `parseMapping` reads it back unchanged. */
export function serializeMapping(mapping: Mapping): string {
  const document = {
    version: mapping.version,
    defaults: {
      select: mapping.defaults.select,
      grow: mapping.defaults.grow,
      unlinked: mapping.defaults.unlinked,
    },
    links: mapping.links.map(orderedLink),
    cuts: mapping.cuts.map((cut) => ({ from: cut.from, to: cut.to })),
    unlinked: [...mapping.unlinked],
  };
  return JSON.stringify(document, null, 2) + '\n';
}
