export type { GraphNode, GraphEdge, LayerGraph } from './layerGraph';
export { buildLayerGraph } from './buildLayerGraph';
export {
  successorsOf,
  predecessorsOf,
  inputEdgesOf,
  nodeOf,
  topologicalOrder,
  type NeighbourOptions,
} from './graphQueries';
