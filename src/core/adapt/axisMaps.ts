// An axis map says, for each target position along one axis, which source position it takes (-1: a new
// position, filled with zeros or the target's own values). Every shrink, grow, crop and replicate is one.

export type AxisMap = number[];

export function identityMap(size: number): AxisMap {
  return Array.from({ length: size }, (_, i) => i);
}

export function isIdentityMap(map: readonly number[], sourceSize: number): boolean {
  return map.length === sourceSize && map.every((source, i) => source === i);
}

/** Keeps the first positions; new ones at the end. */
export function leadingMap(sourceSize: number, targetSize: number): AxisMap {
  return Array.from({ length: targetSize }, (_, i) => (i < sourceSize ? i : -1));
}

/**
 * Spatial kernel size change: keeps the kernel centred (crop the middle of a larger source, or place a
 * smaller one in the middle); `corner` aligns the top-left instead. With an odd difference the extra
 * row goes after the centre, as Keras' 'same' padding does.
 */
export function spatialMap(sourceSize: number, targetSize: number, placement: 'center' | 'corner'): AxisMap {
  if (placement === 'corner') return leadingMap(sourceSize, targetSize);
  if (targetSize <= sourceSize) {
    const start = Math.floor((sourceSize - targetSize) / 2);
    return Array.from({ length: targetSize }, (_, i) => start + i);
  }
  const offset = Math.floor((targetSize - sourceSize) / 2);
  return Array.from({ length: targetSize }, (_, i) =>
    i >= offset && i < offset + sourceSize ? i - offset : -1,
  );
}

/** Net2Net widening: every source position once, then repeats of `extra` (chosen by the caller). */
export function replicateMap(sourceSize: number, extra: readonly number[]): AxisMap {
  return [...identityMap(sourceSize), ...extra];
}

/** Source positions repeated to fill `count` extra slots: cyclically from the first, or seeded-random. */
export function replicaSources(
  sourceSize: number,
  count: number,
  pick: 'first' | 'random',
  seed: number,
): number[] {
  if (sourceSize === 0) return [];
  if (pick === 'first') return Array.from({ length: count }, (_, i) => i % sourceSize);
  // mulberry32: small, seedable, good enough to spread the copies.
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.floor(next() * sourceSize));
}

export function sourcePositions(map: readonly number[]): number[] {
  return map.filter((source) => source >= 0);
}

export function hasNewPositions(map: readonly number[]): boolean {
  return map.some((source) => source < 0);
}

export function hasRepeats(map: readonly number[]): boolean {
  const seen = new Set<number>();
  for (const source of map) {
    if (source < 0) continue;
    if (seen.has(source)) return true;
    seen.add(source);
  }
  return false;
}
