// Branch lanes, as in a git history graph: the main path stays in lane 0, and a tensor that still has
// consumers further down (a residual shortcut, a concat input) travels in a side lane until it is used.

export interface LaneNode {
  id: string;
  inputs: readonly string[];
}

export interface Lanes {
  /** Lane of each node. */
  lane: Map<string, number>;
  /** Lane the edge `producer -> consumer` travels in, keyed `producer\u0000consumer`. */
  edgeLane: Map<string, number>;
  /** Number of lanes used. */
  count: number;
}

export const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;

export function assignLanes(nodes: readonly LaneNode[]): Lanes {
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  const remaining = new Map<string, number>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      // Only edges pointing down the page occupy a lane; anything else is drawn straight.
      if ((position.get(input) ?? Infinity) < position.get(node.id)!)
        remaining.set(input, (remaining.get(input) ?? 0) + 1);
    }
  }
  const occupant: (string | null)[] = [];
  const flowLane = new Map<string, number>();
  const lane = new Map<string, number>();
  const edgeLane = new Map<string, number>();
  const firstFree = (except = -1) => {
    const free = occupant.findIndex((o, i) => o === null && i !== except);
    if (free >= 0) return free;
    occupant.push(null);
    return occupant.length - 1;
  };

  for (const node of nodes) {
    const inputs = node.inputs.filter((id) => flowLane.has(id));
    const inputLanes = inputs.map((id) => flowLane.get(id)!);
    const own = inputLanes.length > 0 ? Math.min(...inputLanes) : firstFree();
    for (const input of inputs) {
      const at = flowLane.get(input)!;
      edgeLane.set(edgeKey(input, node.id), at);
      const left = remaining.get(input)! - 1;
      remaining.set(input, left);
      if (left === 0) {
        occupant[at] = null;
        flowLane.delete(input);
      }
    }
    const stillThere = occupant[own];
    if (stillThere !== null && stillThere !== undefined) {
      // A branch point: this node continues the main path and the producer's remaining flow moves aside.
      occupant[own] = null;
      const aside = firstFree(own);
      occupant[aside] = stillThere;
      flowLane.set(stillThere, aside);
    }
    lane.set(node.id, own);
    if ((remaining.get(node.id) ?? 0) > 0) {
      occupant[own] = node.id;
      flowLane.set(node.id, own);
    } else {
      occupant[own] = null;
    }
  }
  const count = Math.max(
    1,
    ...[...lane.values()].map((l) => l + 1),
    ...[...edgeLane.values()].map((l) => l + 1),
  );
  return { lane, edgeLane, count };
}
