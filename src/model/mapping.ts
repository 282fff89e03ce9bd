// The mapping: which source layer feeds which target layer, and how shape mismatches are resolved.
// A versioned, serialisable document (the CLI's `-o M.json`, the app's saved state); every edit is a
// `MappingChange` applied by a pure function in src/core.

export const MAPPING_VERSION = 1;

export type LinkOrigin = 'auto:name' | 'auto:align' | 'manual';

/** How a shrunken axis chooses the channels it keeps. */
export type SelectRule = 'l1' | 'l2' | 'bn-gamma' | 'first' | 'uniform';

/** How a grown axis fills the positions the source does not have. */
export type GrowRule = 'zeros' | 'target' | 'replicate';

/** What a target layer without a link gets. */
export type UnlinkedPolicy = 'keep' | 'zeros';

/** Per-link choices that override the mapping-wide defaults. */
export interface AdapterChoice {
  select?: SelectRule;
  grow?: GrowRule;
  /** Spatial kernel size change: crop the centre / pad around it (default) or take the top-left corner. */
  spatial?: 'center' | 'corner';
  /** Classifier head with a different number of classes: take the first k, or keep the target's own. */
  head?: 'first' | 'target';
  /** Allow a plain reshape when only the element count agrees (Keras 2.2 `reshape=True`). */
  reshape?: boolean;
}

export interface Link {
  /** Target layer id (`LayerSpec.id`). */
  target: string;
  /** Source layer id. */
  source: string;
  origin: LinkOrigin;
  /** 0..1: how sure the matcher is (1 for manual links). */
  confidence: number;
  /** A locked link is never replaced or removed by the automatic matcher. */
  locked: boolean;
  adapter?: AdapterChoice;
}

/** A source range deliberately left unused (a cut-out block); ids of its first and last layer, inclusive. */
export interface Cut {
  from: string;
  to: string;
}

export interface Mapping {
  version: typeof MAPPING_VERSION;
  links: Link[];
  cuts: Cut[];
  /** Target layers explicitly left without a source even though the matcher could find one. */
  unlinked: string[];
  defaults: {
    select: SelectRule;
    grow: GrowRule;
    unlinked: UnlinkedPolicy;
  };
}

export type MappingChange =
  | { kind: 'connect'; target: string; source: string; lock?: boolean }
  | { kind: 'disconnect'; target: string }
  | { kind: 'cut-range'; from: string; to: string }
  | { kind: 'uncut'; from: string; to: string }
  | { kind: 'set-adapter'; target: string; adapter: AdapterChoice }
  | { kind: 'lock'; target: string; locked: boolean }
  | { kind: 'set-defaults'; defaults: Partial<Mapping['defaults']> }
  /** Re-run automatic matching; the matcher's result arrives precomputed so the change stays pure. */
  | { kind: 'realign'; links: Link[] };
