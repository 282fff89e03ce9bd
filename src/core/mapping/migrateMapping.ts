import { GraftError, MAPPING_VERSION, type Link } from '../../model';
import { createMapping } from './createMapping';
import { isRecord } from './mappingFields';

/**
 * Version 0 is what people write by hand: `{"links": {"<target>": "<source>"}}`, the same `links` as a
 * list of `[target, source]` pairs, or just that list. Every link becomes manual and locked: someone
 * chose it on purpose, so re-running the matcher must not replace it.
 */
export function migrateVersion0(written: unknown): Record<string, unknown> {
  const links = Array.isArray(written) ? written : isRecord(written) ? written.links : undefined;
  const where = Array.isArray(written) ? 'mapping' : 'mapping.links';
  const pairs: [string, string][] = [];
  if (Array.isArray(links)) {
    links.forEach((entry, index) => {
      if (
        !Array.isArray(entry) ||
        entry.length !== 2 ||
        typeof entry[0] !== 'string' ||
        typeof entry[1] !== 'string'
      ) {
        throw new GraftError(
          'mapping',
          `${where}[${index}] is ${JSON.stringify(entry)}; expected a pair ["<target layer>", "<source layer>"]`,
        );
      }
      pairs.push([entry[0], entry[1]]);
    });
  } else if (isRecord(links)) {
    for (const [target, source] of Object.entries(links)) {
      if (typeof source !== 'string') {
        throw new GraftError(
          'mapping',
          `${where}["${target}"] is ${JSON.stringify(source)}; expected the source layer id as a string`,
        );
      }
      pairs.push([target, source]);
    }
  } else {
    throw new GraftError(
      'mapping',
      'mapping has no "version" and no "links"; write {"links": {"<target>": "<source>"}} or a list of [target, source] pairs',
    );
  }
  const base = createMapping();
  const migrated: Link[] = pairs.map(([target, source]) => ({
    target,
    source,
    origin: 'manual',
    confidence: 1,
    locked: true,
  }));
  return {
    ...base,
    version: MAPPING_VERSION,
    links: migrated,
    // A hand-written document may already say which ranges are cut or which targets stay empty.
    cuts: isRecord(written) && written.cuts !== undefined ? written.cuts : base.cuts,
    unlinked: isRecord(written) && written.unlinked !== undefined ? written.unlinked : base.unlinked,
    defaults:
      isRecord(written) && written.defaults !== undefined
        ? { ...base.defaults, ...(written.defaults as object) }
        : base.defaults,
  };
}
