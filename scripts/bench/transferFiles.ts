// `graft apply` done in-process (src/cli and the worker session are not written yet, so the steps are
// composed here from the same modules): read both models -> autoMatch -> planTransfer (source values
// read for the l1 channel scores) -> evaluate every target tensor from the plan -> writeModelFile
// (scratch, verify) -> rename. Each phase is timed so a slow total can be attributed.

import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import type { TransferPlan, WeightStatus } from '../../src/model/plan';
import type { TensorExpr } from '../../src/model/tensorExpr';
import { readModel } from '../../src/formats/readModel';
import { layoutForFileName, writeModelFile } from '../../src/formats/keras/write/writeModelFile';
import { autoMatch } from '../../src/core/match';
import { planTransfer } from '../../src/core/plan';
import { evaluateTensor, type TensorIO } from '../../src/core/tensor';
import { GraftError } from '../../src/model/errors';

export interface TransferOutcome {
  phases: { readMs: number; matchMs: number; planMs: number; writeMs: number };
  links: number;
  coverage: number;
  counts: Record<WeightStatus, number>;
  problems: number;
  bytesWritten: number;
}

const fileName = (path: string) => path.split('/').pop() ?? path;

function planExpressions(plan: TransferPlan): Map<string, TensorExpr[]> {
  return new Map(plan.layers.map((layer) => [layer.target, layer.weights.map((w) => w.expr)]));
}

export async function transferFiles(
  host: FileSystemH5Host,
  sourcePath: string,
  targetPath: string,
  outputPath: string,
): Promise<TransferOutcome> {
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const source = await readModel(host, {
    weights: { kind: 'path', path: sourcePath, name: fileName(sourcePath) },
  });
  try {
    const target = await readModel(host, {
      weights: { kind: 'path', path: targetPath, name: fileName(targetPath) },
    });
    try {
      const readMs = lap();
      const io: TensorIO = {
        readSource: (path) => source.readDataset(path),
        readTarget: (path) => target.readDataset(path),
      };
      const { mapping } = autoMatch(source.spec, target.spec);
      const matchMs = lap();
      const plan = await planTransfer(source.spec, target.spec, mapping, {
        readSource: (expr) => evaluateTensor(expr, io),
      });
      const planMs = lap();
      const exprs = planExpressions(plan);
      const name = fileName(outputPath);
      const { scratchPath, bytesWritten } = await writeModelFile(host, {
        layout: layoutForFileName(name, target.spec),
        target: target.spec,
        label: name,
        tensors: async (layer, index) => {
          const expr = exprs.get(layer.id)?.[index];
          if (!expr) throw new GraftError('write', `the plan has no entry for ${layer.id} weight ${index}`);
          return evaluateTensor(expr, io);
        },
      });
      await host.commitScratch(scratchPath, outputPath);
      const writeMs = lap();
      return {
        phases: { readMs, matchMs, planMs, writeMs },
        links: mapping.links.length,
        coverage: plan.coverage,
        counts: plan.counts,
        problems: plan.problems.length,
        bytesWritten,
      };
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}
