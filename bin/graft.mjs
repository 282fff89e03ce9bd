#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx graft` works from a fresh clone without a build step.
// h5wasm is loaded before tsx's loader is registered: tsx would otherwise re-transform its 4 MB
// single-line module on every start (seconds and hundreds of MB).
import 'h5wasm/node';
import { register } from 'tsx/esm/api';

// `graft map ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
