import { describe, expect, it } from 'vitest';
import type { LayerPlan, TransferPlan, WeightPlan, WeightStatus } from '../model';
import { exportBlocker, layerProblem, layerStatus, summarisePlan } from './linkStatus';

function weight(status: WeightStatus, problem?: string): WeightPlan {
  return {
    targetLayer: 't',
    weight: 'kernel',
    targetShape: [2],
    sourceLayer: status === 'kept-initial' ? null : 's',
    sourceWeight: 'kernel',
    sourceShape: [2],
    status,
    steps: [],
    expr: { op: 'zeros', shape: [2], dtype: 'float32' },
    ...(problem ? { problem } : {}),
  };
}

function layer(target: string, source: string | null, statuses: WeightStatus[], problem?: string): LayerPlan {
  return {
    target,
    source,
    origin: source ? 'manual' : null,
    confidence: 1,
    weights: statuses.map((s) => weight(s)),
    ...(problem ? { problem } : {}),
  };
}

function plan(layers: LayerPlan[], problems: string[] = []): TransferPlan {
  const counts = Object.fromEntries(
    [
      'copied',
      'reshaped',
      'converted',
      'sliced',
      'padded',
      'adapted',
      'kept-initial',
      'zeroed',
      'missing',
    ].map((s) => [s, 0]),
  ) as Record<WeightStatus, number>;
  return { layers, coverage: 0.5, counts, unmatched: [], unusedSource: [], problems };
}

describe('link status', () => {
  it('tells exact, adapted, problem and unmatched apart', () => {
    expect(layerStatus(layer('a', 's', ['copied', 'copied']))).toBe('exact');
    expect(layerStatus(layer('a', 's', ['copied', 'sliced']))).toBe('adapted');
    expect(layerStatus(layer('a', 's', ['converted']))).toBe('adapted');
    expect(layerStatus(layer('a', null, ['kept-initial']))).toBe('unmatched');
    expect(layerStatus(layer('a', null, ['missing']))).toBe('problem');
    expect(layerStatus(layer('a', 's', ['copied'], 'no adapter fits'))).toBe('problem');
    // A classifier head kept by choice is the planner's call, not a fault.
    expect(layerStatus(layer('a', 's', ['kept-initial', 'kept-initial']))).toBe('adapted');
    expect(layerProblem(layer('a', 's', ['sliced']))).toBeNull();
    expect(
      layerProblem({
        ...layer('a', 's', ['copied'], '4 weights vs 2'),
        weights: [weight('sliced', 'ranks differ')],
      }),
    ).toBe('4 weights vs 2; ranks differ');
    expect(layerStatus({ ...layer('a', 's', []), weights: [weight('sliced', 'cannot slice')] })).toBe(
      'problem',
    );
  });

  it('counts weighted layers per status and tensors taken from the source', () => {
    const summary = summarisePlan(
      plan([
        layer('a', 's', ['copied', 'copied']),
        layer('b', 's', ['sliced', 'copied']),
        layer('c', null, ['kept-initial']),
        layer('relu', null, []),
      ]),
    );
    expect(summary.layers).toEqual({ exact: 1, adapted: 1, problem: 0, unmatched: 1 });
    expect(summary.tensors).toBe(5);
    expect(summary.tensorsFromSource).toBe(4);
  });

  it('refuses export while a link has a problem, and says which', () => {
    expect(exportBlocker(null, false, null)).toMatch(/still being computed/);
    expect(exportBlocker(plan([layer('a', 's', ['copied'])]), true, null)).toMatch(/still being computed/);
    expect(exportBlocker(null, false, 'bad mapping')).toMatch(/bad mapping/);
    const broken = plan([
      layer('a', 's', ['copied']),
      layer('fc1', 's', ['copied'], 'kernel (4, 5) cannot come from (3, 3)'),
      layer('x', null, ['missing']),
    ]);
    expect(exportBlocker(broken, false, null)).toMatch(
      /^fc1: kernel \(4, 5\) cannot come from \(3, 3\) \(and 1 more\)/,
    );
    expect(
      exportBlocker(plan([layer('a', 's', ['copied']), layer('c', null, ['kept-initial'])]), false, null),
    ).toBeNull();
  });
});
