// The CLI's own entry point (src/cli/main.ts), run in this process with its output captured: the
// convert and transfer rows time exactly what `npx graft convert|apply` does after start-up.

import { main, type CliIo } from '../../src/cli/main';

export interface CliRun {
  /** What the command printed last: `wrote OUT (layout, N bytes)`. */
  wrote: string;
}

export async function runCli(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`graft ${argv.join(' ')} exited ${code}: ${err.join(' ').trim()}`);
  const wrote = out.flatMap((text) => text.split('\n')).filter((line) => line.startsWith('wrote '));
  return { wrote: wrote.pop() ?? '' };
}
