// Keras does not trust a config's layer list: `model.layers` of a Functional model is recomputed from
// the graph (keras/src/ops/function.py `map_graph`; same scheme in Keras 2.2 and tf.keras). Legacy
// topological loading and Keras 3 class-counter paths both depend on that order, so we reproduce it.

export interface CallNode {
  layer: string;
  /** Call index of `layer` (0-based). */
  call: number;
  /** Producer calls of this call's inputs, in flattened argument order. */
  parents: { layer: string; call: number }[];
}

const key = (layer: string, call: number) => `${layer}\u0000${call}`;

/**
 * Orders layers as Keras's `map_graph` does: DFS from each output assigns pre-order indices; node
 * depths are propagated from the outputs; layers are sorted by depth descending, ties by first visit.
 * Layers not reachable from the outputs keep their relative config order at the end.
 */
export function orderLayersLikeKeras(
  layerNames: string[],
  calls: Map<string, CallNode[]>,
  outputs: { layer: string; call: number }[],
  inputLayers: string[],
): string[] {
  const finished = new Set<string>();
  const inProgress = new Set<string>();
  const decreasingDepth: CallNode[] = [];
  const operationIndex = new Map<string, number>();

  const visit = (layer: string, call: number) => {
    const node = calls.get(layer)?.[call];
    if (!node) return;
    const k = key(layer, call);
    if (finished.has(k) || inProgress.has(k)) return; // a cycle is reported by the config parser, not here
    if (!operationIndex.has(layer)) operationIndex.set(layer, operationIndex.size);
    inProgress.add(k);
    // Iterative deepening would be safer for very deep graphs, but recursion depth equals graph depth,
    // which is in the low thousands at most for real models.
    for (const p of node.parents) visit(p.layer, p.call);
    finished.add(k);
    inProgress.delete(k);
    decreasingDepth.push(node);
  };
  for (const out of outputs) visit(out.layer, out.call);

  const nodeDepth = new Map<string, number>();
  const layerDepth = new Map<string, number>();
  for (let i = decreasingDepth.length - 1; i >= 0; i--) {
    const node = decreasingDepth[i];
    const k = key(node.layer, node.call);
    let depth = nodeDepth.get(k) ?? 0;
    depth = Math.max(depth, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(k, depth);
    for (const p of node.parents) {
      const pk = key(p.layer, p.call);
      nodeDepth.set(pk, Math.max(depth + 1, nodeDepth.get(pk) ?? 0));
    }
  }
  for (const input of inputLayers) {
    if (!layerDepth.has(input)) {
      layerDepth.set(input, 0);
      operationIndex.set(input, -1);
    }
  }

  const reached = layerNames.filter((n) => layerDepth.has(n));
  reached.sort((a, b) => {
    const d = (layerDepth.get(b) ?? 0) - (layerDepth.get(a) ?? 0);
    return d !== 0 ? d : (operationIndex.get(a) ?? 0) - (operationIndex.get(b) ?? 0);
  });
  const rest = layerNames.filter((n) => !layerDepth.has(n));
  return [...reached, ...rest];
}
