// What the graph view draws of one model: its visible layers in model order and, for each, the visible
// layers that feed it. Hiding weightless layers and collapsing nested models both remove nodes; an
// edge through a removed node is drawn from its nearest visible producer instead, so the shape of the
// network (branches, merges) survives.

import type { LayerSpec, ModelSpec } from '../../model';
import { buildLayerGraph } from '../../core/graph';

export interface GraphNode {
  id: string;
  name: string;
  className: string | null;
  /** Shape of the main weight (`3×3×64×128`), or '' for a weightless layer. */
  shape: string;
  /** Own tensors; for a nested model, the tensors of everything inside it. */
  weightCount: number;
  /** Nesting depth: 0 for a top-level layer. */
  depth: number;
  /** Set for a nested model: whether its inner layers are hidden, and how many there are. */
  nested: { collapsed: boolean; inner: number } | null;
  /** Visible producers, in input order, without repeats. */
  inputs: string[];
}

export interface GraphInput {
  nodes: GraphNode[];
  /** For every layer of the model, the visible node that stands for it (itself, or its collapsed model). */
  representative: Record<string, string>;
}

export interface GraphOptions {
  hideWeightless: boolean;
  /** Ids of nested models drawn as one node. */
  collapsed: ReadonlySet<string>;
}

export function shapeLabel(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function mainWeightShape(layer: LayerSpec): string {
  if (layer.weights.length === 0) return '';
  // The kernel is what people recognise a layer by; otherwise the largest tensor.
  const kernel = layer.weights.find((w) => /kernel$/.test(w.name));
  const largest = layer.weights.reduce((a, b) => (elements(b.shape) > elements(a.shape) ? b : a));
  return shapeLabel((kernel ?? largest).shape);
}

export function buildGraphInput(spec: ModelSpec, options: GraphOptions): GraphInput {
  const graph = buildLayerGraph(spec);
  const layers = new Map(spec.layers.map((layer) => [layer.id, layer]));
  const modelNodes = graph.nodes.filter((node) => !node.implicit);
  const descendants = new Map<string, string[]>();
  for (const node of modelNodes) {
    for (let depth = 1; depth <= node.path.length; depth++) {
      const owner = node.path.slice(0, depth).join('/');
      if (!descendants.has(owner)) descendants.set(owner, []);
      descendants.get(owner)!.push(node.id);
    }
  }

  const representative: Record<string, string> = {};
  const visible = new Set<string>();
  for (const node of modelNodes) {
    let rep = node.id;
    for (let depth = 1; depth <= node.path.length; depth++) {
      const owner = node.path.slice(0, depth).join('/');
      if (options.collapsed.has(owner) && layers.has(owner)) {
        rep = owner;
        break;
      }
    }
    representative[node.id] = rep;
    // Nested models stay visible: they carry the collapse toggle.
    if (rep === node.id && !(options.hideWeightless && node.weightCount === 0 && !node.isModel))
      visible.add(node.id);
  }

  const incoming = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!incoming.has(edge.to)) incoming.set(edge.to, []);
    incoming.get(edge.to)!.push(edge.from);
  }
  const memo = new Map<string, string[]>();
  const producers = (id: string, trail: Set<string>): string[] => {
    const known = memo.get(id);
    if (known) return known;
    if (trail.has(id)) return [];
    trail.add(id);
    const found: string[] = [];
    for (const from of incoming.get(id) ?? []) {
      const rep = representative[from];
      // Implicit layers (referenced, not listed) and edges inside one collapsed model are not drawn.
      if (rep === undefined || rep === representative[id]) continue;
      if (visible.has(rep)) found.push(rep);
      else found.push(...producers(rep, trail));
    }
    const unique = [...new Set(found)];
    memo.set(id, unique);
    return unique;
  };

  const nodes: GraphNode[] = [];
  for (const node of modelNodes) {
    if (!visible.has(node.id)) continue;
    const layer = layers.get(node.id);
    const inside = descendants.get(node.id) ?? [];
    const collapsed = node.isModel && options.collapsed.has(node.id);
    // A collapsed model is fed by whatever feeds the layers it hides.
    const inputs = collapsed
      ? [...new Set(inside.flatMap((inner) => producers(inner, new Set())))]
      : producers(node.id, new Set());
    nodes.push({
      id: node.id,
      name: node.name,
      className: node.className,
      shape: layer ? mainWeightShape(layer) : '',
      weightCount: node.isModel
        ? inside.reduce((n, inner) => n + (layers.get(inner)?.weights.length ?? 0), 0)
        : node.weightCount,
      depth: node.path.length,
      nested: node.isModel ? { collapsed, inner: inside.length } : null,
      inputs: inputs.filter((id) => id !== node.id),
    });
  }
  return { nodes, representative };
}
