// Starts measureGraft.ts. h5wasm's Node build is imported natively *before* tsx is registered: through
// tsx's loader the 4 MB one-line module gets a dynamic-import rewrite with a high-resolution source map,
// which costs ~3 s and ~600 MB of RSS (measured; see docs/BENCHMARKS.md) and would swamp every
// memory number. The module is cached, so the TypeScript sources get this same instance.
await import('h5wasm/node');
const { register } = await import('tsx/esm/api');
register();
await import('./measureGraft.ts');
