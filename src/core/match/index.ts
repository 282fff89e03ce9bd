export { alignLayers, type Alignment, type GapCost, type GapCostAt } from './alignLayers';
export { autoMatch, type MatchResult } from './autoMatch';
export { LOW_CONFIDENCE, compareLayers, type LayerEvidence } from './layerEvidence';
export { shapeSimilarity } from './shapeSimilarity';
export { canonicalClass, nameStem } from './kerasClass';
export { matchFeasibleLinks, type FeasibleMatchResult } from './matchFeasible';
