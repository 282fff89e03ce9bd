import { describe, expect, it } from 'vitest';
import { canonicalClass, nameStem } from '../../src/core/match/kerasClass';
import { monotoneAnchors } from '../../src/core/match/monotoneAnchors';
import { pairScopes } from '../../src/core/match/scopePairing';
import { shapeSimilarity } from '../../src/core/match/shapeSimilarity';
import { conv, dense, model, nested, plain } from './kerasLikeModels';

describe('shapeSimilarity', () => {
  it('is 1 for equal shapes and 0 for different ranks', () => {
    expect(shapeSimilarity([3, 3, 16, 32], [3, 3, 16, 32])).toBe(1);
    expect(shapeSimilarity([16, 32], [3, 3, 16, 32])).toBe(0);
  });

  it('ranks a shrunken axis above a grown one, and a shrunken input axis above a shrunken output axis', () => {
    const sliced = shapeSimilarity([3, 3, 16, 16], [3, 3, 16, 32]);
    const grown = shapeSimilarity([3, 3, 16, 64], [3, 3, 16, 32]);
    const inputSliced = shapeSimilarity([3, 3, 8, 32], [3, 3, 16, 32]);
    expect(sliced).toBeLessThan(1);
    expect(grown).toBeLessThan(sliced / 2);
    expect(inputSliced).toBeGreaterThan(sliced);
    expect(inputSliced).toBeLessThan(1);
  });

  it('keeps a Dense kernel that grew fourfold on its input (Flatten after a cut) well below half', () => {
    expect(shapeSimilarity([2048, 64], [512, 64])).toBeLessThan(0.5);
  });
});

describe('monotoneAnchors', () => {
  it('keeps the largest non-crossing subset', () => {
    expect(
      monotoneAnchors([
        [0, 0],
        [1, 5],
        [2, 2],
        [3, 3],
        [4, 1],
        [5, 6],
      ]),
    ).toEqual([
      [0, 0],
      [2, 2],
      [3, 3],
      [5, 6],
    ]);
  });

  it('accepts unsorted input and an empty list', () => {
    expect(
      monotoneAnchors([
        [2, 9],
        [0, 1],
        [1, 4],
      ]),
    ).toEqual([
      [0, 1],
      [1, 4],
      [2, 9],
    ]);
    expect(monotoneAnchors([])).toEqual([]);
  });
});

describe('pairScopes', () => {
  it('pairs levels by shared layer names, then by equal id', () => {
    const source = model([
      conv('c1', 3, 3, 8),
      conv('c2', 3, 8, 8),
      ...nested('head', 'Sequential', [dense('d', 8, 2)]),
    ]);
    const target = model([
      plain('in', 'InputLayer'),
      ...nested('backbone', 'Functional', [conv('c1', 3, 3, 8), conv('c2', 3, 8, 8)]),
      ...nested('head', 'Sequential', [dense('other', 8, 2)]),
    ]);
    const pairs = pairScopes(target, source);
    expect(pairs.get('backbone')).toBe('');
    expect(pairs.get('head')).toBe('head');
    // The target top level shares nothing and its namesake is taken.
    expect(pairs.has('')).toBe(false);
  });
});

describe('kerasClass', () => {
  it('maps Keras 1 class names onto the current ones', () => {
    expect(canonicalClass('Convolution2D')).toBe('Conv2D');
    expect(canonicalClass('Model')).toBe('Functional');
    expect(canonicalClass('Dense')).toBe('Dense');
    expect(canonicalClass(null)).toBeNull();
  });

  it('strips Keras counters from names', () => {
    expect(nameStem('conv2d_17')).toBe('conv2d');
    expect(nameStem('conv2d')).toBe('conv2d');
    expect(nameStem('Block1_Conv1')).toBe('block1_conv1');
    expect(nameStem('dense_1_2')).toBe('dense');
  });
});
