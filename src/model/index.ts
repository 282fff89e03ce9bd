export * from './modelSpec';
export * from './tensorExpr';
export * from './mapping';
export * from './plan';
export * from './errors';
