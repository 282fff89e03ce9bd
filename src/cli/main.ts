// `graft` command line: the same readers, matcher, planner and writers the app runs in its worker.

import { parseArgs } from 'node:util';
import { GraftError, isGraftError } from '../model/errors';
import { runInspect } from './inspectCommand';
import { runConvert } from './convertCommand';
import { runMap, runApply } from './transferCommands';

const USAGE = `graft: move pretrained Keras weights onto a changed network

usage:
  graft inspect FILE [--arch JSON] [--json]
  graft convert IN OUT [--arch JSON]
  graft map SOURCE TARGET [--source-arch JSON] [--target-arch JSON] [--mapping M.json]
            [--select l1|l2|bn-gamma|first|uniform] [--json] [-o M.json]
  graft apply SOURCE TARGET -o OUT [--source-arch JSON] [--target-arch JSON] [--mapping M.json]
            [--select l1|l2|bn-gamma|first|uniform]

FILE/SOURCE/TARGET: a Keras .h5 (weights or full model), .weights.h5, .keras, or model JSON.
OUT's name picks the layout: .weights.h5 (Keras 3), .keras (archive), .h5 (legacy).`;

const OPTIONS = {
  arch: { type: 'string' },
  'source-arch': { type: 'string' },
  'target-arch': { type: 'string' },
  mapping: { type: 'string' },
  select: { type: 'string' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type CliOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

function positionals(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw new GraftError('usage', `expected ${usage}; see graft --help`);
  return args;
}

/** Runs one command; returns the exit code. Errors are one line on stderr, never a stack trace. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new GraftError('usage', `${(error as Error).message}; see graft --help`);
    }
    const { values, positionals: rest } = parsed;
    const [command, ...args] = rest;
    if (values.help || !command) {
      io.out(USAGE);
      return command || values.help ? 0 : 1;
    }
    switch (command) {
      case 'inspect':
        await runInspect(positionals(args, 1, 'graft inspect FILE')[0], values, io);
        return 0;
      case 'convert': {
        const [input, output] = positionals(args, 2, 'graft convert IN OUT');
        await runConvert(input, output, values, io);
        return 0;
      }
      case 'map': {
        const [source, target] = positionals(args, 2, 'graft map SOURCE TARGET');
        await runMap(source, target, values, io);
        return 0;
      }
      case 'apply': {
        const [source, target] = positionals(args, 2, 'graft apply SOURCE TARGET -o OUT');
        await runApply(source, target, values, io);
        return 0;
      }
      default:
        throw new GraftError(
          'usage',
          `unknown command "${command}"; the commands are inspect, convert, map, apply`,
        );
    }
  } catch (error) {
    const message = isGraftError(error)
      ? error.message
      : `internal error: ${(error as Error)?.message ?? String(error)} (please report this with the file that caused it)`;
    io.err(`error: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}
