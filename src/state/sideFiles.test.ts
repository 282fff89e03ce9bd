import { describe, expect, it } from 'vitest';
import { pairSideFiles, sideIdentity, type PickedFile } from './sideFiles';

const file = (name: string, size = 4): PickedFile => ({ name, size, blob: new Blob([new Uint8Array(size)]) });

describe('pairing the files picked for one side', () => {
  it('takes a .json next to a weights file as its architecture', () => {
    const pick = pairSideFiles([file('arch.json', 7), file('w.h5', 9)], null);
    expect(pick.ok && pick.files.weightsName).toBe('w.h5');
    expect(pick.ok && pick.files.archName).toBe('arch.json');
    expect(pick.ok && pick.label).toBe('w.h5 + arch.json');
  });

  it('pairs a lone .json with the weights the side already has', () => {
    const first = pairSideFiles([file('w.weights.h5', 9)], null);
    if (!first.ok) throw new Error(first.error);
    const second = pairSideFiles([file('model.JSON', 3)], first.files);
    expect(second.ok && second.files.weights).toBe(first.files.weights);
    expect(second.ok && second.files.archName).toBe('model.JSON');
  });

  it('takes a lone .json without weights as an architecture-only model', () => {
    const pick = pairSideFiles([file('model.json')], null);
    expect(pick.ok && pick.files).toEqual({ arch: expect.any(Blob), archName: 'model.json' });
  });

  it('refuses two weights files or two JSONs for one side', () => {
    const twoWeights = pairSideFiles([file('a.h5'), file('b.keras')], null);
    expect(twoWeights.ok).toBe(false);
    expect(!twoWeights.ok && twoWeights.error).toMatch(/a\.h5, b\.keras/);
    expect(pairSideFiles([file('a.json'), file('b.json'), file('c.h5')], null).ok).toBe(false);
    expect(pairSideFiles([], null).ok).toBe(false);
  });

  it('names a side by its weights file, or by the architecture when alone', () => {
    expect(
      sideIdentity({ weights: new Blob([new Uint8Array(12)]), weightsName: 'w.h5', arch: new Blob(['{}']) }),
    ).toEqual({
      name: 'w.h5',
      size: 12,
    });
    expect(sideIdentity({ arch: new Blob(['{"a":1}']), archName: 'm.json' })).toEqual({
      name: 'm.json',
      size: 7,
    });
  });
});
