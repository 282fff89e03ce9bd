// Builds the layer graph from a ModelSpec: edges from each layer's `inbound` refs; a nested model is a
// container whose inputs/outputs are rewired to its inner layers; a model (or nested model) without any
// inbound refs — a weights-only file, or a Sequential config — is a chain in layer order.

import type { InboundRef, LayerSpec, ModelSpec } from '../../model';
import type { GraphEdge, GraphNode, LayerGraph } from './layerGraph';

const joinId = (path: readonly string[], name: string): string => [...path, name].join('/');

class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly problems: string[] = [];
  private readonly byId = new Map<string, GraphNode>();
  private readonly specs = new Map<string, LayerSpec>();
  private readonly edgeKeys = new Set<string>();
  private readonly modes = new Set<'inbound' | 'chain'>();

  constructor(private readonly model: ModelSpec) {
    const childrenOf = new Map<string, string[]>();
    model.layers.forEach((layer) => {
      const parent = layer.path.length > 0 ? layer.path.join('/') : '';
      const siblings = childrenOf.get(parent) ?? [];
      siblings.push(layer.id);
      childrenOf.set(parent, siblings);
    });
    model.layers.forEach((layer, order) => {
      const listed = layer.children ?? childrenOf.get(layer.id) ?? [];
      const node: GraphNode = {
        id: layer.id,
        name: layer.name,
        className: layer.className,
        path: [...layer.path],
        parent: layer.path.length > 0 ? layer.path.join('/') : null,
        order,
        weightCount: layer.weights.length,
        isModel: layer.children !== undefined || listed.length > 0,
        children: [...listed],
        implicit: false,
      };
      this.nodes.push(node);
      this.byId.set(node.id, node);
      this.specs.set(node.id, layer);
    });
  }

  get connectivity(): LayerGraph['connectivity'] {
    if (this.modes.size === 2) return 'mixed';
    return this.modes.has('inbound') ? 'inbound' : 'chain';
  }

  /** Direct members of a container ('' = the top level), in model order. */
  membersOf(containerId: string): GraphNode[] {
    if (containerId === '') return this.nodes.filter((node) => node.parent === null && !node.implicit);
    const container = this.byId.get(containerId);
    return (container?.children ?? [])
      .map((id) => this.byId.get(id))
      .filter((node): node is GraphNode => node !== undefined);
  }

  connectContainer(containerId: string, path: string[]): void {
    const members = this.membersOf(containerId);
    const wired = members.some((node) =>
      (this.specs.get(node.id)?.inbound ?? []).some((call) => call.length > 0),
    );
    if (members.length > 1 || wired) this.modes.add(wired ? 'inbound' : 'chain');
    if (wired) {
      for (const node of members) {
        const calls = this.specs.get(node.id)?.inbound ?? [];
        calls.forEach((call, callIndex) => {
          call.forEach((ref, port) => {
            const consumers = node.isModel ? this.entriesOf(node, port) : [node.id];
            for (const producer of this.producersOf(path, ref)) {
              for (const consumer of consumers)
                this.addEdge({ from: producer, to: consumer, call: callIndex, port, tensor: ref.tensor });
            }
          });
        });
      }
    } else {
      for (let i = 1; i < members.length; i++) {
        const producers = this.exitsOf(members[i - 1]);
        const consumers = this.entriesOf(members[i], 0);
        for (const producer of producers)
          for (const consumer of consumers)
            this.addEdge({ from: producer, to: consumer, call: 0, port: 0, tensor: 0 });
      }
    }
    for (const node of members) if (node.isModel) this.connectContainer(node.id, [...node.path, node.name]);
  }

  /** The non-model layers whose output a ref to `ref.layer` (inside `path`) really is. */
  producersOf(path: string[], ref: InboundRef, depth = 0): string[] {
    const node = this.nodeFor(joinId(path, ref.layer), ref.layer, path);
    if (!node.isModel || depth > 32) return [node.id];
    const spec = this.specs.get(node.id);
    const inner = [...node.path, node.name];
    const output = spec?.modelOutputs?.[ref.tensor];
    if (output) return this.producersOf(inner, output, depth + 1);
    return this.exitsOf(node, depth + 1);
  }

  /** The non-model layers that produce a node's output (its own id unless it is a nested model). */
  exitsOf(node: GraphNode, depth = 0): string[] {
    if (!node.isModel || depth > 32) return [node.id];
    const spec = this.specs.get(node.id);
    const inner = [...node.path, node.name];
    if (spec?.modelOutputs && spec.modelOutputs.length > 0) {
      return spec.modelOutputs.flatMap((ref) => this.producersOf(inner, ref, depth + 1));
    }
    const members = this.membersOf(node.id);
    const last = members[members.length - 1];
    return last ? this.exitsOf(last, depth + 1) : [];
  }

  /** The non-model layers that receive input `port` of a node. */
  entriesOf(node: GraphNode, port: number, depth = 0): string[] {
    if (!node.isModel || depth > 32) return [node.id];
    const spec = this.specs.get(node.id);
    const inner = [...node.path, node.name];
    const inputs = spec?.modelInputs ?? [];
    const ref = inputs[Math.min(port, inputs.length - 1)];
    if (ref) {
      const entry = this.nodeFor(joinId(inner, ref.layer), ref.layer, inner);
      return this.entriesOf(entry, 0, depth + 1);
    }
    const first = this.membersOf(node.id)[0];
    return first ? this.entriesOf(first, port, depth + 1) : [];
  }

  private nodeFor(id: string, name: string, path: string[]): GraphNode {
    const known = this.byId.get(id);
    if (known) return known;
    const node: GraphNode = {
      id,
      name,
      className: null,
      path: [...path],
      parent: path.length > 0 ? path.join('/') : null,
      order: -1,
      weightCount: 0,
      isModel: false,
      children: [],
      implicit: true,
    };
    this.problems.push(`layer ${id} is referenced but not listed; drawn as an implicit input`);
    this.nodes.push(node);
    this.byId.set(id, node);
    return node;
  }

  private addEdge(edge: GraphEdge): void {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.call}\u0000${edge.port}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push(edge);
  }

  inputsAndOutputs(): { inputs: string[]; outputs: string[] } {
    const top = this.membersOf('');
    const inputs =
      this.model.inputs.length > 0
        ? this.model.inputs.flatMap((ref) =>
            this.entriesOf(this.nodeFor(joinId([], ref.layer), ref.layer, []), 0),
          )
        : top.length > 0
          ? this.entriesOf(top[0], 0)
          : [];
    const outputs =
      this.model.outputs.length > 0
        ? this.model.outputs.flatMap((ref) => this.producersOf([], ref))
        : top.length > 0
          ? this.exitsOf(top[top.length - 1])
          : [];
    return { inputs: [...new Set(inputs)], outputs: [...new Set(outputs)] };
  }
}

export function buildLayerGraph(model: ModelSpec): LayerGraph {
  const builder = new GraphBuilder(model);
  builder.connectContainer('', []);
  const { inputs, outputs } = builder.inputsAndOutputs();
  return {
    nodes: builder.nodes,
    edges: builder.edges,
    inputs,
    outputs,
    connectivity: builder.connectivity,
    problems: builder.problems,
  };
}
