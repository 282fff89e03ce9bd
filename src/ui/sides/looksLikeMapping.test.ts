import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMapping, serializeMapping } from '../../core/mapping';
import { looksLikeMapping } from './looksLikeMapping';

describe('looksLikeMapping', () => {
  it('recognises the mapping documents the CLI writes and people write by hand', () => {
    expect(looksLikeMapping(serializeMapping(createMapping()))).toBe(true);
    expect(looksLikeMapping('{"links": {"fc": "dense_1"}}')).toBe(true);
    expect(looksLikeMapping('[["fc", "dense_1"]]')).toBe(true);
  });

  it('leaves model JSON, other JSON and non-JSON to the side loader', () => {
    expect(looksLikeMapping('{"class_name": "Sequential", "config": {"layers": []}}')).toBe(false);
    expect(looksLikeMapping('{"model_config": "{}", "links": []}')).toBe(false);
    expect(looksLikeMapping('{"name": "x"}')).toBe(false);
    expect(looksLikeMapping('[1, 2]')).toBe(false);
    expect(looksLikeMapping('not json')).toBe(false);
  });

  const arch = path.resolve(__dirname, '../../../../shared/fixtures/keras-apps/resmini_source.json');
  it.skipIf(!existsSync(arch))('does not take a real Keras to_json() file for a mapping', () => {
    expect(looksLikeMapping(readFileSync(arch, 'utf8'))).toBe(false);
  });
});
