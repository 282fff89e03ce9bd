// Where the time of `graft apply` goes: the same GraftSession the CLI and the worker use, driven step
// by step with a clock between steps. `writeTransfer` plans again before writing (as in the CLI); that
// second plan finds the channel-score tensors in the session's cache, so `write` is mostly writing.

import { basename } from 'node:path';
import type { WeightStatus } from '../../src/model/plan';
import { createMapping } from '../../src/core/mapping';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { layoutForFileName } from '../../src/formats/keras/write/writeModelFile';
import { GraftSession } from '../../src/worker/graftSession';

export interface TransferPhases {
  phases: { readMs: number; matchMs: number; planMs: number; writeMs: number };
  links: number;
  coverage: number;
  counts: Record<WeightStatus, number>;
  problems: number;
  bytesWritten: number;
}

const source = (path: string) => ({ weights: { kind: 'path' as const, path, name: basename(path) } });

export async function transferPhases(
  sourcePath: string,
  targetPath: string,
  outputPath: string,
): Promise<TransferPhases> {
  const host = await createNodeH5Host();
  const session = new GraftSession(host);
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  try {
    await session.open('source', source(sourcePath));
    const target = await session.open('target', source(targetPath));
    const readMs = lap();
    const { mapping } = await session.autoMatch(createMapping());
    const matchMs = lap();
    const plan = await session.plan(mapping);
    const planMs = lap();
    const written = await session.writeTransfer(mapping, layoutForFileName(outputPath, target.spec));
    await host.commitScratch(written.scratchPath, outputPath);
    const writeMs = lap();
    return {
      phases: { readMs, matchMs, planMs, writeMs },
      links: mapping.links.length,
      coverage: plan.coverage,
      counts: plan.counts,
      problems: plan.problems.length,
      bytesWritten: written.bytesWritten,
    };
  } finally {
    session.close();
  }
}
