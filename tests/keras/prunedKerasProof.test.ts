// The pruning proof with real Keras running the networks: Keras builds a wide source whose dropped
// channels contribute nothing (conv -> BN -> conv + skip conv -> Add -> depthwise x2 -> BN -> conv ->
// Flatten -> Dense), we read both files with our readers, plan with planTransfer (l1 over the real
// values), evaluate the plan, and Keras runs the narrow target with those weights: same output.
// A negative control (one layer's input channels chosen differently) must not match.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAPPING_VERSION, type Mapping, type ModelSpec, type Tensor, type TensorExpr } from '../../src/model';
import { planTransfer } from '../../src/core/plan';
import { evaluateTensor } from '../../src/core/tensor';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { OpenModel } from '../../src/formats/openModel';
import { readModel } from '../../src/formats/readModel';
import { ensureKeras } from '../support/keras';

const keras = ensureKeras();
const SCRIPT = path.resolve(__dirname, 'pruned-keras-proof.py');

function runPython(
  command: 'build' | 'check',
  dir: string,
  ...rest: string[]
): Record<string, number | boolean> {
  const run = spawnSync((keras as { python: string }).python, [SCRIPT, command, dir, ...rest], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0)
    throw new Error(`pruned-keras-proof.py ${command} failed: ${run.stderr.slice(-2000)}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Record<string, number | boolean>;
}

function linkEveryLayer(
  source: ModelSpec,
  target: ModelSpec,
  grow: Mapping['defaults']['grow'] = 'zeros',
): Mapping {
  const sourceIds = new Set(source.layers.map((layer) => layer.id));
  return {
    version: MAPPING_VERSION,
    links: target.layers
      .filter((layer) => layer.weights.length > 0 && sourceIds.has(layer.id))
      .map((layer) => ({
        target: layer.id,
        source: layer.id,
        origin: 'manual' as const,
        confidence: 1,
        locked: false,
      })),
    cuts: [],
    unlinked: [],
    defaults: { select: 'l1', grow, unlinked: 'keep' },
  };
}

const asJson = (tensor: Tensor) => ({ shape: tensor.shape, values: Array.from(tensor.data as Float32Array) });

describe.skipIf(!keras.ok)(
  `pruning proof with real Keras${keras.ok ? '' : ` (skipped: ${keras.reason})`}`,
  () => {
    let dir = '';
    let host: H5Host;
    let source: OpenModel;
    let target: OpenModel;
    let wide: OpenModel;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'graft-prune-'));
      const built = runPython('build', dir);
      expect(built.ok).toBe(true);
      host = await createNodeH5Host();
      const file = (name: string) => ({ kind: 'path' as const, path: path.join(dir, name), name });
      source = await readModel(host, { weights: file('source.h5') });
      target = await readModel(host, { weights: file('target.h5') });
      wide = await readModel(host, { weights: file('wide_target.h5') });
    });

    afterAll(() => {
      source?.close();
      target?.close();
      wide?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function plannedWeights(
      into: OpenModel = target,
      grow: Mapping['defaults']['grow'] = 'zeros',
    ): Promise<Record<string, Array<{ shape: number[]; values: number[] }>>> {
      const io = {
        readSource: (p: string) => source.readDataset(p),
        readTarget: (p: string) => into.readDataset(p),
      };
      const plan = await planTransfer(source.spec, into.spec, linkEveryLayer(source.spec, into.spec, grow), {
        readSource: (expr: TensorExpr) => evaluateTensor(expr, io),
      });
      expect(plan.problems).toEqual([]);
      expect(plan.coverage).toBe(1);
      const out: Record<string, Array<{ shape: number[]; values: number[] }>> = {};
      for (const layer of plan.layers) {
        const name = into.spec.layers.find((l) => l.id === layer.target)!.name;
        out[name] = [];
        for (const weight of layer.weights) out[name].push(asJson(await evaluateTensor(weight.expr, io)));
      }
      return out;
    }

    it('the pruned network computes what the source computes', async () => {
      writeFileSync(path.join(dir, 'planned.json'), JSON.stringify(await plannedWeights()));
      const result = runPython('check', dir);
      console.info(
        `pruned vs source output: max |difference| ${result.max_difference}, max |output| ${result.output_max}`,
      );
      expect(result.output_max as number).toBeGreaterThan(0.1);
      expect(result.max_difference as number).toBeLessThan(1e-4);
    });

    it('Net2Net widening (replicated channels, readers divided, through the depthwise x2 and the Flatten) computes the same', async () => {
      writeFileSync(path.join(dir, 'planned.json'), JSON.stringify(await plannedWeights(wide, 'replicate')));
      const result = runPython('check', dir, 'wide_target.h5');
      console.info(
        `widened vs source output: max |difference| ${result.max_difference}, max |output| ${result.output_max}`,
      );
      expect(result.max_difference as number).toBeLessThan(1e-4);
    });

    it('negative control: conv3 reading the first input channels instead breaks it', async () => {
      const planned = await plannedWeights();
      const conv3 = await evaluateTensor(
        {
          op: 'take',
          axis: 3,
          index: { kind: 'indices', indices: [1, 3] },
          input: {
            op: 'take',
            axis: 2,
            index: { kind: 'range', start: 0, length: 6 },
            input: source.spec.layers.find((l) => l.name === 'conv3')!.weights[0].values!,
          },
        },
        { readSource: (p) => source.readDataset(p) },
      );
      planned.conv3[0] = asJson(conv3);
      writeFileSync(path.join(dir, 'planned.json'), JSON.stringify(planned));
      const result = runPython('check', dir);
      expect(result.max_difference as number).toBeGreaterThan(1e-2);
    });
  },
);
