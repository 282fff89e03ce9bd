import { describe, expect, it } from 'vitest';
import { applyChange, createMapping } from '../../src/core/mapping';
import { LOW_CONFIDENCE, autoMatch } from '../../src/core/match';
import type { LayerSpec, Mapping, ModelSpec } from '../../src/model';
import {
  bn,
  conv,
  dense,
  kerasAutoNames,
  layer,
  mobileNetV2,
  model,
  nested,
  plain,
  resMini,
  vggMini,
  weight,
  weightedIds,
  withoutClasses,
} from './kerasLikeModels';

const linkOf = (mapping: Mapping, target: string) => mapping.links.find((l) => l.target === target);
const sourcesOf = (mapping: Mapping) => Object.fromEntries(mapping.links.map((l) => [l.target, l.source]));

/** A plain conv/bn/relu chain whose blocks have distinct widths, so every layer's place is knowable. */
function chain(blocks: { name: string; convs: number; filters: number }[], inputChannels = 3): ModelSpec {
  const layers: LayerSpec[] = [plain('input', 'InputLayer')];
  let channels = inputChannels;
  for (const block of blocks) {
    for (let c = 1; c <= block.convs; c++) {
      layers.push(
        conv(`${block.name}_conv${c}`, 3, channels, block.filters),
        bn(`${block.name}_bn${c}`, block.filters),
      );
      layers.push(plain(`${block.name}_relu${c}`, 'ReLU'));
      channels = block.filters;
    }
    layers.push(plain(`${block.name}_pool`, 'MaxPooling2D'));
  }
  return model(layers);
}

const BLOCKS = [
  { name: 'a', convs: 2, filters: 16 },
  { name: 'b', convs: 2, filters: 24 },
  { name: 'c', convs: 3, filters: 40 },
  { name: 'd', convs: 3, filters: 56 },
  { name: 'e', convs: 2, filters: 72 },
];

/** Source = chain(BLOCKS); target = the same chain without `removed`, every layer renamed by Keras. */
function cutAndRename(removed: string[]) {
  const source = chain(BLOCKS);
  const kept = chain(BLOCKS.filter((b) => !removed.includes(b.name)));
  const { spec: target, renamed } = kerasAutoNames(kept);
  const truth = new Map(
    [...renamed].filter(([old]) => kept.layers.find((l) => l.id === old)!.weights.length > 0),
  );
  return { source, target, truth };
}

function expectTruth(mapping: Mapping, truth: Map<string, string>) {
  const expected = Object.fromEntries([...truth].map(([old, now]) => [now, old]));
  expect(sourcesOf(mapping)).toEqual(expected);
}

describe('autoMatch: alignment when every layer was renamed', () => {
  it('lines up the layers after a block cut out of the middle', () => {
    const { source, target, truth } = cutAndRename(['c']);
    const result = autoMatch(source, target);
    expectTruth(result.mapping, truth);
    expect(result.mapping.links.every((l) => l.origin === 'auto:align')).toBe(true);
    expect(result.unmatched).toEqual([]);
  });

  it('handles a block cut at the start', () => {
    const { source, target, truth } = cutAndRename(['a']);
    expectTruth(autoMatch(source, target).mapping, truth);
  });

  it('handles a block cut at the end', () => {
    const { source, target, truth } = cutAndRename(['e']);
    expectTruth(autoMatch(source, target).mapping, truth);
  });

  it('handles two separate cuts', () => {
    const { source, target, truth } = cutAndRename(['b', 'd']);
    expectTruth(autoMatch(source, target).mapping, truth);
  });

  it('aligns a repeated block to the one source block without scrambling the rest', () => {
    // Target repeats block c (c, then c2 with the same shapes as c's later layers); the source has c once.
    const source = chain(BLOCKS);
    const repeated = [...BLOCKS.slice(0, 3), { name: 'c2', convs: 3, filters: 40 }, ...BLOCKS.slice(3)];
    const { spec: target, renamed } = kerasAutoNames(chain(repeated));
    const back = new Map([...renamed].map(([old, now]) => [now, old]));
    const result = autoMatch(source, target);
    for (const link of result.mapping.links) {
      const original = back.get(link.target)!;
      // Either copy may take block c, but each layer only from its own role in the block.
      expect(link.source).toBe(original.replace(/^c2_/, 'c_'));
    }
    for (const id of weightedIds(source)) {
      if (!id.startsWith('c_')) expect(result.mapping.links.some((l) => l.source === id)).toBe(true);
    }
    // One copy of c is left unmatched as a whole (6 layers), not layers scattered over both copies.
    const unmatchedBlocks = new Set(result.unmatched.map((id) => back.get(id)!.split('_')[0]));
    expect(result.unmatched).toHaveLength(6);
    expect(unmatchedBlocks.size).toBe(1);
  });

  it('aligns a pruned model (same classes, fewer channels) one to one', () => {
    const source = mobileNetV2(1.0);
    const { spec: target, renamed } = kerasAutoNames(mobileNetV2(0.5));
    const result = autoMatch(source, target);
    const expected = Object.fromEntries(
      [...renamed].filter(([old]) => weightedIds(source).includes(old)).map(([old, now]) => [now, old]),
    );
    expect(sourcesOf(result.mapping)).toEqual(expected);
    expect(result.unmatched).toEqual([]);
  });

  it('VGG with block4 removed and Keras auto-names: block5 keeps its weights, the grown fc1 is flagged', () => {
    const source = withoutClasses(vggMini());
    const { spec: target, renamed } = kerasAutoNames(vggMini({ withoutBlock4: true }));
    const result = autoMatch(source, target);
    const now = (old: string) => renamed.get(old)!;
    for (const id of [
      'block1_conv1',
      'block3_conv3',
      'block5_conv1',
      'block5_conv2',
      'block5_conv3',
      'fc2',
      'predictions',
    ]) {
      expect(linkOf(result.mapping, now(id))?.source).toBe(id);
    }
    const fc1 = linkOf(result.mapping, now('fc1'));
    expect(fc1 === undefined || fc1.confidence < LOW_CONFIDENCE).toBe(true);
    expect(result.lowConfidence).toEqual(fc1 ? [now('fc1')] : []);
  });

  it('ResNet with two middle bottleneck blocks removed and auto-names lines up conv5 again', () => {
    const source = resMini();
    const kept = resMini([2, 3, 4, 2], (stack, block) => stack === 4 && block >= 3);
    const { spec: target, renamed } = kerasAutoNames(kept);
    const result = autoMatch(source, target);
    const expected = Object.fromEntries(weightedIds(kept).map((old) => [renamed.get(old)!, old]));
    expect(sourcesOf(result.mapping)).toEqual(expected);
  });
});

describe('autoMatch: names, classes and the mapping the user edited', () => {
  it('matches by name when the names survived, with confidence from the shapes', () => {
    const source = withoutClasses(vggMini());
    const target = vggMini({ withoutBlock4: true });
    const result = autoMatch(source, target);
    for (const id of weightedIds(target)) {
      expect(linkOf(result.mapping, id)).toMatchObject({ source: id, origin: 'auto:name', locked: false });
    }
    const confidence = result.confidence;
    expect(confidence.block5_conv2).toBeGreaterThan(0.9);
    expect(confidence.block5_conv1).toBeLessThan(confidence.block5_conv2);
    expect(confidence.block5_conv1).toBeGreaterThanOrEqual(LOW_CONFIDENCE);
    expect(confidence.fc1).toBeLessThan(LOW_CONFIDENCE);
    expect(result.lowConfidence).toEqual(['fc1']);
  });

  it('gives an exact name + class + shape match confidence ~1 and an aligned exact match less', () => {
    const source = resMini();
    expect(autoMatch(source, source).confidence.conv1_conv).toBeCloseTo(1);
    const { spec: target, renamed } = kerasAutoNames(source);
    const aligned = autoMatch(source, target).confidence[renamed.get('conv1_conv')!];
    expect(aligned).toBeGreaterThan(0.8);
    expect(aligned).toBeLessThan(1);
  });

  it('does not match a name whose class changed, nor align it', () => {
    const source = model([plain('in', 'InputLayer'), conv('c1', 3, 3, 8), dense('head', 8, 4)]);
    const target = model([
      plain('in', 'InputLayer'),
      conv('c1', 3, 3, 8),
      layer('head', 'EinsumDense', [weight('kernel', [8, 4]), weight('bias', [4])]),
    ]);
    const result = autoMatch(source, target);
    expect(linkOf(result.mapping, 'head')).toBeUndefined();
    expect(result.unmatched).toEqual(['head']);
    expect(linkOf(result.mapping, 'c1')?.origin).toBe('auto:name');
  });

  it('without classes on one side, a name matches only with the same weight ranks', () => {
    const source = withoutClasses(model([dense('x', 8, 4), dense('y', 4, 2)]));
    const target = model([conv('x', 1, 8, 4), dense('y', 4, 2)]);
    const result = autoMatch(source, target);
    expect(linkOf(result.mapping, 'x')).toBeUndefined();
    expect(linkOf(result.mapping, 'y')?.origin).toBe('auto:name');
  });

  it('keeps locked links and aligns around them', () => {
    const { source, target, truth } = cutAndRename(['c']);
    const someTarget = truth.get('d_conv1')!;
    // Lock a deliberately odd choice: the matcher must neither move it nor reuse its source.
    let mapping = applyChange(
      createMapping(),
      { kind: 'connect', target: someTarget, source: 'c_conv1', lock: true },
      { source, target },
    );
    mapping = autoMatch(source, target, mapping).mapping;
    mapping = autoMatch(source, target, mapping).mapping;
    expect(linkOf(mapping, someTarget)).toMatchObject({
      source: 'c_conv1',
      origin: 'manual',
      locked: true,
      confidence: 1,
    });
    expect(mapping.links.filter((l) => l.source === 'c_conv1')).toHaveLength(1);
    expect(linkOf(mapping, truth.get('e_conv1')!)?.source).toBe('e_conv1');
    expect(linkOf(mapping, truth.get('b_conv2')!)?.source).toBe('b_conv2');
  });

  it('aligns the rest of a block around a locked link (locks are anchors)', () => {
    // The source has block c twice (c and c2, equal shapes); the target has it once, renamed. Left
    // alone the matcher takes the first copy; a lock on the block's first conv to the second copy
    // must pull the rest of the block along.
    const twice = [...BLOCKS.slice(0, 3), { name: 'c2', convs: 3, filters: 40 }, ...BLOCKS.slice(3)];
    const source = chain(twice);
    const { spec: target, renamed } = kerasAutoNames(chain(BLOCKS));
    const now = (old: string) => renamed.get(old)!;
    expect(linkOf(autoMatch(source, target).mapping, now('c_bn2'))?.source).toBe('c_bn2');
    const locked = applyChange(
      createMapping(),
      { kind: 'connect', target: now('c_conv1'), source: 'c2_conv1', lock: true },
      { source, target },
    );
    const mapping = autoMatch(source, target, locked).mapping;
    for (const role of ['bn1', 'conv2', 'bn2', 'conv3', 'bn3'])
      expect(linkOf(mapping, now(`c_${role}`))?.source).toBe(`c2_${role}`);
    expect(linkOf(mapping, now('d_conv1'))?.source).toBe('d_conv1');
  });

  it('a cut source is not taken by name, so its namesake can be aligned to another copy', () => {
    // Cutting c tells the matcher "take c's weights from elsewhere": the identical c2 is the only candidate.
    const twice = [...BLOCKS.slice(0, 3), { name: 'c2', convs: 3, filters: 40 }, ...BLOCKS.slice(3)];
    const source = chain(twice);
    const target = chain(BLOCKS);
    const mapping = applyChange(
      createMapping(),
      { kind: 'cut-range', from: 'c_conv1', to: 'c_pool' },
      { source },
    );
    const result = autoMatch(source, target, mapping);
    for (const role of ['conv1', 'bn1', 'conv2', 'bn2', 'conv3', 'bn3']) {
      expect(linkOf(result.mapping, `c_${role}`)).toMatchObject({
        source: `c2_${role}`,
        origin: 'auto:align',
      });
    }
  });

  it('never links into a cut source range', () => {
    const source = chain(BLOCKS);
    const target = chain(BLOCKS); // same names: without the cut every layer would match by name
    const mapping = applyChange(
      createMapping(),
      { kind: 'cut-range', from: 'c_conv1', to: 'c_pool' },
      { source },
    );
    const result = autoMatch(source, target, mapping);
    const inCut = weightedIds(source).filter((id) => id.startsWith('c_'));
    expect(result.mapping.links.filter((l) => inCut.includes(l.source))).toEqual([]);
    expect(result.unmatched).toEqual(inCut);
    expect(result.mapping.cuts).toEqual([{ from: 'c_conv1', to: 'c_pool' }]);
  });

  it('leaves a disconnected target unmatched and does not hand its source to a neighbour', () => {
    const { source, target, truth } = cutAndRename(['c']);
    const first = autoMatch(source, target);
    const victim = truth.get('d_conv2')!;
    const mapping = applyChange(first.mapping, { kind: 'disconnect', target: victim }, { source, target });
    const again = autoMatch(source, target, mapping);
    expect(linkOf(again.mapping, victim)).toBeUndefined();
    expect(again.unmatched).toEqual([victim]);
    expect(again.mapping.links.some((l) => l.source === 'd_conv2')).toBe(false);
    expect(again.mapping.links).toHaveLength(first.mapping.links.length - 1);
    expect(again.mapping.unlinked).toEqual([victim]);
  });

  it('replaces earlier automatic links instead of keeping stale ones', () => {
    const { source, target } = cutAndRename(['c']);
    const stale = applyChange(createMapping(), {
      kind: 'realign',
      links: [{ target: 'conv2d', source: 'e_conv2', origin: 'auto:align', confidence: 0.2, locked: false }],
    });
    const result = autoMatch(source, target, stale);
    expect(linkOf(result.mapping, 'conv2d')?.source).toBe('a_conv1');
  });
});

describe('autoMatch: nested models', () => {
  const encoder = () => [conv('conv2d', 3, 3, 8), conv('conv2d_1', 3, 8, 16)];
  const decoder = () => [conv('conv2d', 3, 16, 8), conv('conv2d_1', 3, 8, 3)];

  it('matches equal names inside the corresponding nested model only', () => {
    const build = () =>
      model([
        plain('in', 'InputLayer'),
        ...nested('encoder', 'Functional', encoder()),
        ...nested('decoder', 'Functional', decoder()),
      ]);
    const result = autoMatch(build(), build());
    expect(sourcesOf(result.mapping)).toEqual({
      'encoder/conv2d': 'encoder/conv2d',
      'encoder/conv2d_1': 'encoder/conv2d_1',
      'decoder/conv2d': 'decoder/conv2d',
      'decoder/conv2d_1': 'decoder/conv2d_1',
    });
  });

  it('pairs a wrapped base model with the source top level and leaves the new head unmatched', () => {
    const source = mobileNetV2(1.0);
    const base = mobileNetV2(0.5).layers;
    const target = model([
      plain('input', 'InputLayer'),
      ...nested('mobilenetv2_0.50_224', 'Functional', base),
      dense('dense', 1280, 5),
    ]);
    const result = autoMatch(source, target);
    for (const id of weightedIds(source))
      expect(linkOf(result.mapping, `mobilenetv2_0.50_224/${id}`)?.source).toBe(id);
    expect(result.unmatched).toEqual(['dense']);
  });

  it('does not pair a layer with a better-fitting one in another model level', () => {
    // target encoder/extra has exactly the shapes of source decoder/conv2d, but the encoders correspond.
    const source = model([
      ...nested('encoder', 'Functional', encoder()),
      ...nested('decoder', 'Functional', decoder()),
    ]);
    const target = model([
      ...nested('encoder', 'Functional', [conv('conv2d', 3, 3, 8), conv('extra', 3, 16, 8)]),
      ...nested('decoder', 'Functional', [conv('conv2d_1', 3, 8, 3)]),
    ]);
    const result = autoMatch(source, target);
    expect(linkOf(result.mapping, 'encoder/extra')?.source).not.toBe('decoder/conv2d');
    expect(linkOf(result.mapping, 'decoder/conv2d_1')?.source).toBe('decoder/conv2d_1');
  });

  it('aligns renamed layers inside renamed nested models without crossing between them', () => {
    const source = model([
      ...nested('encoder', 'Functional', encoder()),
      ...nested('decoder', 'Functional', decoder()),
    ]);
    const target = model([
      ...nested('model', 'Functional', [conv('c_a', 3, 3, 8), conv('c_b', 3, 8, 16)]),
      ...nested('model_1', 'Functional', [conv('c_c', 3, 16, 8), conv('c_d', 3, 8, 3)]),
    ]);
    const result = autoMatch(source, target);
    expect(sourcesOf(result.mapping)).toEqual({
      'model/c_a': 'encoder/conv2d',
      'model/c_b': 'encoder/conv2d_1',
      'model_1/c_c': 'decoder/conv2d',
      'model_1/c_d': 'decoder/conv2d_1',
    });
  });
});
