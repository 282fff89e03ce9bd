// How long `npx graft` takes to be ready to open a file, and what that costs in memory.
//   tsx:          as bin/graft.mjs does it: register tsx, then import the TypeScript that imports h5wasm
//   native-first: import h5wasm/node natively before registering tsx (what runMeasure.mjs does)
// Prints {ms (since process start), maxRssKiB}.

const mode = process.argv[2];
if (mode === 'native-first') await import('h5wasm/node');
const { register } = await import('tsx/esm/api');
register();
const { createNodeH5Host } = await import('../../src/formats/h5/nodeH5Host.ts');
await createNodeH5Host();
process.stdout.write(
  `${JSON.stringify({ ms: performance.now(), maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
