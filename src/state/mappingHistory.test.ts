import { describe, expect, it } from 'vitest';
import { createMapping } from '../core/mapping';
import {
  beginGroup,
  canRedo,
  canUndo,
  cancelGroup,
  endGroup,
  recordChange,
  redo,
  replaceMapping,
  startHistory,
  undo,
  UNDO_LIMIT,
} from './mappingHistory';
import { sourceModel, targetModel } from '../../tests/support/app/testModels';

const ctx = { source: sourceModel, target: targetModel };
const links = (h: { present: { links: { target: string; source: string }[] } }) =>
  h.present.links.map((l) => `${l.source}->${l.target}`);

describe('mapping history', () => {
  it('undoes and redoes single changes in order', () => {
    let h = startHistory(createMapping());
    h = recordChange(h, { kind: 'connect', target: 'conv1', source: 'conv1' }, ctx);
    h = recordChange(h, { kind: 'connect', target: 'conv3', source: 'conv2' }, ctx);
    expect(links(h)).toEqual(['conv1->conv1', 'conv2->conv3']);
    h = undo(h);
    expect(links(h)).toEqual(['conv1->conv1']);
    h = undo(h);
    expect(links(h)).toEqual([]);
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    h = redo(h);
    expect(links(h)).toEqual(['conv1->conv1', 'conv2->conv3']);
    expect(canRedo(h)).toBe(false);
  });

  it('clears redo when a new change is made after an undo', () => {
    let h = startHistory(createMapping());
    h = recordChange(h, { kind: 'connect', target: 'conv1', source: 'conv1' }, ctx);
    h = undo(h);
    expect(canRedo(h)).toBe(true);
    h = recordChange(h, { kind: 'connect', target: 'conv3', source: 'conv3' }, ctx);
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
    expect(links(h)).toEqual(['conv3->conv3']);
  });

  it('makes a gesture of several changes one undo step', () => {
    let h = recordChange(
      startHistory(createMapping()),
      { kind: 'connect', target: 'conv1', source: 'conv1' },
      ctx,
    );
    h = beginGroup(h);
    h = recordChange(h, { kind: 'disconnect', target: 'conv1' }, ctx);
    h = recordChange(h, { kind: 'connect', target: 'conv3', source: 'conv1' }, ctx);
    expect(canUndo(h)).toBe(false); // not while the gesture is open
    h = endGroup(h);
    expect(links(h)).toEqual(['conv1->conv3']);
    expect(h.past).toHaveLength(2);
    h = undo(h);
    expect(links(h)).toEqual(['conv1->conv1']);
    expect(h.present.unlinked).toEqual([]);
    h = redo(h);
    expect(links(h)).toEqual(['conv1->conv3']);
    expect(h.present.unlinked).toEqual(['conv1']);
  });

  it('leaves no undo step for a gesture that changed nothing, and cancel restores the start', () => {
    const h0 = recordChange(
      startHistory(createMapping()),
      { kind: 'connect', target: 'conv1', source: 'conv1' },
      ctx,
    );
    expect(endGroup(beginGroup(h0)).past).toHaveLength(1);
    let h = beginGroup(h0);
    h = recordChange(h, { kind: 'disconnect', target: 'conv1' }, ctx);
    h = cancelGroup(h);
    expect(h.present).toBe(h0.present);
    expect(h.past).toEqual(h0.past);
  });

  it('keeps the history unchanged when a change is refused', () => {
    const h = recordChange(
      startHistory(createMapping()),
      { kind: 'connect', target: 'conv1', source: 'conv1' },
      ctx,
    );
    expect(() => recordChange(h, { kind: 'connect', target: 'nope', source: 'conv1' }, ctx)).toThrow(
      /no layer 'nope'/,
    );
    expect(links(h)).toEqual(['conv1->conv1']);
  });

  it('makes a replaced document undoable and bounds the undo depth', () => {
    let h = startHistory(createMapping());
    const replacement = { ...createMapping(), unlinked: ['head'] };
    h = replaceMapping(h, replacement);
    expect(h.present).toBe(replacement);
    expect(undo(h).present.unlinked).toEqual([]);
    h = recordChange(h, { kind: 'connect', target: 'conv1', source: 'conv1' }, ctx);
    for (let i = 0; i < UNDO_LIMIT + 20; i++) {
      h = recordChange(h, { kind: 'lock', target: 'conv1', locked: i % 2 === 0 }, ctx);
    }
    expect(h.past.length).toBe(UNDO_LIMIT);
    // The oldest states were dropped: undoing all the way stops at a state that still has the link.
    while (canUndo(h)) h = undo(h);
    expect(links(h)).toEqual(['conv1->conv1']);
  });
});
