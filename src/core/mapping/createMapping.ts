import { MAPPING_VERSION, type Mapping } from '../../model';

/** An empty mapping: no links, no cuts, slicing by L1 norm, growing with zeros, unlinked layers keep their values. */
export function createMapping(): Mapping {
  return {
    version: MAPPING_VERSION,
    links: [],
    cuts: [],
    unlinked: [],
    defaults: { select: 'l1', grow: 'zeros', unlinked: 'keep' },
  };
}
