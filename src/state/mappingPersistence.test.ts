import { describe, expect, it } from 'vitest';
import { applyChange, createMapping, serializeMapping } from '../core/mapping';
import {
  mappingStorageKey,
  persistMapping,
  restoreMapping,
  type KeyValueStorage,
} from './mappingPersistence';
import { loadMappingText } from './mappingDocument';
import { recordChange, startHistory, undo } from './mappingHistory';
import { sourceModel, targetModel } from '../../tests/support/app/testModels';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const models = { source: sourceModel, target: targetModel };

function editedMapping() {
  let m = createMapping();
  m = applyChange(m, { kind: 'connect', target: 'conv1', source: 'conv1', lock: true }, models);
  m = applyChange(m, { kind: 'connect', target: 'conv3', source: 'conv3' }, models);
  m = applyChange(
    m,
    { kind: 'set-adapter', target: 'conv3', adapter: { select: 'bn-gamma', grow: 'replicate' } },
    models,
  );
  m = applyChange(m, { kind: 'cut-range', from: 'conv2', to: 'conv2' }, models);
  return applyChange(m, { kind: 'disconnect', target: 'head' }, models);
}

describe('mapping persistence', () => {
  it('keys by both files, names and sizes', () => {
    const a = mappingStorageKey({ name: 's.h5', size: 10 }, { name: 't.keras', size: 20 });
    expect(mappingStorageKey({ name: 's.h5', size: 10 }, { name: 't.keras', size: 20 })).toBe(a);
    expect(mappingStorageKey({ name: 's.h5', size: 11 }, { name: 't.keras', size: 20 })).not.toBe(a);
    expect(mappingStorageKey({ name: 't.keras', size: 20 }, { name: 's.h5', size: 10 })).not.toBe(a);
    expect(mappingStorageKey({ name: 's.h5', size: 10 }, { name: 't.h5', size: 20 })).not.toBe(a);
  });

  it('restores exactly what was stored', () => {
    const storage = memoryStorage();
    const key = mappingStorageKey({ name: 's.h5', size: 10 }, { name: 't.keras', size: 20 });
    const mapping = editedMapping();
    expect(persistMapping(storage, key, mapping)).toBe(true);
    const restored = restoreMapping(storage, key, models);
    expect(restored).toEqual(mapping);
    expect(
      restoreMapping(storage, mappingStorageKey({ name: 'x', size: 1 }, { name: 'y', size: 2 }), models),
    ).toBeNull();
  });

  it('drops a stored mapping that no longer fits the models', () => {
    const storage = memoryStorage();
    const key = 'k';
    storage.setItem(
      key,
      serializeMapping(applyChange(createMapping(), { kind: 'connect', target: 'conv1', source: 'conv1' })),
    );
    const other = {
      source: targetModel,
      target: { ...targetModel, layers: targetModel.layers.filter((l) => l.id !== 'conv1') },
    };
    expect(restoreMapping(storage, key, other)).toBeNull();
    expect(storage.data.has(key)).toBe(false);
    storage.setItem(key, '{not json');
    expect(restoreMapping(storage, key, models)).toBeNull();
  });

  it('survives a storage that refuses to write', () => {
    const full: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(persistMapping(full, 'k', createMapping())).toBe(false);
  });
});

describe('loading a mapping document', () => {
  const start = recordChange(
    startHistory(createMapping()),
    { kind: 'connect', target: 'conv1', source: 'conv1' },
    models,
  );

  it('replaces the mapping with the document, as an undoable step', () => {
    const mapping = editedMapping();
    const result = loadMappingText(start, serializeMapping(mapping), models);
    expect(result.error).toBeNull();
    expect(result.history.present).toEqual(mapping);
    expect(undo(result.history).present).toEqual(start.present);
  });

  it('keeps the old mapping and reports why an invalid document was refused', () => {
    const notJson = loadMappingText(start, '{"version": 1, "links": [', models);
    expect(notJson.history).toBe(start);
    expect(notJson.error).toMatch(/not valid JSON/);

    const wrongLayer = loadMappingText(start, JSON.stringify({ links: { head: 'conv9' } }), models);
    expect(wrongLayer.history).toBe(start);
    expect(wrongLayer.error).toMatch(/conv9/);

    const newer = loadMappingText(start, JSON.stringify({ version: 7, links: [] }), models);
    expect(newer.history).toBe(start);
    expect(newer.error).toMatch(/version/);
  });

  it('reads the hand-written version 0 form the CLI also accepts', () => {
    const result = loadMappingText(start, JSON.stringify({ links: { head: 'dense' } }), models);
    expect(result.error).toBeNull();
    expect(result.history.present.links).toEqual([
      { target: 'head', source: 'dense', origin: 'manual', confidence: 1, locked: true },
    ]);
  });
});
