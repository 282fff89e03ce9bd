// Public surface of the mapping engine: pure TypeScript over src/model, no DOM, no h5wasm.
export {};
