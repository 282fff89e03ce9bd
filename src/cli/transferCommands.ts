// `graft map` and `graft apply`: the app's session, driven from the command line.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GraftError } from '../model/errors';
import type { Mapping, SelectRule } from '../model/mapping';
import type { TransferPlan } from '../model/plan';
import { applyChange, createMapping, parseMapping, serializeMapping, validateMapping } from '../core/mapping';
import { formatTransferReport } from '../core/report/transferReport';
import { createNodeH5Host } from '../formats/h5/nodeH5Host';
import { layoutForFileName } from '../formats/keras/write/writeModelFile';
import { GraftSession } from '../worker/graftSession';
import type { MatchSummary } from '../worker/sessionApi';
import { modelFiles, pathSource } from './cliFiles';
import { commitOutput } from './commitOutput';
import type { CliIo, CliOptions } from './main';

const SELECT_RULES: SelectRule[] = ['l1', 'l2', 'bn-gamma', 'first', 'uniform'];

async function openPair(sourcePath: string, targetPath: string, options: CliOptions) {
  const host = await createNodeH5Host();
  const session = new GraftSession(host);
  const source = await session.open('source', modelFiles(sourcePath, options['source-arch'], 'source'));
  const target = await session.open('target', modelFiles(targetPath, options['target-arch'], 'target'));
  if (source.spec.layers.every((l) => l.weights.length === 0)) {
    throw new GraftError(
      'usage',
      `source ${source.fileName} has no weights (an architecture JSON?); give the weight file and pass the JSON with --source-arch`,
    );
  }
  return { host, session, source, target };
}

/** The starting mapping: the user's file (validated against these models) or a fresh one; then --select. */
function startingMapping(options: CliOptions, models: Parameters<typeof validateMapping>[1][]): Mapping {
  let mapping = createMapping();
  if (options.mapping) {
    pathSource(options.mapping, 'mapping');
    const text = readFileSync(options.mapping, 'utf8');
    mapping = parseMapping(text, { source: models[0], target: models[1] });
    const problems = validateMapping(mapping, models[0], models[1]);
    if (problems.length > 0)
      throw new GraftError(
        'mapping',
        `${options.mapping} does not fit these files: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      );
  }
  if (options.select !== undefined) {
    if (!SELECT_RULES.includes(options.select as SelectRule)) {
      throw new GraftError(
        'usage',
        `--select must be one of ${SELECT_RULES.join(', ')}, not "${options.select}"`,
      );
    }
    mapping = applyChange(mapping, {
      kind: 'set-defaults',
      defaults: { select: options.select as SelectRule },
    });
  }
  return mapping;
}

function droppedNotes(dropped: MatchSummary['dropped']): string[] {
  return dropped.map(
    (d) => `${d.target} keeps its own values: the matcher paired it with ${d.source}, but ${d.reason}`,
  );
}

/** The `--json` shape of `graft map`. */
export function mapJson(mapping: Mapping, plan: TransferPlan) {
  return {
    links: plan.layers.map((l) => ({
      target: l.target,
      source: l.source,
      origin: l.origin,
      confidence: l.confidence,
      weights: l.weights.map((w) => ({
        name: w.weight,
        status: w.status,
        sourceShape: w.sourceShape,
        targetShape: w.targetShape,
        steps: w.steps.map((s) => s.detail),
        problem: w.problem ?? null,
      })),
      problem: l.problem ?? null,
    })),
    coverage: plan.coverage,
    counts: plan.counts,
    unmatched: plan.unmatched,
    unusedSource: plan.unusedSource,
    problems: plan.problems,
    mapping,
  };
}

export async function runMap(
  sourcePath: string,
  targetPath: string,
  options: CliOptions,
  io: CliIo,
): Promise<void> {
  const { session, source, target } = await openPair(sourcePath, targetPath, options);
  try {
    const matched = await session.autoMatch(startingMapping(options, [source.spec, target.spec]));
    const plan = await session.plan(matched.mapping);
    if (options.output) writeFileSync(options.output, serializeMapping(matched.mapping));
    io.out(
      options.json
        ? JSON.stringify({ ...mapJson(matched.mapping, plan), dropped: matched.dropped })
        : formatTransferReport(
            plan,
            { source: source.fileName, target: target.fileName },
            droppedNotes(matched.dropped),
          ),
    );
    if (options.output && !options.json) io.out(`\nmapping written to ${options.output}`);
  } finally {
    session.close();
  }
}

export async function runApply(
  sourcePath: string,
  targetPath: string,
  options: CliOptions,
  io: CliIo,
): Promise<void> {
  if (!options.output)
    throw new GraftError('usage', 'apply needs -o OUT (the file to write: .h5, .weights.h5 or .keras)');
  const { host, session, source, target } = await openPair(sourcePath, targetPath, options);
  try {
    const layout = layoutForFileName(options.output, target.spec);
    // Like `map`: a mapping file is refined, never overridden — its locked links, cuts, disconnected
    // targets and adapter choices stay; layers it does not mention are matched automatically.
    const matched = await session.autoMatch(startingMapping(options, [source.spec, target.spec]));
    const written = await session.writeTransfer(matched.mapping, layout);
    await commitOutput(host, written.scratchPath, resolve(options.output));
    io.out(
      formatTransferReport(
        written.plan,
        { source: source.fileName, target: target.fileName },
        droppedNotes(matched.dropped),
      ),
    );
    io.out(`\nwrote ${options.output} (${layout}, ${written.bytesWritten.toLocaleString('en-US')} bytes)`);
  } finally {
    session.close();
  }
}
