// What selection needs to know about every member axis: its size on both sides, the widths of the
// groups (from producers first, then pass-through layers, then readers), and whether the member fits
// its group's widths — only members that fit are scored and get the group's selection.

import type { ModelSpec } from '../../model';
import { bareWeightName } from '../adapt/axisRoles';
import type { ChannelGroups, ChannelMember } from './buildChannelGroups';
import { spaceWidth, type ChannelSpace, type GroupWidths } from './channelSpace';
import type { PairedSource, SelectionOptions } from './selectChannels';

export interface MemberFacts {
  member: ChannelMember;
  targetSize: number;
  source: PairedSource | null;
  sourceSize: number | null;
  /** The space with an implicit Flatten made explicit (weights-only files do not show the Flatten layer). */
  space: ChannelSpace;
  consistent: boolean;
  flattenFactor: number | null;
  flattenChange?: string;
}

export const ROLE_PRIORITY: ChannelMember['role'][] = ['producer', 'through', 'consumer'];

/** The most frequent value, ties to the first seen. */
function mostCommon(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: number | null = null;
  for (const [value, count] of counts) if (best === null || count > counts.get(best)!) best = value;
  return best;
}

function widthFromMembers(direct: MemberFacts[], side: 'target' | 'source'): number | null {
  for (const role of ROLE_PRIORITY) {
    const sizes = direct
      .filter((f) => f.member.role === role)
      .map((f) => (side === 'target' ? f.targetSize : f.sourceSize))
      .filter((size): size is number => size !== null);
    if (sizes.length > 0) return mostCommon(sizes);
  }
  return null;
}

export interface MemberFactSheet {
  facts: MemberFacts[];
  targetWidth: GroupWidths;
  sourceWidth: GroupWidths;
}

export function collectMemberFacts(
  groups: ChannelGroups,
  target: ModelSpec,
  sourceOf: SelectionOptions['sourceOf'],
): MemberFactSheet {
  const layersById = new Map(target.layers.map((layer) => [layer.id, layer]));
  // 1. Sizes of every member axis on both sides.
  const facts: MemberFacts[] = groups.members.map((member) => {
    const weight = layersById.get(member.layer)?.weights[member.weight];
    const source = sourceOf(member.layer, member.weight);
    return {
      member,
      targetSize: weight?.shape[member.axis] ?? 0,
      source,
      sourceSize: source ? (source.shape[member.axis] ?? null) : null,
      space: member.space,
      consistent: false,
      flattenFactor: null,
    };
  });

  // 2. Group widths: from the producers first, then pass-through layers, then readers.
  const directMembers = new Map<number, MemberFacts[]>();
  for (const fact of facts) {
    if (fact.member.space.kind !== 'group') continue;
    const list = directMembers.get(fact.member.space.group) ?? [];
    list.push(fact);
    directMembers.set(fact.member.space.group, list);
  }
  const targetWidths = groups.groups.map((group) =>
    widthFromMembers(directMembers.get(group.id) ?? [], 'target'),
  );
  const sourceWidths = groups.groups.map((group) =>
    widthFromMembers(directMembers.get(group.id) ?? [], 'source'),
  );
  const targetWidth = (group: number): number | null => targetWidths[group] ?? null;
  const sourceWidth = (group: number): number | null => sourceWidths[group] ?? null;

  // 3. Which members fit their group's widths (only those are scored and get the group's selection).
  for (const fact of facts) {
    if (fact.sourceSize === null) continue;
    let space = fact.space;
    // Weights-only files list no Flatten: a Dense reading a conv group with k times its width reads it flattened.
    if (space.kind === 'group' && fact.member.role === 'consumer') {
      const tw = targetWidth(space.group);
      const sw = sourceWidth(space.group);
      if (
        tw &&
        sw &&
        fact.targetSize !== tw &&
        fact.targetSize % tw === 0 &&
        fact.sourceSize % sw === 0 &&
        fact.sourceSize !== sw
      ) {
        space = { kind: 'expand', expand: { factor: null, layout: 'inner' }, of: space };
        fact.space = space;
      }
    }
    const tw = spaceWidth(space, targetWidth, fact.targetSize);
    const sw = spaceWidth(space, sourceWidth, fact.sourceSize);
    if (space.kind === 'expand' && space.expand.factor === null) {
      const innerTarget = spaceWidth(space.of, targetWidth);
      const innerSource = spaceWidth(space.of, sourceWidth);
      if (
        innerTarget &&
        innerSource &&
        fact.targetSize % innerTarget === 0 &&
        fact.sourceSize % innerSource === 0
      ) {
        const targetFactor = fact.targetSize / innerTarget;
        const sourceFactor = fact.sourceSize / innerSource;
        if (targetFactor !== sourceFactor) {
          const layer = layersById.get(fact.member.layer);
          const weight = layer?.weights[fact.member.weight];
          const shapeText = (shape: number[]) => shape.join('x');
          fact.flattenChange =
            `flatten ${fact.targetSize > fact.sourceSize ? 'grows' : 'shrinks'} ${fact.sourceSize} -> ${fact.targetSize} features ` +
            `(${sourceFactor} -> ${targetFactor} positions of ${innerSource} -> ${innerTarget} channels): source ${fact.source?.layer} ` +
            `${weight ? bareWeightName(weight) : 'kernel'} ${shapeText(fact.source?.shape ?? [])} cannot give ${shapeText(weight?.shape ?? [])}`;
          continue;
        }
        fact.flattenFactor = targetFactor;
        fact.consistent = true;
        continue;
      }
    }
    fact.consistent = tw === fact.targetSize && sw === fact.sourceSize;
  }

  return { facts, targetWidth, sourceWidth };
}
