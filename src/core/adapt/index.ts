export {
  layerChannelsOf,
  bareWeightName,
  type AxisRole,
  type ChannelFlow,
  type Expansion,
  type LayerChannels,
  type LayerFamily,
} from './axisRoles';
export { adaptTensor, type AdaptRequest, type AdaptResult, type AxisPlan } from './adaptTensor';
export { identityMap, leadingMap, spatialMap, replicaSources, isIdentityMap, type AxisMap } from './axisMaps';
export { pairWeights, roleAlignment, type LayerPairing, type WeightPair } from './weightPairing';
