import { STEM_BONUS, structuralScore } from './layerEvidence';
import { weightsSimilarity } from './shapeSimilarity';
import type { LayerSequence } from './layerSequence';

// Whether both layers are followed by the same kind of weightless layers. This is what places a cut
// when shapes cannot: the last conv before a head is followed by pooling and flatten, a block's last
// layer by pooling or an add, the layers inside a block only by an activation.
const CONTEXT = 1.25;

// Up to this many (target signature, source signature) combinations the structural scores live in a
// flat table (4 bytes each); beyond it, in a map.
const TABLE_LIMIT = 1 << 22;

/**
 * The alignment score of target layer i against source layer j (indices into the weighted sequences),
 * made cheap enough for the O(n·m) loop: everything is precomputed into typed arrays, and the costly
 * shape comparison runs once per pair of distinct layer signatures.
 */
export class PairScorer {
  private readonly table: Float32Array | null;
  private readonly map = new Map<number, number>();
  private readonly width: number;
  private readonly targetScopeTo: Int32Array;
  private readonly sourceScope: Int32Array;
  private readonly sourceScopeTaken: Uint8Array;

  constructor(
    private readonly t: LayerSequence,
    private readonly s: LayerSequence,
    scopes: Map<string, string>,
  ) {
    this.width = maxPlusOne(s.signature);
    const size = maxPlusOne(t.signature) * this.width;
    this.table = size <= TABLE_LIMIT ? new Float32Array(size).fill(Number.NaN) : null;

    const ids = new Map<string, number>();
    const id = (scope: string) => {
      if (!ids.has(scope)) ids.set(scope, ids.size);
      return ids.get(scope)!;
    };
    const taken = new Set([...scopes.values()].map(id));
    this.sourceScope = Int32Array.from(s.scope, id);
    this.sourceScopeTaken = Uint8Array.from(this.sourceScope, (scope) => (taken.has(scope) ? 1 : 0));
    this.targetScopeTo = Int32Array.from(t.scope, (scope) => {
      const paired = scopes.get(scope);
      return paired === undefined ? -1 : id(paired);
    });
  }

  /** Layers in corresponding model levels, or both in levels nothing corresponds to. */
  allowed(i: number, j: number): boolean {
    const to = this.targetScopeTo[i];
    return to >= 0 ? to === this.sourceScope[j] : this.sourceScopeTaken[j] === 0;
  }

  structural(i: number, j: number): number {
    const key = this.t.signature[i] * this.width + this.s.signature[j];
    const table = this.table;
    if (table) {
      let value = table[key];
      if (Number.isNaN(value)) {
        value = this.computeStructural(i, j);
        table[key] = value;
      }
      return value;
    }
    let value = this.map.get(key);
    if (value === undefined) {
      value = this.computeStructural(i, j);
      this.map.set(key, value);
    }
    return value;
  }

  // Same result as structuralScore(compareLayers(...)) from the precomputed ids; the cache above
  // rarely helps on networks whose widths all differ, so this runs for most cells.
  private computeStructural(i: number, j: number): number {
    const t = this.t;
    const s = this.s;
    const compatible = t.ranksId[i] === s.ranksId[j];
    const tc = t.classId[i];
    const sc = s.classId[j];
    return structuralScore({
      compatible,
      classRelation: tc < 0 || sc < 0 ? 'unknown' : tc === sc ? 'same' : 'different',
      similarity: compatible ? weightsSimilarity(t.layers[i].weights, s.layers[j].weights) : 0,
      sameWeightNames: t.weightNamesId[i] === s.weightNamesId[j],
    });
  }

  /** -Infinity across model levels that do not correspond. */
  score(i: number, j: number): number {
    if (!this.allowed(i, j)) return -Infinity;
    const t = this.t;
    const s = this.s;
    const known = t.followedBy[i] >= 0 && s.followedBy[j] >= 0;
    const sameContext = known ? t.followedBy[i] === s.followedBy[j] : t.followCount[i] === s.followCount[j];
    return (
      this.structural(i, j) + (t.stem[i] === s.stem[j] ? STEM_BONUS : 0) + (sameContext ? CONTEXT : -CONTEXT)
    );
  }
}

function maxPlusOne(values: Int32Array): number {
  let max = -1;
  for (const v of values) if (v > max) max = v;
  return max + 1;
}
