// autoMatch on the real Keras fixture pairs, read with our readers, checked against each pair's
// truth file: every weighted target layer with a source in the truth is linked to exactly that
// source, and `new` layers are unmatched or flagged below LOW_CONFIDENCE. The same pairs are then
// matched again with every target layer renamed (names carry no information), so alignment alone
// must find the same links.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOW_CONFIDENCE, autoMatch } from '../../src/core/match';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { OpenModel } from '../../src/formats/openModel';
import { readModel } from '../../src/formats/readModel';
import type { Mapping, ModelSpec } from '../../src/model';
import { SHARED } from '../support/fixtures';

const DIR = path.join(SHARED, 'keras-apps');
const available = existsSync(DIR);

interface Truth {
  source: string;
  target: string;
  source_config?: string;
  target_config?: string;
  pairs: { target_layer: string; source_layer: string | null; relation: 'exact' | 'sliced' | 'new' }[];
}

const CASES = [
  'mnv2_0.5_target.h5.truth.json',
  'mnv2_0.5_target.keras.truth.json',
  'vggmini_noblock4_target.h5.truth.json',
  'vggmini_noblock4_autonames_target.keras.truth.json',
  'resmini_conv4x2_target.h5.truth.json',
  'resmini_conv4x2_target.weights.h5.truth.json',
];

let host: H5Host;
const open: OpenModel[] = [];

async function openModel(weights: string, config?: string): Promise<ModelSpec> {
  const file = (name: string) => ({ kind: 'path' as const, path: path.join(DIR, name), name });
  const model = await readModel(host, { weights: file(weights), ...(config ? { arch: file(config) } : {}) });
  open.push(model);
  return model.spec;
}

const idOf = (spec: ModelSpec, name: string) => {
  const layer = spec.layers.find((l) => l.name === name);
  if (!layer) throw new Error(`${spec.name}: no layer ${name}`);
  return layer.id;
};

/** Every target layer gets a meaningless name; returns the new spec and old id -> new id. */
function renameAll(spec: ModelSpec): { spec: ModelSpec; renamed: Map<string, string> } {
  const renamed = new Map(spec.layers.map((l, k) => [l.id, `layer_${k + 1000}`]));
  const layers = spec.layers.map((l) => ({
    ...l,
    id: renamed.get(l.id)!,
    name: renamed.get(l.id)!,
    path: [],
  }));
  return { spec: { ...spec, layers }, renamed };
}

function checkAgainstTruth(
  truth: Truth,
  mapping: Mapping,
  unmatched: string[],
  targetId: (name: string) => string,
  sourceId: (name: string) => string,
) {
  const links = new Map(mapping.links.map((l) => [l.target, l]));
  const wrong: string[] = [];
  for (const pair of truth.pairs) {
    const link = links.get(targetId(pair.target_layer));
    if (pair.source_layer === null) {
      if (link && link.confidence >= LOW_CONFIDENCE)
        wrong.push(`${pair.target_layer} is new but linked to ${link.source} (${link.confidence})`);
      if (!link) expect(unmatched).toContain(targetId(pair.target_layer));
    } else if (link?.source !== sourceId(pair.source_layer)) {
      wrong.push(`${pair.target_layer}: expected ${pair.source_layer}, got ${link?.source ?? 'nothing'}`);
    }
  }
  expect(wrong).toEqual([]);
}

describe.skipIf(!available)(`autoMatch on the keras-apps fixture pairs (${DIR}; skipped when absent)`, () => {
  beforeAll(async () => {
    host = await createNodeH5Host();
  });
  afterAll(() => {
    for (const model of open) model.close();
  });

  for (const name of CASES) {
    it(name, async () => {
      const truth = JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Truth;
      const source = await openModel(truth.source, truth.source_config);
      const target = await openModel(truth.target, truth.target_config);
      const weighted = target.layers.filter((l) => l.weights.length > 0);
      expect(weighted).toHaveLength(truth.pairs.length);

      const result = autoMatch(source, target);
      checkAgainstTruth(
        truth,
        result.mapping,
        result.unmatched,
        (n) => idOf(target, n),
        (n) => idOf(source, n),
      );

      const { spec: renamedTarget, renamed } = renameAll(target);
      const blind = autoMatch(source, renamedTarget);
      expect(blind.mapping.links.every((l) => l.origin === 'auto:align')).toBe(true);
      checkAgainstTruth(
        truth,
        blind.mapping,
        blind.unmatched,
        (n) => renamed.get(idOf(target, n))!,
        (n) => idOf(source, n),
      );
    });
  }
});
