// Graph building, channel groups and planning over every real-world fixture (Keras 1 to 3, nested and
// shared models, RNNs, attention): planning a model onto itself must copy every weight unchanged, with
// no problems — a cheap way to run the graph and grouping code over configs we did not write.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAPPING_VERSION, type Mapping, type ModelSpec } from '../../src/model';
import { buildLayerGraph, successorsOf } from '../../src/core/graph';
import { planTransfer } from '../../src/core/plan';
import { buildChannelGroups } from '../../src/core/prune';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { OpenModel } from '../../src/formats/openModel';
import { readModel } from '../../src/formats/readModel';
import { SHARED } from '../support/fixtures';

const DIRS = [path.join(SHARED, 'real'), path.join(SHARED, 'keras-apps')];
const available = DIRS.every((dir) => existsSync(dir));
const files = available
  ? DIRS.flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => !name.endsWith('.md') && !name.endsWith('.truth.json'))
        .map((name) => path.join(dir, name)),
    )
  : [];

let host: H5Host;
const open: OpenModel[] = [];

async function openFile(file: string): Promise<OpenModel> {
  const model = await readModel(host, { weights: { kind: 'path', path: file, name: path.basename(file) } });
  open.push(model);
  return model;
}

function selfMapping(spec: ModelSpec): Mapping {
  const links = spec.layers
    .filter((layer) => layer.weights.length > 0)
    .map((layer) => ({
      target: layer.id,
      source: layer.id,
      origin: 'manual' as const,
      confidence: 1,
      locked: false,
    }));
  return {
    version: MAPPING_VERSION,
    links,
    cuts: [],
    unlinked: [],
    defaults: { select: 'l1' as const, grow: 'zeros' as const, unlinked: 'keep' as const },
  };
}

describe.skipIf(!available)(
  `self-plans of the shared fixtures (${DIRS.join(', ')}; skipped when absent)`,
  () => {
    beforeAll(async () => {
      host = await createNodeH5Host();
    });
    afterAll(() => {
      for (const model of open) model.close();
    });

    for (const file of files) {
      it(path.basename(file), async () => {
        const { spec } = await openFile(file);
        const graph = buildLayerGraph(spec);
        expect(graph.problems).toEqual([]);
        expect(graph.nodes.filter((node) => !node.implicit)).toHaveLength(spec.layers.length);
        expect(graph.outputs.length).toBeGreaterThan(0);
        expect(buildChannelGroups(spec, graph).problems).toEqual([]);
        const plan = await planTransfer(spec, spec, selfMapping(spec));
        expect(plan.problems).toEqual([]);
        const weights = plan.layers.flatMap((layer) => layer.weights);
        expect(weights.filter((weight) => weight.status !== 'copied')).toEqual([]);
        for (const layer of plan.layers) {
          const specLayer = spec.layers.find((l) => l.id === layer.target)!;
          layer.weights.forEach((weight, i) => expect(weight.expr).toEqual(specLayer.weights[i].values));
        }
        if (weights.length > 0) expect(plan.coverage).toBe(1);
        expect(plan.unmatched).toEqual([]);
        expect(plan.unusedSource).toEqual([]);
      });
    }

    it('a nested MobileNetV2 inside a Sequential: the head reads the nested model’s last group', async () => {
      const { spec } = await openFile(path.join(SHARED, 'real', 'fruit-classifier__model_mobilenet.h5'));
      const graph = buildLayerGraph(spec);
      expect(successorsOf(graph, 'mobilenetv2_0.35_224/Conv_1_bn', { skipWeightless: true })).toEqual([
        'dense_1',
      ]);
      const groups = buildChannelGroups(spec, graph);
      const spaceOf = (layer: string, weight: number, axis: number) =>
        groups.members.find((m) => m.layer === layer && m.weight === weight && m.axis === axis)?.space;
      const last = spaceOf('mobilenetv2_0.35_224/Conv_1', 0, 3);
      expect(last).toBeDefined();
      expect(spaceOf('mobilenetv2_0.35_224/Conv_1_bn', 0, 0)).toEqual(last);
      expect(spaceOf('dense_1', 0, 0)).toEqual(last);
      expect(spaceOf('dense_1', 0, 1)).not.toEqual(last);
    });
  },
);
