import { describe, expect, it } from 'vitest';
import { autoMatch } from '../../src/core/match';
import { kerasAutoNames, longNetwork, weightedIds } from './kerasLikeModels';

describe('autoMatch at scale', () => {
  it('aligns two ~1,000-weighted-layer networks with every name changed and a middle cut', () => {
    // 525 blocks of conv + bn in the source; the target lacks blocks 200..224 (50 weighted layers)
    // and carries Keras auto-names, so nothing matches by name: one 1000 x 1050 alignment.
    const source = longNetwork(525);
    const kept = longNetwork(525, (k) => k >= 200 && k < 225);
    const { spec: target, renamed } = kerasAutoNames(kept);
    expect(weightedIds(target)).toHaveLength(1000);
    expect(weightedIds(source)).toHaveLength(1050);

    const start = performance.now();
    const result = autoMatch(source, target);
    const elapsed = performance.now() - start;
    console.log(
      `autoMatch 1000 x 1050 weighted layers: ${elapsed.toFixed(0)} ms (timing: npx tsx scripts/bench-align.ts)`,
    );

    const back = new Map([...renamed].map(([old, now]) => [now, old]));
    const right = result.mapping.links.filter((link) => back.get(link.target) === link.source).length;
    // Only the first layer after the cut is open to doubt (its input width changed with the cut).
    expect(right).toBeGreaterThanOrEqual(998);
    const cut = new Set(
      weightedIds(source).filter(
        (id) => Number(id.slice(1, id.indexOf('_'))) >= 200 && Number(id.slice(1, id.indexOf('_'))) < 225,
      ),
    );
    expect(result.mapping.links.filter((link) => cut.has(link.source)).length).toBeLessThanOrEqual(2);
  });
});
