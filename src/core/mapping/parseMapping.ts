import {
  GraftError,
  MAPPING_VERSION,
  type Cut,
  type Link,
  type LinkOrigin,
  type Mapping,
  type ModelSpec,
} from '../../model';
import { migrateVersion0 } from './migrateMapping';
import { checkAdapter, checkDefaults, checkOneOf, isRecord } from './mappingFields';
import { validateMapping } from './validateMapping';

const ORIGINS: readonly LinkOrigin[] = ['auto:name', 'auto:align', 'manual'];

function fail(message: string): never {
  throw new GraftError('mapping', message);
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    fail(
      `${where} is ${value === undefined ? 'missing' : JSON.stringify(value)}; expected a layer id (non-empty string)`,
    );
  }
  return value;
}

function requireArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value))
    fail(`${where} is ${value === undefined ? 'missing' : JSON.stringify(value)}; expected a list`);
  return value;
}

function readLink(value: unknown, where: string): Link {
  if (!isRecord(value))
    fail(`${where} must be an object with target and source, got ${JSON.stringify(value)}`);
  const target = requireString(value.target, `${where}.target`);
  const source = requireString(value.source, `${where}.source`);
  checkOneOf(value.origin, ORIGINS, `${where}.origin`);
  const confidence = value.confidence;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
    fail(`${where}.confidence is ${JSON.stringify(confidence)}; expected a number from 0 to 1`);
  }
  if (typeof value.locked !== 'boolean')
    fail(`${where}.locked is ${JSON.stringify(value.locked)}; expected true or false`);
  const link: Link = { target, source, origin: value.origin, confidence, locked: value.locked };
  if (value.adapter !== undefined) {
    checkAdapter(value.adapter, `${where}.adapter`);
    link.adapter = { ...value.adapter };
  }
  return link;
}

function readVersion1(document: Record<string, unknown>): Mapping {
  const links = requireArray(document.links, 'mapping.links').map((entry, i) =>
    readLink(entry, `mapping.links[${i}]`),
  );
  const seen = new Map<string, number>();
  links.forEach((link, i) => {
    const first = seen.get(link.target);
    if (first !== undefined) {
      fail(
        `mapping.links[${i}]: target '${link.target}' is already linked in mapping.links[${first}]; keep one of the two`,
      );
    }
    seen.set(link.target, i);
  });
  const cuts: Cut[] = requireArray(document.cuts, 'mapping.cuts').map((entry, i) => {
    if (!isRecord(entry))
      fail(`mapping.cuts[${i}] must be an object {"from": ..., "to": ...}, got ${JSON.stringify(entry)}`);
    return {
      from: requireString(entry.from, `mapping.cuts[${i}].from`),
      to: requireString(entry.to, `mapping.cuts[${i}].to`),
    };
  });
  const unlinked = requireArray(document.unlinked, 'mapping.unlinked').map((entry, i) =>
    requireString(entry, `mapping.unlinked[${i}]`),
  );
  checkDefaults(document.defaults, 'mapping.defaults');
  const { select, grow, unlinked: unlinkedPolicy } = document.defaults;
  return {
    version: MAPPING_VERSION,
    links,
    cuts,
    unlinked,
    defaults: { select, grow, unlinked: unlinkedPolicy },
  };
}

/**
 * Read a mapping document (current version, or version 0 written by hand) and check its structure.
 * With `models`, also check it against them (layers that exist, no source used twice, nothing inside
 * a cut) and refuse a document that does not fit.
 */
export function parseMapping(text: string, models?: { source: ModelSpec; target: ModelSpec }): Mapping {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    fail(`the mapping is not valid JSON (${(error as Error).message}); save it again or fix the syntax`);
  }
  if (isRecord(document) && document.version !== undefined) {
    if (document.version !== MAPPING_VERSION) {
      const newer = typeof document.version === 'number' && document.version > MAPPING_VERSION;
      fail(
        `mapping.version is ${JSON.stringify(document.version)}; this Graft reads versions 0 and ${MAPPING_VERSION}` +
          (newer ? ' (the file was written by a newer Graft)' : ''),
      );
    }
  } else {
    document = migrateVersion0(document);
  }
  const mapping = readVersion1(document as Record<string, unknown>);
  if (models) {
    const problems = validateMapping(mapping, models.source, models.target);
    if (problems.length > 0) {
      fail(`the mapping does not fit these models:\n- ${problems.join('\n- ')}`);
    }
  }
  return mapping;
}
