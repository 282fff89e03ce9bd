export { createMapping } from './createMapping';
export { applyChange, type MappingContext } from './applyChange';
export { serializeMapping } from './serializeMapping';
export { parseMapping } from './parseMapping';
export { validateMapping } from './validateMapping';
export { cutLayerIds, cutSourceIds } from './cutRanges';
