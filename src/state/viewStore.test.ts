import { describe, expect, it } from 'vitest';
import { extendRange, toggleListed, useViewStore } from './viewStore';

describe('view state', () => {
  it('starts a range on click and stretches it on shift-click', () => {
    const one = extendRange(null, 'conv2', true);
    expect(one).toEqual({ anchor: 'conv2', focus: 'conv2' });
    const stretched = extendRange(one, 'conv5', true);
    expect(stretched).toEqual({ anchor: 'conv2', focus: 'conv5' });
    expect(extendRange(stretched, 'conv1', false)).toEqual({ anchor: 'conv1', focus: 'conv1' });
  });

  it('toggles collapsed nested models and counts repeated focus requests', () => {
    expect(toggleListed(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggleListed(['a', 'b'], 'a')).toEqual(['b']);
    const store = useViewStore.getState();
    store.focusLayer('target', 'x');
    store.focusLayer('target', 'x');
    expect(useViewStore.getState().focus).toEqual({ side: 'target', id: 'x', seq: 2 });
    expect(useViewStore.getState().selection).toEqual({ kind: 'layer', side: 'target', id: 'x' });
    store.toggleCollapsed('source', 'model_1');
    expect(useViewStore.getState().collapsed).toEqual(['source:model_1']);
  });
});
