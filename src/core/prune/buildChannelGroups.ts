// Channel groups: sets of weight axes that must keep the same channels. Walks the (target) layer graph
// in topological order, giving each layer an input and output channel space: a layer with its own
// output channels starts a group; normalisation, activations, pooling and depthwise convolutions pass
// channels through; Add & co join their inputs' groups; Concatenate lays groups side by side; Flatten
// widens them by height x width. Every channel axis of every weight becomes a member of its space.

import type { LayerSpec, ModelSpec } from '../../model';
import { layerChannelsOf, type LayerChannels } from '../adapt/axisRoles';
import { buildLayerGraph, inputEdgesOf, topologicalOrder, type LayerGraph } from '../graph';
import { expandSpace, groupsIn, mapSpaceGroups, type ChannelSpace } from './channelSpace';

export type MemberRole =
  /** Writes the group's channels (a Conv's kernel output axis, its bias). */
  | 'producer'
  /** Carries them through (BatchNorm parameters, a depthwise kernel's channel axis). */
  | 'through'
  /** Reads them (the next Conv's / Dense's kernel input axis). */
  | 'consumer';

export interface ChannelMember {
  layer: string;
  /** Index into the layer's weights. */
  weight: number;
  axis: number;
  role: MemberRole;
  space: ChannelSpace;
}

export interface ChannelGroup {
  id: number;
  /** A weighted layer's own output, a model input, or the output of a layer graft does not see through. */
  origin: 'layer' | 'input' | 'opaque';
  /** Layers with a weight axis on exactly this group, in model order. */
  layers: string[];
  /** Short name for reports: "conv1/bn1/dw1". */
  label: string;
  /** Joined in a way graft cannot keep consistent (an Add of a Concatenate and a plain tensor): keep as is. */
  frozen: boolean;
  /** No weighted layer reads these channels: a model output such as a classifier head. */
  terminal: boolean;
}

export interface ChannelGroups {
  groups: ChannelGroup[];
  /** In model order of their layers. */
  members: ChannelMember[];
  problems: string[];
}

const LABEL_LAYERS = 4;

/** When groups join, the merged group is described by its strongest origin. */
const ORIGIN_RANK: Record<ChannelGroup['origin'], number> = { layer: 2, opaque: 1, input: 0 };

class GroupSets {
  private readonly parent: number[] = [];
  readonly origin: ChannelGroup['origin'][] = [];
  readonly frozen: boolean[] = [];

  create(origin: ChannelGroup['origin']): number {
    const id = this.parent.length;
    this.parent.push(id);
    this.origin.push(origin);
    this.frozen.push(false);
    return id;
  }

  find(id: number): number {
    let root = id;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[id] !== root) {
      const next = this.parent[id];
      this.parent[id] = root;
      id = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return;
    const [keep, drop] = rootA < rootB ? [rootA, rootB] : [rootB, rootA];
    this.parent[drop] = keep;
    this.frozen[keep] = this.frozen[keep] || this.frozen[drop];
    if (ORIGIN_RANK[this.origin[drop]] > ORIGIN_RANK[this.origin[keep]])
      this.origin[keep] = this.origin[drop];
  }

  freeze(space: ChannelSpace): void {
    for (const group of groupsIn(space)) this.frozen[this.find(group)] = true;
  }

  /** Makes two spaces the same channels; returns false when their structures cannot be matched. */
  unify(a: ChannelSpace, b: ChannelSpace): boolean {
    if (a.kind === 'group' && b.kind === 'group') {
      this.union(a.group, b.group);
      return true;
    }
    if (a.kind === 'concat' && b.kind === 'concat' && a.parts.length === b.parts.length) {
      return a.parts.every((part, i) => this.unify(part, b.parts[i]));
    }
    if (
      a.kind === 'expand' &&
      b.kind === 'expand' &&
      a.expand.layout === b.expand.layout &&
      a.expand.factor === b.expand.factor
    ) {
      return this.unify(a.of, b.of);
    }
    this.freeze(a);
    this.freeze(b);
    return false;
  }
}

/**
 * Whether a layer's output is channels-first: its own `data_format` (Keras 2/3) or `dim_ordering`
 * (Keras 1: 'th') when it has one, else what it received. A Flatten's output is a plain vector.
 */
function producesChannelsFirst(layer: LayerSpec | undefined, input: boolean): boolean {
  if (layer?.className === 'Flatten') return false;
  const format = layer?.config?.data_format ?? layer?.config?.dim_ordering;
  if (format === 'channels_first' || format === 'th') return true;
  if (format === 'channels_last' || format === 'tf') return false;
  return input;
}

function labelOf(layers: string[], byId: Map<string, LayerSpec>): string {
  const names = layers.map((id) => byId.get(id)?.name ?? id);
  if (names.length <= LABEL_LAYERS) return names.join('/');
  return `${names.slice(0, LABEL_LAYERS).join('/')}/… (${names.length} layers)`;
}

export function buildChannelGroups(
  model: ModelSpec,
  graph: LayerGraph = buildLayerGraph(model),
): ChannelGroups {
  const byId = new Map(model.layers.map((layer) => [layer.id, layer]));
  const orderOf = new Map(model.layers.map((layer, index) => [layer.id, index]));
  const sets = new GroupSets();
  const outputs = new Map<string, ChannelSpace>();
  const channelsFirstOf = new Map<string, boolean>();
  const members: ChannelMember[] = [];
  const problems: string[] = [];

  for (const id of topologicalOrder(graph)) {
    const layer = byId.get(id);
    const channels: LayerChannels | null = layer ? layerChannelsOf(layer) : null;
    const flow = channels?.flow ?? { kind: 'same' };

    // Input space of each call: merged, concatenated or the first input.
    const edges = inputEdgesOf(graph, id);
    const calls = new Map<number, ChannelSpace[]>();
    for (const edge of edges) {
      const space = outputs.get(edge.from);
      if (!space) continue;
      const ports = calls.get(edge.call) ?? [];
      if (ports[edge.port] === undefined) ports[edge.port] = space;
      calls.set(edge.call, ports);
    }
    const callSpaces: ChannelSpace[] = [];
    for (const ports of calls.values()) {
      const present = ports.filter((space): space is ChannelSpace => space !== undefined);
      if (present.length === 0) continue;
      if (flow.kind === 'merge') {
        for (const other of present.slice(1)) {
          if (!sets.unify(present[0], other))
            problems.push(
              `${id}: joins channels that graft cannot keep consistent; they are kept as they are`,
            );
        }
        callSpaces.push(present[0]);
      } else if (flow.kind === 'concat') {
        callSpaces.push(present.length === 1 ? present[0] : { kind: 'concat', parts: present });
      } else {
        callSpaces.push(present[0]);
      }
    }
    // A shared layer reads the same weights on every call: all its inputs must keep the same channels.
    for (const other of callSpaces.slice(1)) {
      if (!sets.unify(callSpaces[0], other))
        problems.push(`${id}: shared layer called on inputs whose channels cannot be matched`);
    }
    const inSpace: ChannelSpace = callSpaces[0] ?? { kind: 'group', group: sets.create('input') };
    const inputChannelsFirst = edges.some((edge) => channelsFirstOf.get(edge.from) === true);

    let outSpace: ChannelSpace;
    switch (flow.kind) {
      case 'new':
        outSpace = { kind: 'group', group: sets.create('layer') };
        break;
      case 'opaque':
        outSpace = { kind: 'group', group: sets.create('opaque') };
        break;
      case 'expand': {
        // Flatten keeps the stored order: a channels-first feature map flattens channel-major, unless the
        // Flatten itself is channels_first (Keras then moves channels last before flattening).
        const channelMajor =
          channels?.family === 'flatten' &&
          inputChannelsFirst &&
          layer?.config?.data_format !== 'channels_first';
        outSpace = expandSpace(inSpace, channelMajor ? { ...flow.expand, layout: 'outer' } : flow.expand);
        break;
      }
      default:
        outSpace = inSpace;
    }
    outputs.set(id, outSpace);
    channelsFirstOf.set(id, producesChannelsFirst(layer, inputChannelsFirst));

    if (!layer || !channels) continue;
    channels.roles.forEach((roles, weight) => {
      roles.forEach((role, axis) => {
        if (role.kind === 'in') {
          members.push({
            layer: id,
            weight,
            axis,
            role: flow.kind === 'new' ? 'consumer' : 'through',
            space: expandSpace(inSpace, role.expand),
          });
        } else if (role.kind === 'out') {
          members.push({
            layer: id,
            weight,
            axis,
            role: flow.kind === 'new' ? 'producer' : 'through',
            space: expandSpace(outSpace, role.expand),
          });
        } else if (role.kind === 'loop') {
          members.push({
            layer: id,
            weight,
            axis,
            role: 'consumer',
            space: expandSpace(outSpace, role.expand),
          });
        }
      });
    });
  }

  // Number the groups that members use, in model order, and rewrite spaces to the numbering.
  members.sort(
    (a, b) =>
      (orderOf.get(a.layer) ?? 0) - (orderOf.get(b.layer) ?? 0) || a.weight - b.weight || a.axis - b.axis,
  );
  const numbering = new Map<number, number>();
  const renumber = (group: number): number => {
    const root = sets.find(group);
    let id = numbering.get(root);
    if (id === undefined) {
      id = numbering.size;
      numbering.set(root, id);
    }
    return id;
  };
  const finalMembers = members.map((member) => ({
    ...member,
    space: mapSpaceGroups(member.space, renumber),
  }));
  const roots = [...numbering.entries()].sort((a, b) => a[1] - b[1]).map(([root]) => root);
  const directOf = new Map<number, ChannelMember[]>();
  const anywhereOf = new Map<number, ChannelMember[]>();
  const listFor = <K>(map: Map<K, ChannelMember[]>, key: K): ChannelMember[] => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  };
  for (const member of finalMembers) {
    if (member.space.kind === 'group') listFor(directOf, member.space.group).push(member);
    for (const group of new Set(groupsIn(member.space))) listFor(anywhereOf, group).push(member);
  }
  const groups: ChannelGroup[] = roots.map((root, id) => {
    const direct = directOf.get(id) ?? [];
    const anywhere = anywhereOf.get(id) ?? [];
    const layers = [...new Set((direct.length > 0 ? direct : anywhere).map((member) => member.layer))];
    return {
      id,
      origin: sets.origin[root],
      layers,
      label: labelOf(layers, byId),
      frozen: sets.frozen[root],
      terminal: !anywhere.some((member) => member.role === 'consumer'),
    };
  });
  return { groups, members: finalMembers, problems: [...new Set(problems)] };
}
