import { describe, expect, it } from 'vitest';
import {
  applyChange,
  createMapping,
  parseMapping,
  serializeMapping,
  validateMapping,
} from '../../src/core/mapping';
import { GraftError, type Mapping } from '../../src/model';
import { conv, dense, model, plain } from './kerasLikeModels';

const source = model([
  plain('in', 'InputLayer'),
  conv('s1', 3, 3, 8),
  conv('s2', 3, 8, 8),
  conv('s3', 3, 8, 16),
  dense('s4', 16, 4),
]);
const target = model([
  plain('in', 'InputLayer'),
  conv('t1', 3, 3, 8),
  conv('t2', 3, 8, 16),
  dense('t3', 16, 4),
]);
const ctx = { source, target };

function edited(): Mapping {
  let m = createMapping();
  m = applyChange(m, { kind: 'connect', target: 't1', source: 's1', lock: true }, ctx);
  m = applyChange(
    m,
    {
      kind: 'realign',
      links: [{ target: 't2', source: 's3', origin: 'auto:align', confidence: 0.875, locked: false }],
    },
    ctx,
  );
  m = applyChange(
    m,
    { kind: 'set-adapter', target: 't2', adapter: { spatial: 'corner', select: 'l2' } },
    ctx,
  );
  m = applyChange(m, { kind: 'cut-range', from: 's2', to: 's2' }, ctx);
  m = applyChange(m, { kind: 'disconnect', target: 't3' }, ctx);
  return applyChange(m, { kind: 'set-defaults', defaults: { grow: 'replicate' } });
}

function parseError(text: string, models?: { source: typeof source; target: typeof target }): GraftError {
  try {
    parseMapping(text, models);
  } catch (error) {
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).code).toBe('mapping');
    return error as GraftError;
  }
  throw new Error('expected parseMapping to fail');
}

describe('serializeMapping / parseMapping', () => {
  it('round-trips an edited mapping exactly', () => {
    const m = edited();
    expect(parseMapping(serializeMapping(m))).toEqual(m);
  });

  it('writes pretty JSON with version first and a fixed key order', () => {
    const text = serializeMapping(edited());
    expect(text.startsWith('{\n  "version": 1,\n  "defaults": {')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    const link = JSON.parse(text).links[1];
    expect(Object.keys(link)).toEqual(['target', 'source', 'origin', 'confidence', 'locked', 'adapter']);
    // Adapter keys in schema order, whatever order they were given in.
    expect(Object.keys(link.adapter)).toEqual(['select', 'spatial']);
    // The same mapping built in another key order serializes to the same text.
    const m = edited();
    const shuffled: Mapping = JSON.parse(
      JSON.stringify({
        unlinked: m.unlinked,
        cuts: m.cuts,
        links: m.links,
        defaults: m.defaults,
        version: m.version,
      }),
    );
    expect(serializeMapping(shuffled)).toBe(text);
  });

  it('migrates version 0: an object of target -> source', () => {
    const m = parseMapping('{"links": {"t1": "s1", "t2": "s3"}}');
    expect(m.version).toBe(1);
    expect(m.links).toEqual([
      { target: 't1', source: 's1', origin: 'manual', confidence: 1, locked: true },
      { target: 't2', source: 's3', origin: 'manual', confidence: 1, locked: true },
    ]);
    expect(m.defaults).toEqual(createMapping().defaults);
  });

  it('migrates version 0: a list of [target, source] pairs, bare or under "links", with optional cuts', () => {
    expect(parseMapping('[["t1", "s1"]]').links.map((l) => [l.target, l.source])).toEqual([['t1', 's1']]);
    const m = parseMapping(
      '{"links": [["t2", "s3"]], "cuts": [{"from": "s2", "to": "s2"}], "defaults": {"select": "first"}}',
    );
    expect(m.links.map((l) => [l.target, l.source])).toEqual([['t2', 's3']]);
    expect(m.cuts).toEqual([{ from: 's2', to: 's2' }]);
    expect(m.defaults).toEqual({ select: 'first', grow: 'zeros', unlinked: 'keep' });
  });

  it('rejects malformed version 0 entries, naming the entry', () => {
    expect(parseError('[["t1", "s1"], ["t2"]]').message).toMatch(/mapping\[1\] is \["t2"\]; expected a pair/);
    expect(parseError('{"links": {"t1": 3}}').message).toMatch(/mapping\.links\["t1"\] is 3/);
    expect(parseError('{"cuts": []}').message).toMatch(/no "version" and no "links"/);
  });

  it('rejects other versions', () => {
    expect(parseError('{"version": 2, "links": []}').message).toMatch(/mapping\.version is 2; .*newer Graft/);
    expect(parseError('{"version": "1", "links": []}').message).toMatch(/mapping\.version is "1"/);
  });

  it('names the missing or wrong field', () => {
    const good = JSON.parse(serializeMapping(edited()));
    const broken = (edit: (doc: Record<string, unknown>) => void) => {
      const doc = structuredClone(good);
      edit(doc);
      return parseError(JSON.stringify(doc)).message;
    };
    expect(broken((d) => delete d.links)).toMatch(/mapping\.links is missing; expected a list/);
    expect(broken((d) => delete d.defaults)).toMatch(/mapping\.defaults must be an object, got missing/);
    expect(broken((d) => delete (d.links as Record<string, unknown>[])[1].source)).toMatch(
      /mapping\.links\[1\]\.source is missing/,
    );
    expect(broken((d) => ((d.links as Record<string, unknown>[])[0].origin = 'guess'))).toMatch(
      /links\[0\]\.origin is "guess"; expected one of/,
    );
    expect(broken((d) => ((d.links as Record<string, unknown>[])[0].confidence = 1.5))).toMatch(
      /links\[0\]\.confidence is 1\.5/,
    );
    expect(broken((d) => ((d.links as Record<string, unknown>[])[0].locked = 'yes'))).toMatch(
      /links\[0\]\.locked is "yes"/,
    );
    expect(broken((d) => ((d.links as Record<string, unknown>[])[1].adapter = { spatial: 'left' }))).toMatch(
      /links\[1\]\.adapter\.spatial is "left"/,
    );
    expect(broken((d) => ((d.links as Record<string, unknown>[])[1].adapter = { colour: 1 }))).toMatch(
      /unknown field 'colour'/,
    );
    expect(broken((d) => (d.links as unknown[]).push({ ...(d.links as object[])[0] }))).toMatch(
      /links\[2\]: target 't1' is already linked in mapping\.links\[0\]/,
    );
    expect(broken((d) => ((d.cuts as unknown[])[0] = { from: 's2' }))).toMatch(
      /mapping\.cuts\[0\]\.to is missing/,
    );
    expect(broken((d) => (d.unlinked = 't3'))).toMatch(/mapping\.unlinked is "t3"; expected a list/);
    expect(broken((d) => ((d.defaults as Record<string, unknown>).unlinked = 'drop'))).toMatch(
      /mapping\.defaults\.unlinked is "drop"/,
    );
  });

  it('says so when the text is not JSON', () => {
    expect(parseError('{"links": ').message).toMatch(/not valid JSON/);
  });

  it('with the models, refuses a link to a missing layer and names it', () => {
    const message = parseError('{"links": {"t1": "s1", "t9": "s2"}}', ctx).message;
    expect(message).toMatch(/link s2 -> t9: the target model has no layer 't9'/);
    expect(parseMapping('{"links": {"t1": "s1"}}', ctx).links).toHaveLength(1);
  });
});

describe('validateMapping', () => {
  it('finds nothing wrong in a mapping made with applyChange', () => {
    expect(validateMapping(edited(), source, target)).toEqual([]);
  });

  it('reports every problem with what to do', () => {
    const m: Mapping = {
      ...createMapping(),
      links: [
        { target: 't1', source: 's1', origin: 'manual', confidence: 1, locked: false },
        { target: 't2', source: 's1', origin: 'auto:align', confidence: 0.5, locked: false },
        { target: 't3', source: 's2', origin: 'auto:align', confidence: 0.5, locked: false },
        { target: 'gone', source: 'missing', origin: 'manual', confidence: 1, locked: false },
        { target: 'in', source: 's4', origin: 'manual', confidence: 1, locked: false },
      ],
      cuts: [
        { from: 's2', to: 's3' },
        { from: 's9', to: 's3' },
      ],
      unlinked: ['t3', 'nowhere'],
    };
    const problems = validateMapping(m, source, target);
    expect(problems).toEqual([
      "cut s9..s3: the source has no layer 's9'; remove the cut or pick a source layer that exists",
      "link s2 -> t3: source 's2' is inside the cut s2..s3; uncut the range or connect another source layer",
      "link missing -> gone: the target model has no layer 'gone'; remove the link or connect an existing target layer",
      "link missing -> gone: the source model has no layer 'missing'; remove the link or connect an existing source layer",
      "link s4 -> in: target 'in' has no weights, so the link moves nothing; remove it",
      "source 's1' is linked to 2 targets (t1, t2); a source feeds one target, so disconnect all but one",
      "unlinked 't3' also has a link; disconnect it or remove it from the unlinked list",
      "unlinked 'nowhere': the target model has no such layer; remove it from the unlinked list",
    ]);
  });

  it('reports a weightless source feeding a weighted target', () => {
    const m: Mapping = {
      ...createMapping(),
      links: [{ target: 't1', source: 'in', origin: 'manual', confidence: 1, locked: false }],
    };
    expect(validateMapping(m, source, target)).toEqual([
      "link in -> t1: source 'in' has no weights to give; connect a source layer with weights",
    ]);
  });
});
