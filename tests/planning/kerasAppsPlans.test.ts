// planTransfer on the real Keras fixture pairs (written by Keras 3.15.1 / tf_keras), read with our
// readers: links come from each pair's truth file (matching is tested elsewhere), and the plan must
// say `exact` layers are copied, `sliced` ones sliced (never padded), and every expression must
// evaluate to the target's shape.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAPPING_VERSION, type Link, type Mapping, type ModelSpec, type TransferPlan } from '../../src/model';
import { planTransfer } from '../../src/core/plan';
import { evaluateTensor, shapeOf } from '../../src/core/tensor';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { OpenModel } from '../../src/formats/openModel';
import { readModel } from '../../src/formats/readModel';
import { SHARED } from '../support/fixtures';

const DIR = path.join(SHARED, 'keras-apps');
const available = existsSync(DIR);

interface TruthPair {
  target_layer: string;
  source_layer: string | null;
  relation: 'exact' | 'sliced' | 'new';
}
interface Truth {
  source: string;
  target: string;
  source_config?: string;
  target_config?: string;
  pairs: TruthPair[];
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

async function openModel(weights: string, config?: string): Promise<OpenModel> {
  const file = (name: string) => ({ kind: 'path' as const, path: path.join(DIR, name), name });
  const model = await readModel(host, { weights: file(weights), ...(config ? { arch: file(config) } : {}) });
  open.push(model);
  return model;
}

const idOf = (spec: ModelSpec, name: string): string => {
  const layer = spec.layers.find((l) => l.name === name && l.path.length === 0);
  if (!layer) throw new Error(`no layer ${name}`);
  return layer.id;
};

function truthMapping(truth: Truth, source: ModelSpec, target: ModelSpec, extra: Link[] = []): Mapping {
  const links: Link[] = truth.pairs
    .filter((pair) => pair.source_layer !== null)
    .map((pair) => ({
      target: idOf(target, pair.target_layer),
      source: idOf(source, pair.source_layer!),
      origin: 'manual',
      confidence: 1,
      locked: true,
    }));
  return {
    version: MAPPING_VERSION,
    links: [...links, ...extra],
    cuts: [],
    unlinked: [],
    defaults: { select: 'l1', grow: 'zeros', unlinked: 'keep' },
  };
}

describe.skipIf(!available)(
  `planTransfer on the keras-apps fixture pairs (${DIR}; skipped when absent)`,
  () => {
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
        const readSource = (expr: Parameters<typeof evaluateTensor>[0]) =>
          evaluateTensor(expr, { readSource: (p) => source.readDataset(p) });
        const started = performance.now();
        const plan: TransferPlan = await planTransfer(
          source.spec,
          target.spec,
          truthMapping(truth, source.spec, target.spec),
          { readSource },
        );
        const planMs = performance.now() - started;
        expect(plan.problems).toEqual([]);

        for (const pair of truth.pairs) {
          const layer = plan.layers.find((l) => l.target === idOf(target.spec, pair.target_layer))!;
          const statuses = layer.weights.map((w) => w.status);
          if (pair.relation === 'exact')
            expect(statuses, pair.target_layer).toEqual(statuses.map(() => 'copied'));
          if (pair.relation === 'sliced') {
            expect(
              statuses.every((s) => s === 'sliced' || s === 'copied'),
              `${pair.target_layer}: ${statuses}`,
            ).toBe(true);
            expect(statuses).toContain('sliced');
          }
          if (pair.relation === 'new')
            expect(
              statuses.every((s) => s === 'kept-initial'),
              pair.target_layer,
            ).toBe(true);
        }
        const sliced = truth.pairs.filter((p) => p.relation === 'sliced').length;
        const copiedLayers = truth.pairs.filter((p) => p.relation === 'exact').length;
        expect(plan.unmatched.length).toBe(truth.pairs.filter((p) => p.relation === 'new').length);
        expect(sliced + copiedLayers).toBe(plan.layers.length - plan.unmatched.length);

        // Every expression evaluates, from the real source file, to the target's shape and dtype.
        const targetIO = {
          readSource: (p: string) => source.readDataset(p),
          readTarget: (p: string) => target.readDataset(p),
        };
        let evaluated = 0;
        for (const layer of plan.layers) {
          const spec = target.spec.layers.find((l) => l.id === layer.target)!;
          for (const [i, weight] of layer.weights.entries()) {
            expect(shapeOf(weight.expr)).toEqual(spec.weights[i].shape);
            const value = await evaluateTensor(weight.expr, targetIO);
            expect(value.shape).toEqual(spec.weights[i].shape);
            expect(value.dtype).toBe(spec.weights[i].dtype);
            evaluated++;
          }
        }
        expect(evaluated).toBe(target.spec.layers.reduce((n, l) => n + l.weights.length, 0));
        console.info(
          `${name}: ${plan.layers.length} layers planned in ${planMs.toFixed(0)} ms, coverage ${(plan.coverage * 100).toFixed(1)}%`,
        );
      });
    }

    it('mnv2 1.0 -> 0.5: each channel group keeps one index set across conv, BN, depthwise and the next conv', async () => {
      const truth = JSON.parse(
        readFileSync(path.join(DIR, 'mnv2_0.5_target.h5.truth.json'), 'utf8'),
      ) as Truth;
      const source = await openModel(truth.source, truth.source_config);
      const target = await openModel(truth.target);
      const readSource = (expr: Parameters<typeof evaluateTensor>[0]) =>
        evaluateTensor(expr, { readSource: (p) => source.readDataset(p) });
      const plan = await planTransfer(
        source.spec,
        target.spec,
        truthMapping(truth, source.spec, target.spec),
        { readSource },
      );
      const takeOf = (layer: string, weight: string, axis: number): number[] => {
        const w = plan.layers.find((l) => l.target === layer)!.weights.find((x) => x.weight === weight)!;
        let expr = w.expr;
        for (;;) {
          if (expr.op === 'take' && expr.axis === axis) {
            const index = expr.index;
            return index.kind === 'range'
              ? Array.from({ length: index.length }, (_, i) => index.start + i)
              : index.indices;
          }
          if (!('input' in expr)) throw new Error(`${layer}/${weight}: no take on axis ${axis}`);
          expr = expr.input;
        }
      };
      // block_1: expand -> BN -> relu -> pad -> depthwise -> BN -> relu -> project.
      const expand = takeOf('block_1_expand', 'kernel', 3);
      expect(expand.length).toBe(48);
      expect(takeOf('block_1_expand_BN', 'gamma', 0)).toEqual(expand);
      expect(takeOf('block_1_depthwise', 'kernel', 2)).toEqual(expand);
      expect(takeOf('block_1_depthwise_BN', 'moving_variance', 0)).toEqual(expand);
      expect(takeOf('block_1_project', 'kernel', 2)).toEqual(expand);
      // block_2 adds its projection to block_1's: one residual group for both projections and its readers.
      const residual = takeOf('block_1_project', 'kernel', 3);
      expect(takeOf('block_2_project', 'kernel', 3)).toEqual(residual);
      expect(takeOf('block_3_expand', 'kernel', 2)).toEqual(residual);
      // The l1 choice is not simply the first channels.
      expect(expand).not.toEqual(Array.from({ length: 48 }, (_, i) => i));
    });

    it("vggmini with fc1 linked: the flatten change is reported, and 'target' for fc1 clears it", async () => {
      const truth = JSON.parse(
        readFileSync(path.join(DIR, 'vggmini_noblock4_target.h5.truth.json'), 'utf8'),
      ) as Truth;
      const source = await openModel(truth.source);
      const target = await openModel(truth.target);
      const fc1: Link = { target: 'fc1', source: 'fc1', origin: 'auto:name', confidence: 0.9, locked: false };
      const plan = await planTransfer(
        source.spec,
        target.spec,
        truthMapping(truth, source.spec, target.spec, [fc1]),
      );
      expect(plan.problems).toHaveLength(1);
      expect(plan.problems[0]).toMatch(
        /^fc1: flatten grows 512 -> 2048 features .*: source fc1 kernel 512x64 cannot give 2048x64/,
      );
      const chosen = await planTransfer(
        source.spec,
        target.spec,
        truthMapping(truth, source.spec, target.spec, [{ ...fc1, adapter: { grow: 'target' } }]),
      );
      expect(chosen.problems).toEqual([]);
    });
  },
);
