import { describe, expect, it } from 'vitest';
import { applyChange, createMapping } from '../../src/core/mapping';
import { GraftError, type Mapping, type MappingChange } from '../../src/model';
import { conv, dense, model, nested, plain } from './kerasLikeModels';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const source = model([
  plain('in', 'InputLayer'),
  conv('s1', 3, 3, 8),
  conv('s2', 3, 8, 8),
  plain('pool', 'MaxPooling2D'),
  conv('s3', 3, 8, 16),
  ...nested('sub', 'Functional', [conv('inner1', 1, 16, 16), conv('inner2', 1, 16, 16)]),
  dense('s4', 16, 4),
]);
const target = model([
  plain('in', 'InputLayer'),
  conv('t1', 3, 3, 8),
  conv('t2', 3, 8, 16),
  dense('t3', 16, 4),
]);
const ctx = { source, target };

function withLinks(): Mapping {
  let m = createMapping();
  m = applyChange(m, { kind: 'connect', target: 't1', source: 's1' }, ctx);
  m = applyChange(m, { kind: 'connect', target: 't2', source: 's3' }, ctx);
  return deepFreeze(m);
}

function expectGraftError(run: () => unknown, pattern: RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).code).toBe('mapping');
    expect((error as GraftError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a GraftError');
}

describe('createMapping', () => {
  it('starts empty with the documented defaults', () => {
    expect(createMapping()).toEqual({
      version: 1,
      links: [],
      cuts: [],
      unlinked: [],
      defaults: { select: 'l1', grow: 'zeros', unlinked: 'keep' },
    });
  });
});

describe('applyChange', () => {
  it('never modifies its input (deep-frozen) and returns fresh arrays', () => {
    const base = withLinks();
    const snapshot = JSON.stringify(base);
    const changes: MappingChange[] = [
      { kind: 'connect', target: 't3', source: 's4', lock: true },
      { kind: 'disconnect', target: 't1' },
      { kind: 'cut-range', from: 's2', to: 's3' },
      { kind: 'set-adapter', target: 't1', adapter: { select: 'l2' } },
      { kind: 'lock', target: 't1', locked: true },
      { kind: 'set-defaults', defaults: { grow: 'replicate' } },
      { kind: 'realign', links: [] },
    ];
    for (const change of changes) {
      const next = applyChange(base, change, ctx);
      expect(next).not.toBe(base);
      expect(next.links).not.toBe(base.links);
      expect(next.cuts).not.toBe(base.cuts);
      expect(next.unlinked).not.toBe(base.unlinked);
      expect(next.defaults).not.toBe(base.defaults);
    }
    const cut = deepFreeze(applyChange(base, { kind: 'cut-range', from: 's2', to: 's2' }, ctx));
    applyChange(cut, { kind: 'uncut', from: 's2', to: 's2' });
    expect(JSON.stringify(base)).toBe(snapshot);
  });

  it('connect makes a manual link with confidence 1, locked only when asked', () => {
    const m = applyChange(createMapping(), { kind: 'connect', target: 't3', source: 's4', lock: true }, ctx);
    expect(m.links).toEqual([{ target: 't3', source: 's4', origin: 'manual', confidence: 1, locked: true }]);
    expect(withLinks().links[0].locked).toBe(false);
  });

  it('connect replaces the link on that target in place and keeps its adapter', () => {
    let m = applyChange(withLinks(), { kind: 'set-adapter', target: 't1', adapter: { grow: 'target' } }, ctx);
    m = applyChange(m, { kind: 'connect', target: 't1', source: 's2' }, ctx);
    expect(m.links.map((l) => [l.target, l.source])).toEqual([
      ['t1', 's2'],
      ['t2', 's3'],
    ]);
    expect(m.links[0].adapter).toEqual({ grow: 'target' });
  });

  it('connect takes a source away from the target it fed (one-to-one)', () => {
    const m = applyChange(withLinks(), { kind: 'connect', target: 't3', source: 's1' }, ctx);
    expect(m.links.map((l) => [l.target, l.source])).toEqual([
      ['t2', 's3'],
      ['t3', 's1'],
    ]);
  });

  it('connect clears an earlier disconnect of that target', () => {
    let m = applyChange(withLinks(), { kind: 'disconnect', target: 't1' }, ctx);
    m = applyChange(m, { kind: 'connect', target: 't1', source: 's1' }, ctx);
    expect(m.unlinked).toEqual([]);
  });

  it('connect refuses unknown layers and sources inside a cut, naming them', () => {
    expectGraftError(
      () => applyChange(createMapping(), { kind: 'connect', target: 'nope', source: 's1' }, ctx),
      /target model has no layer 'nope'/,
    );
    expectGraftError(
      () => applyChange(createMapping(), { kind: 'connect', target: 't1', source: 'gone' }, ctx),
      /source model has no layer 'gone'/,
    );
    const cut = applyChange(createMapping(), { kind: 'cut-range', from: 's2', to: 's3' }, ctx);
    expectGraftError(
      () => applyChange(cut, { kind: 'connect', target: 't1', source: 's2' }, ctx),
      /inside the cut s2\.\.s3; uncut/,
    );
  });

  it('disconnect removes the link and remembers the target, once', () => {
    let m = applyChange(withLinks(), { kind: 'disconnect', target: 't1' }, ctx);
    m = applyChange(m, { kind: 'disconnect', target: 't1' }, ctx);
    expect(m.links.map((l) => l.target)).toEqual(['t2']);
    expect(m.unlinked).toEqual(['t1']);
  });

  it('cut-range adds the cut in source order and drops links from inside it', () => {
    const m = applyChange(withLinks(), { kind: 'cut-range', from: 's3', to: 's2' }, ctx);
    expect(m.cuts).toEqual([{ from: 's2', to: 's3' }]);
    expect(m.links.map((l) => l.source)).toEqual(['s1']);
    expect(m.unlinked).toEqual([]);
    // The same cut twice is one cut.
    expect(applyChange(m, { kind: 'cut-range', from: 's2', to: 's3' }, ctx).cuts).toHaveLength(1);
  });

  it('a cut ending on a nested model covers its inner layers', () => {
    let m = applyChange(createMapping(), { kind: 'connect', target: 't2', source: 'sub/inner2' }, ctx);
    m = applyChange(m, { kind: 'cut-range', from: 's3', to: 'sub' }, ctx);
    expect(m.links).toEqual([]);
  });

  it('cut-range needs the source model and existing layers', () => {
    expectGraftError(
      () => applyChange(createMapping(), { kind: 'cut-range', from: 's2', to: 's3' }),
      /source model is needed/,
    );
    expectGraftError(
      () => applyChange(createMapping(), { kind: 'cut-range', from: 's2', to: 'zz' }, ctx),
      /no layer 'zz'/,
    );
  });

  it('uncut removes the cut (either direction) and refuses an unknown one', () => {
    const m = applyChange(createMapping(), { kind: 'cut-range', from: 's2', to: 's3' }, ctx);
    expect(applyChange(m, { kind: 'uncut', from: 's3', to: 's2' }).cuts).toEqual([]);
    expectGraftError(
      () => applyChange(m, { kind: 'uncut', from: 's1', to: 's2' }),
      /no cut s1\.\.s2 \(cuts: s2\.\.s3\)/,
    );
  });

  it('set-adapter sets, replaces and clears the per-link choice', () => {
    let m = applyChange(withLinks(), {
      kind: 'set-adapter',
      target: 't2',
      adapter: { select: 'bn-gamma', spatial: 'corner' },
    });
    expect(m.links[1].adapter).toEqual({ select: 'bn-gamma', spatial: 'corner' });
    m = applyChange(m, { kind: 'set-adapter', target: 't2', adapter: { head: 'first' } });
    expect(m.links[1].adapter).toEqual({ head: 'first' });
    m = applyChange(m, { kind: 'set-adapter', target: 't2', adapter: {} });
    expect('adapter' in m.links[1]).toBe(false);
  });

  it('set-adapter refuses a target without link and values outside the vocabulary', () => {
    expectGraftError(
      () => applyChange(withLinks(), { kind: 'set-adapter', target: 't3', adapter: {} }),
      /target 't3' has no link; connect it/,
    );
    const bad = {
      kind: 'set-adapter',
      target: 't1',
      adapter: { select: 'largest' },
    } as unknown as MappingChange;
    expectGraftError(
      () => applyChange(withLinks(), bad),
      /adapter\.select is "largest"; expected one of 'l1', 'l2'/,
    );
  });

  it('lock and unlock a link', () => {
    const locked = applyChange(withLinks(), { kind: 'lock', target: 't2', locked: true });
    expect(locked.links.map((l) => l.locked)).toEqual([false, true]);
    expect(applyChange(locked, { kind: 'lock', target: 't2', locked: false }).links[1].locked).toBe(false);
    expectGraftError(() => applyChange(withLinks(), { kind: 'lock', target: 't3', locked: true }), /no link/);
  });

  it('set-defaults merges and checks values', () => {
    const m = applyChange(createMapping(), { kind: 'set-defaults', defaults: { unlinked: 'zeros' } });
    expect(m.defaults).toEqual({ select: 'l1', grow: 'zeros', unlinked: 'zeros' });
    const bad = { kind: 'set-defaults', defaults: { grow: 'noise' } } as unknown as MappingChange;
    expectGraftError(() => applyChange(createMapping(), bad), /defaults\.grow is "noise"/);
  });

  it('realign replaces unlocked links, keeps locks and drops links into cuts or unlinked targets', () => {
    let m = applyChange(createMapping(), { kind: 'connect', target: 't1', source: 's1', lock: true }, ctx);
    m = applyChange(m, { kind: 'connect', target: 't2', source: 's3' }, ctx);
    m = applyChange(m, { kind: 'cut-range', from: 's2', to: 's2' }, ctx);
    m = applyChange(m, { kind: 'disconnect', target: 't3' }, ctx);
    const proposed = (t: string, s: string) => ({
      target: t,
      source: s,
      origin: 'auto:align' as const,
      confidence: 0.7,
      locked: false,
    });
    const next = applyChange(
      deepFreeze(m),
      {
        kind: 'realign',
        links: [proposed('t1', 's4'), proposed('t2', 's2'), proposed('t3', 's4'), proposed('t2', 's1')],
      },
      ctx,
    );
    // t1 stays locked to s1; t2's old link is gone and its proposals hit a cut and a locked source;
    // t3 was disconnected.
    expect(next.links).toEqual([
      { target: 't1', source: 's1', origin: 'manual', confidence: 1, locked: true },
    ]);
    const ok = applyChange(m, { kind: 'realign', links: [proposed('t2', 's4')] }, ctx);
    expect(ok.links.map((l) => [l.target, l.source])).toEqual([
      ['t1', 's1'],
      ['t2', 's4'],
    ]);
  });

  it('realign on a mapping with cuts needs the source model', () => {
    const m = applyChange(createMapping(), { kind: 'cut-range', from: 's2', to: 's2' }, ctx);
    expectGraftError(
      () => applyChange(m, { kind: 'realign', links: [] }),
      /needed to keep links out of them/,
    );
  });

  it('rejects an unknown change kind', () => {
    expectGraftError(
      () => applyChange(createMapping(), { kind: 'explode' } as unknown as MappingChange),
      /unknown mapping change 'explode'/,
    );
  });
});

describe('realign keeps what the user chose', () => {
  it('an adapter on a non-locked link survives when the matcher proposes the same pair', () => {
    const start = {
      ...createMapping(),
      links: [
        {
          target: 't1',
          source: 's1',
          origin: 'auto:align' as const,
          confidence: 0.8,
          locked: false,
          adapter: { select: 'l2' as const },
        },
      ],
    };
    const next = applyChange(start, {
      kind: 'realign',
      links: [
        { target: 't1', source: 's1', origin: 'auto:align', confidence: 0.9, locked: false },
        { target: 't2', source: 's2', origin: 'auto:align', confidence: 0.9, locked: false },
      ],
    });
    expect(next.links.find((l) => l.target === 't1')?.adapter).toEqual({ select: 'l2' });
    expect(next.links.find((l) => l.target === 't2')?.adapter).toBeUndefined();
    const moved = applyChange(start, {
      kind: 'realign',
      links: [{ target: 't1', source: 's9', origin: 'auto:align', confidence: 0.9, locked: false }],
    });
    expect(moved.links[0].adapter).toBeUndefined();
  });
});
