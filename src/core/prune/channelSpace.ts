// A channel space says which channels one weight axis indexes, in terms of channel groups: a group
// directly, several groups side by side (Concatenate), or a group widened (Flatten: every position
// repeats the channels; depthwise multiplier: every channel repeats). Resolving it against the groups'
// selections gives that axis's map from target to source positions.

import type { Expansion } from '../adapt/axisRoles';

export type ChannelSpace =
  | { kind: 'group'; group: number }
  | { kind: 'concat'; parts: ChannelSpace[] }
  | { kind: 'expand'; expand: Expansion; of: ChannelSpace };

export function groupsIn(space: ChannelSpace): number[] {
  switch (space.kind) {
    case 'group':
      return [space.group];
    case 'concat':
      return space.parts.flatMap(groupsIn);
    case 'expand':
      return groupsIn(space.of);
  }
}

export function mapSpaceGroups(space: ChannelSpace, rename: (group: number) => number): ChannelSpace {
  switch (space.kind) {
    case 'group':
      return { kind: 'group', group: rename(space.group) };
    case 'concat':
      return { kind: 'concat', parts: space.parts.map((part) => mapSpaceGroups(part, rename)) };
    case 'expand':
      return { ...space, of: mapSpaceGroups(space.of, rename) };
  }
}

export function expandSpace(space: ChannelSpace, expand: Expansion | undefined): ChannelSpace {
  return expand ? { kind: 'expand', expand, of: space } : space;
}

/** Widths per group on one side (source or target); null when unknown. */
export type GroupWidths = (group: number) => number | null;

/**
 * Width of a space. `total` is the axis size it must come to, used to solve a Flatten's factor
 * (height x width) when the space is that expansion; returns null when it cannot be known.
 */
export function spaceWidth(space: ChannelSpace, widths: GroupWidths, total?: number): number | null {
  switch (space.kind) {
    case 'group':
      return widths(space.group);
    case 'concat': {
      let sum = 0;
      for (const part of space.parts) {
        const width = spaceWidth(part, widths);
        if (width === null) return null;
        sum += width;
      }
      return sum;
    }
    case 'expand': {
      const inner = spaceWidth(space.of, widths);
      if (inner === null) return null;
      const factor = space.expand.factor ?? solvedFactor(inner, total);
      return factor === null ? null : inner * factor;
    }
  }
}

function solvedFactor(inner: number, total: number | undefined): number | null {
  if (total === undefined || inner === 0 || total % inner !== 0) return null;
  return total / inner;
}

/** The factor an expansion has on one side, solving a Flatten's from the axis size. */
export function expansionFactor(
  space: Extract<ChannelSpace, { kind: 'expand' }>,
  widths: GroupWidths,
  total: number,
): number | null {
  const inner = spaceWidth(space.of, widths);
  if (inner === null) return null;
  return space.expand.factor ?? solvedFactor(inner, total);
}

/** Group channel maps: per group, for each target channel the source channel it takes (or -1). */
export type GroupMaps = (group: number) => number[] | null;

/**
 * The axis map of a space: target position -> source position (or -1), given each group's map and the
 * source widths. Expansions use the same factor on both sides (checked by the caller).
 */
export function resolveSpaceMap(
  space: ChannelSpace,
  maps: GroupMaps,
  sourceWidths: GroupWidths,
  flattenFactor: number | null,
): number[] | null {
  switch (space.kind) {
    case 'group':
      return maps(space.group);
    case 'concat': {
      const out: number[] = [];
      let offset = 0;
      for (const part of space.parts) {
        const map = resolveSpaceMap(part, maps, sourceWidths, null);
        const width = spaceWidth(part, sourceWidths);
        if (!map || width === null) return null;
        for (const source of map) out.push(source < 0 ? -1 : source + offset);
        offset += width;
      }
      return out;
    }
    case 'expand': {
      const inner = resolveSpaceMap(space.of, maps, sourceWidths, null);
      const innerSource = spaceWidth(space.of, sourceWidths);
      const factor = space.expand.factor ?? flattenFactor;
      if (!inner || innerSource === null || factor === null) return null;
      const out: number[] = [];
      if (space.expand.layout === 'inner') {
        for (let p = 0; p < factor; p++)
          for (const source of inner) out.push(source < 0 ? -1 : p * innerSource + source);
      } else {
        for (const source of inner)
          for (let m = 0; m < factor; m++) out.push(source < 0 ? -1 : source * factor + m);
      }
      return out;
    }
  }
}

/**
 * Which group channel a source position of a space belongs to (for scoring): the inverse of the layout.
 * Returns null for positions it cannot place.
 */
export function sourceChannelOf(
  space: ChannelSpace,
  position: number,
  sourceWidths: GroupWidths,
  total: number,
): { group: number; channel: number } | null {
  switch (space.kind) {
    case 'group':
      return { group: space.group, channel: position };
    case 'concat': {
      let offset = 0;
      for (const part of space.parts) {
        const width = spaceWidth(part, sourceWidths);
        if (width === null) return null;
        if (position < offset + width) return sourceChannelOf(part, position - offset, sourceWidths, width);
        offset += width;
      }
      return null;
    }
    case 'expand': {
      const inner = spaceWidth(space.of, sourceWidths);
      if (inner === null || inner === 0) return null;
      const factor = space.expand.factor ?? total / inner;
      const innerPosition =
        space.expand.layout === 'inner' ? position % inner : Math.floor(position / factor);
      return sourceChannelOf(space.of, innerPosition, sourceWidths, inner);
    }
  }
}

export function describeSpace(space: ChannelSpace, label: (group: number) => string): string {
  switch (space.kind) {
    case 'group':
      return label(space.group);
    case 'concat':
      return `concat(${space.parts.map((part) => describeSpace(part, label)).join(' + ')})`;
    case 'expand':
      return space.expand.layout === 'inner'
        ? `${space.expand.factor === null ? 'flatten' : `${space.expand.factor} blocks`} of ${describeSpace(space.of, label)}`
        : `${describeSpace(space.of, label)} x${space.expand.factor}`;
  }
}
