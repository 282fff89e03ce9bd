// A mapping survives a reload: it is stored under a key made of both files' names and sizes, so reopening
// the same pair restores it and a different pair never picks up a mapping meant for other models.

import type { Mapping, ModelSpec } from '../model';
import { parseMapping, serializeMapping } from '../core/mapping';

export interface FileIdentity {
  name: string;
  size: number;
}

export const STORAGE_PREFIX = 'graft.mapping.v1:';

export function mappingStorageKey(source: FileIdentity, target: FileIdentity): string {
  return `${STORAGE_PREFIX}${JSON.stringify([source.name, source.size, target.name, target.size])}`;
}

/** The part of `Storage` persistence needs; tests pass a Map-backed one. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Store the mapping; false when the storage refuses (quota, private mode): losing it is not fatal. */
export function persistMapping(storage: KeyValueStorage, key: string, mapping: Mapping): boolean {
  try {
    storage.setItem(key, serializeMapping(mapping));
    return true;
  } catch {
    return false;
  }
}

/**
 * The stored mapping for this pair, or null when there is none. A stored document that no longer
 * parses or fits the models (written by another version, edited by hand) is dropped rather than
 * shown half-applied.
 */
export function restoreMapping(
  storage: KeyValueStorage,
  key: string,
  models: { source: ModelSpec; target: ModelSpec },
): Mapping | null {
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return null;
  }
  if (text === null) return null;
  try {
    return parseMapping(text, models);
  } catch {
    storage.removeItem(key);
    return null;
  }
}
