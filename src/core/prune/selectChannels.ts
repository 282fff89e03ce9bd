// One channel selection per group, applied to every member axis, so a Conv, its BatchNorm, the
// depthwise after it and the next layer's input all keep the same channels (and a residual Add's
// branches keep the same ones). Widths come from the target's shapes and the linked source weights;
// a member whose source width does not fit its group (the source fed it from a layer that was cut out)
// gets a selection of its own, and says so.

import type { GrowRule, ModelSpec, SelectRule, Tensor, TensorExpr } from '../../model';
import { bareWeightName, layerChannelsOf } from '../adapt/axisRoles';
import { hasRepeats, identityMap, isIdentityMap, leadingMap, replicaSources } from '../adapt/axisMaps';
import type { ChannelGroups } from './buildChannelGroups';
import { describeSpace, groupsIn, resolveSpaceMap } from './channelSpace';
import { axisSums, chooseChannels } from './chooseChannels';
import { cachedSourceReader, scoreGroup } from './groupScores';
import { collectMemberFacts, type MemberFacts } from './memberFacts';

export interface PairedSource {
  /** Source layer id. */
  layer: string;
  /** Index into the source layer's weights. */
  weight: number;
  /** The source value in the target weight's axis order; null when the source file has no values. */
  values: TensorExpr | null;
  /** Shape of `values` (target axis order). */
  shape: number[];
}

export interface SelectionOptions {
  target: ModelSpec;
  /** The source tensor feeding a target weight; null when unlinked, without counterpart, or of another rank. */
  sourceOf(layer: string, weight: number): PairedSource | null;
  /** The rules a target layer's link asks for (its AdapterChoice over the mapping defaults). */
  rulesOf(layer: string): { select: SelectRule; grow: GrowRule };
  /** Source values, for the score rules; without it they fall back to 'first'. */
  readSource?: (expr: TensorExpr) => Promise<Tensor>;
  /** Which source channels Net2Net widening repeats. */
  replicate?: { pick: 'first' | 'random'; seed: number };
}

export interface GroupSelection {
  group: number;
  label: string;
  sourceWidth: number | null;
  targetWidth: number | null;
  /** Target channel -> source channel (-1: new); null when there is nothing to choose (no source, unknown width). */
  map: number[] | null;
  /** How the map was made; 'same' when nothing changes. */
  rule: SelectRule | GrowRule | 'same' | null;
  fill: 'zeros' | 'target';
  /** A classifier head (its classes are kept in order: 'first'). */
  head: boolean;
  /** "keep 32 of 64 by l1", "grow 64 -> 96: 32 new by replicate". */
  detail: string;
}

export interface AxisSelection {
  layer: string;
  weight: number;
  axis: number;
  /** Target position -> source position (-1: new). */
  map: number[];
  /** Repeated positions are divided by their count (this axis reads replicated channels). */
  divide: boolean;
  fill: 'zeros' | 'target';
  /** From a group selection (true) or chosen for this layer alone (false). */
  coupled: boolean;
  detail: string;
  /** The layer cannot be made from the source: the Flatten in front of it changed its spatial size. */
  flattenChange?: string;
}

export interface ChannelSelection {
  groups: GroupSelection[];
  /** Only axes whose map is not the identity. */
  axes: AxisSelection[];
  /** How rules were applied (fallbacks): for reports. */
  notes: string[];
  /** Widths that change where graft cannot keep channels consistent: the result is likely wrong. */
  problems: string[];
}

export const axisSelectionKey = (layer: string, weight: number, axis: number): string =>
  `${layer}\u0000${weight}\u0000${axis}`;

export async function selectChannels(
  groups: ChannelGroups,
  options: SelectionOptions,
): Promise<ChannelSelection> {
  const notes: string[] = [];
  const problems: string[] = [];
  const layersById = new Map(options.target.layers.map((layer) => [layer.id, layer]));
  const labelOf = (group: number): string => groups.groups[group]?.label ?? `group ${group}`;

  const { facts, targetWidth, sourceWidth } = collectMemberFacts(groups, options.target, options.sourceOf);

  // 4. One map per group.
  const readPaired = cachedSourceReader(options.readSource);

  const factsOfGroup = new Map<number, MemberFacts[]>();
  for (const fact of facts) {
    for (const group of new Set(groupsIn(fact.space))) {
      const list = factsOfGroup.get(group) ?? [];
      list.push(fact);
      factsOfGroup.set(group, list);
    }
  }
  const scoring = { layersById, read: readPaired, sourceWidth };
  const groupSelections: GroupSelection[] = [];
  for (const group of groups.groups) {
    const tw = targetWidth(group.id);
    const sw = sourceWidth(group.id);
    const inGroup = factsOfGroup.get(group.id) ?? [];
    const producers = inGroup.filter((fact) => fact.member.role === 'producer');
    const head =
      group.terminal &&
      producers.length > 0 &&
      producers.every((fact) => layerChannelsOf(layersById.get(fact.member.layer)!).family === 'dense');
    const ruleHolder = (producers[0] ?? inGroup.find((f) => f.source) ?? inGroup[0])?.member.layer;
    const rules = ruleHolder
      ? options.rulesOf(ruleHolder)
      : { select: 'l1' as SelectRule, grow: 'zeros' as GrowRule };
    const base = { group: group.id, label: group.label, sourceWidth: sw, targetWidth: tw, head };
    if (tw === null || sw === null) {
      groupSelections.push({
        ...base,
        map: null,
        rule: null,
        fill: 'zeros',
        detail: 'no linked source weights',
      });
      continue;
    }
    if (tw === sw) {
      groupSelections.push({
        ...base,
        map: identityMap(tw),
        rule: 'same',
        fill: 'zeros',
        detail: `unchanged (${tw})`,
      });
      continue;
    }
    if (group.frozen) {
      problems.push(
        `channels ${group.label} (${sw} -> ${tw}) are joined in a way graft cannot keep consistent; each layer is adapted alone`,
      );
      groupSelections.push({
        ...base,
        map: null,
        rule: null,
        fill: 'zeros',
        detail: 'joined in a way graft cannot follow',
      });
      continue;
    }
    if (tw < sw) {
      let rule: SelectRule = head ? 'first' : rules.select;
      let scores: Float64Array | null = null;
      const fallbacks: string[] = [];
      if (rule === 'bn-gamma') {
        scores = await scoreGroup(group.id, rule, inGroup, sw, scoring);
        if (!scores && !options.readSource) {
          fallbacks.push('bn-gamma needs source values');
          rule = 'first';
        } else if (!scores) {
          fallbacks.push('no BatchNorm in the group for bn-gamma');
          rule = 'l1';
        }
      }
      if (rule === 'l1' || rule === 'l2') {
        scores = await scoreGroup(group.id, rule, inGroup, sw, scoring);
        if (!scores) {
          fallbacks.push(
            options.readSource ? `no source kernel to score ${rule} with` : `${rule} needs source values`,
          );
          rule = 'first';
        }
      }
      for (const fallback of fallbacks) notes.push(`${group.label}: ${fallback}; used ${rule}`);
      const kept = chooseChannels(rule, sw, tw, scores);
      const why = [head ? 'classifier head: classes kept in order' : '', ...fallbacks]
        .filter(Boolean)
        .join('; ');
      groupSelections.push({
        ...base,
        map: kept,
        rule,
        fill: 'zeros',
        detail: `keep ${tw} of ${sw} by ${rule}${why ? ` (${why})` : ''}`,
      });
      continue;
    }
    let grow: GrowRule = rules.grow;
    if (head && grow === 'replicate') grow = 'zeros';
    if (grow === 'replicate') {
      const pick = options.replicate?.pick ?? 'first';
      const extra = replicaSources(sw, tw - sw, pick, (options.replicate?.seed ?? 0) + group.id);
      groupSelections.push({
        ...base,
        map: [...identityMap(sw), ...extra],
        rule: 'replicate',
        fill: 'zeros',
        detail: `grow ${sw} -> ${tw}: ${tw - sw} new repeat ${pick === 'first' ? 'the first' : 'random'} source channels (Net2Net)`,
      });
    } else {
      groupSelections.push({
        ...base,
        map: leadingMap(sw, tw),
        rule: grow,
        fill: grow === 'target' ? 'target' : 'zeros',
        detail: `grow ${sw} -> ${tw}: ${tw - sw} new channels`,
      });
    }
  }

  // 5. Member axes: the group's map through the member's space, or a selection of its own.
  const groupMap = (group: number): number[] | null => groupSelections[group]?.map ?? null;
  const axes: AxisSelection[] = [];
  // Weights of one layer on the same channels (a BatchNorm's four) share a selection of their own.
  const ownKey = (fact: MemberFacts): string =>
    `${fact.member.layer}\u0000${fact.member.role}\u0000${JSON.stringify(fact.space)}`;
  const factsOfLayer = new Map<string, MemberFacts[]>();
  for (const fact of facts) {
    const list = factsOfLayer.get(fact.member.layer) ?? [];
    list.push(fact);
    factsOfLayer.set(fact.member.layer, list);
  }
  const ownSelections = new Map<
    string,
    Promise<{ map: number[]; detail: string; fill: 'zeros' | 'target' }>
  >();
  for (const fact of facts) {
    if (fact.sourceSize === null) continue;
    const { member } = fact;
    const base = { layer: member.layer, weight: member.weight, axis: member.axis };
    if (fact.flattenChange) {
      axes.push({
        ...base,
        map: leadingMap(fact.sourceSize, fact.targetSize),
        divide: false,
        fill: 'zeros',
        coupled: false,
        detail: fact.flattenChange,
        flattenChange: fact.flattenChange,
      });
      continue;
    }
    const spaceText =
      fact.space.kind === 'group'
        ? `group ${labelOf(fact.space.group)}`
        : fact.space.kind === 'expand' && fact.space.expand.factor === null
          ? `group ${describeSpace(fact.space.of, labelOf)} flattened over ${fact.flattenFactor ?? '?'} positions`
          : describeSpace(fact.space, labelOf);
    const map = fact.consistent
      ? resolveSpaceMap(fact.space, groupMap, sourceWidth, fact.flattenFactor)
      : null;
    if (map && map.length === fact.targetSize) {
      if (isIdentityMap(map, fact.sourceSize)) continue;
      const involved = groupsIn(fact.space).map((group) => groupSelections[group]);
      const changed = involved.filter((selection) => selection.rule !== 'same');
      const fill = changed.find((selection) => selection.fill === 'target') ? 'target' : 'zeros';
      axes.push({
        ...base,
        map,
        divide: member.role === 'consumer' && hasRepeats(map),
        fill,
        coupled: true,
        detail: `${changed.map((selection) => selection.detail).join('; ')} (${spaceText})`,
      });
      continue;
    }
    if (fact.sourceSize === fact.targetSize && !fact.consistent) {
      // Same size but not the group's channels (e.g. the source fed it from elsewhere): keep as is.
      continue;
    }
    const key = ownKey(fact);
    let pending = ownSelections.get(key);
    if (!pending) {
      pending = ownSelection(
        fact,
        (factsOfLayer.get(member.layer) ?? []).filter((other) => ownKey(other) === key),
      );
      ownSelections.set(key, pending);
    }
    const own = await pending;
    if (isIdentityMap(own.map, fact.sourceSize)) continue;
    axes.push({ ...base, map: own.map, divide: false, fill: own.fill, coupled: false, detail: own.detail });
  }

  async function ownSelection(
    fact: MemberFacts,
    siblings: MemberFacts[],
  ): Promise<{ map: number[]; detail: string; fill: 'zeros' | 'target' }> {
    const sourceSize = fact.sourceSize!;
    const targetSize = fact.targetSize;
    const rules = options.rulesOf(fact.member.layer);
    const groupText = describeSpace(fact.space, labelOf);
    const why = `chosen for this layer alone: its source axis has ${sourceSize}, channels ${groupText} do not match`;
    if (targetSize > sourceSize) {
      if (rules.grow === 'replicate') {
        const pick = options.replicate?.pick ?? 'first';
        const extra = replicaSources(sourceSize, targetSize - sourceSize, pick, options.replicate?.seed ?? 0);
        return {
          map: [...identityMap(sourceSize), ...extra],
          detail: `grow ${sourceSize} -> ${targetSize} by repeating source positions (${why})`,
          fill: 'zeros',
        };
      }
      return {
        map: leadingMap(sourceSize, targetSize),
        detail: `grow ${sourceSize} -> ${targetSize} (${why})`,
        fill: rules.grow === 'target' ? 'target' : 'zeros',
      };
    }
    let rule: SelectRule = rules.select;
    let scores: Float64Array | null = null;
    if (rule === 'bn-gamma') {
      const gamma = siblings.find((sibling) => {
        const layer = layersById.get(sibling.member.layer)!;
        return bareWeightName(layer.weights[sibling.member.weight]) === 'gamma';
      });
      if (gamma?.source && options.readSource) {
        const pending = readPaired(gamma.source);
        if (pending) scores = axisSums(await pending, gamma.member.axis, 'l1');
      }
      if (!scores) rule = 'l1';
    }
    if (rule === 'l1' || rule === 'l2') {
      const widest = [...siblings]
        .filter((s) => s.source?.values)
        .sort((a, b) => (b.source?.shape.length ?? 0) - (a.source?.shape.length ?? 0))[0];
      const pending = widest?.source ? readPaired(widest.source) : null;
      if (pending && widest) {
        const sums = axisSums(await pending, widest.member.axis, rule);
        scores = rule === 'l2' ? sums.map(Math.sqrt) : sums;
      } else {
        notes.push(`${fact.member.layer}: ${rule} needs source values; used first`);
        rule = 'first';
      }
    }
    const kept = chooseChannels(rule, sourceSize, targetSize, scores);
    return { map: kept, detail: `keep ${targetSize} of ${sourceSize} by ${rule} (${why})`, fill: 'zeros' };
  }

  return { groups: groupSelections, axes, notes: [...new Set(notes)], problems };
}
