// Neighbour queries over a LayerGraph. Adjacency is computed once per graph object and kept in a
// WeakMap, so the graph itself stays plain data.

import type { GraphEdge, GraphNode, LayerGraph } from './layerGraph';

interface GraphIndex {
  byId: Map<string, GraphNode>;
  outgoing: Map<string, GraphEdge[]>;
  incoming: Map<string, GraphEdge[]>;
}

const indexes = new WeakMap<LayerGraph, GraphIndex>();

function indexOf(graph: LayerGraph): GraphIndex {
  const known = indexes.get(graph);
  if (known) return known;
  const index: GraphIndex = { byId: new Map(), outgoing: new Map(), incoming: new Map() };
  for (const node of graph.nodes) index.byId.set(node.id, node);
  for (const edge of graph.edges) {
    if (!index.outgoing.has(edge.from)) index.outgoing.set(edge.from, []);
    if (!index.incoming.has(edge.to)) index.incoming.set(edge.to, []);
    index.outgoing.get(edge.from)!.push(edge);
    index.incoming.get(edge.to)!.push(edge);
  }
  indexes.set(graph, index);
  return index;
}

export interface NeighbourOptions {
  /** Look through layers without weights (Activation, Dropout, pooling, Reshape, Add...) to the weighted layers beyond. */
  skipWeightless?: boolean;
}

function neighbours(
  graph: LayerGraph,
  id: string,
  direction: 'outgoing' | 'incoming',
  options: NeighbourOptions,
): string[] {
  const index = indexOf(graph);
  const step = (from: string): string[] =>
    (index[direction].get(from) ?? []).map((edge) => (direction === 'outgoing' ? edge.to : edge.from));
  const found: string[] = [];
  const seen = new Set<string>([id]);
  const queue = step(id);
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const node = index.byId.get(next);
    if (options.skipWeightless && node && node.weightCount === 0) {
      queue.push(...step(next));
      continue;
    }
    found.push(next);
  }
  return found;
}

/** Layers that read this layer's output, in edge order. */
export function successorsOf(graph: LayerGraph, id: string, options: NeighbourOptions = {}): string[] {
  return neighbours(graph, id, 'outgoing', options);
}

/** Layers whose output this layer reads, in edge order. */
export function predecessorsOf(graph: LayerGraph, id: string, options: NeighbourOptions = {}): string[] {
  return neighbours(graph, id, 'incoming', options);
}

/** Edges into a layer, ordered by call then port. */
export function inputEdgesOf(graph: LayerGraph, id: string): GraphEdge[] {
  return [...(indexOf(graph).incoming.get(id) ?? [])].sort((a, b) => a.call - b.call || a.port - b.port);
}

export function nodeOf(graph: LayerGraph, id: string): GraphNode | undefined {
  return indexOf(graph).byId.get(id);
}

/**
 * Every non-model node with its producers first (Kahn's algorithm, ties broken by model order). Nodes on
 * a cycle, which a valid model cannot have, come last in model order.
 */
export function topologicalOrder(graph: LayerGraph): string[] {
  const index = indexOf(graph);
  const nodes = graph.nodes.filter((node) => !node.isModel);
  const rank = (node: GraphNode): number => (node.order < 0 ? -1 : node.order);
  const pending = new Map<string, number>();
  for (const node of nodes)
    pending.set(node.id, (index.incoming.get(node.id) ?? []).filter((edge) => edge.from !== node.id).length);
  const ready = nodes.filter((node) => pending.get(node.id) === 0);
  const order: string[] = [];
  const placed = new Set<string>();
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a) - rank(b));
    const node = ready.shift()!;
    order.push(node.id);
    placed.add(node.id);
    for (const edge of index.outgoing.get(node.id) ?? []) {
      if (edge.to === node.id || !pending.has(edge.to)) continue;
      const left = pending.get(edge.to)! - 1;
      pending.set(edge.to, left);
      if (left === 0) ready.push(index.byId.get(edge.to)!);
    }
  }
  for (const node of [...nodes].sort((a, b) => rank(a) - rank(b)))
    if (!placed.has(node.id)) order.push(node.id);
  return order;
}
