// Public surface of the mapping engine: pure TypeScript over src/model, no DOM, no h5wasm.
export * from './tensor';
export * from './graph';
export * from './adapt';
export * from './prune';
export * from './plan';
export * from './mapping';
export * from './match';
export { formatTransferReport } from './report/transferReport';
