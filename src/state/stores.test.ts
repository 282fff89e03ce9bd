// The stores driven end to end with the real session in-process (Node host instead of the worker):
// loading, the first match, a cut as one undo step, persistence across a "reload", plan and export.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMapping, serializeMapping } from '../core/mapping';
import { useSidesStore } from './sidesStore';
import { useMappingStore } from './mappingStore';
import { usePlanStore } from './planStore';
import { useExportStore } from './exportStore';
import { canUndo, startHistory } from './mappingHistory';
import { demoAvailable, memoryStorage, openDemoPair, until } from '../../tests/support/app/testSession';

const idle = () => useMappingStore.getState().busy === null;

describe.skipIf(!demoAvailable)('stores with the real session on the demo pair', () => {
  const storage = memoryStorage();
  const data = storage.data;
  let close = () => {};

  beforeAll(async () => {
    close = await openDemoPair(storage);
  });

  afterAll(() => close());

  it('matches a fresh pair with nothing to undo, and stores it under the pair key', () => {
    const { history, pairKey, restored } = useMappingStore.getState();
    expect(restored).toBe(false);
    expect(canUndo(history)).toBe(false);
    const targetWeighted = useSidesStore
      .getState()
      .target.spec!.layers.filter((l) => l.weights.length > 0).length;
    expect(history.present.links.length).toBeGreaterThan(targetWeighted / 2);
    expect(data.get(pairKey!)).toBe(serializeMapping(history.present));
  });

  it('cuts a source range and re-flows the matcher in one undo step', async () => {
    const before = useMappingStore.getState().history;
    const range = ['conv2_block2_1_conv', 'conv2_block2_1_bn', 'conv2_block2_2_conv', 'conv2_block2_2_bn'];
    await useMappingStore.getState().cutRange(range[0], range[3]);
    const after = useMappingStore.getState().history;
    expect(after.present.cuts).toEqual([{ from: range[0], to: range[3] }]);
    expect(after.present.links.filter((l) => range.includes(l.source))).toEqual([]);
    expect(after.past).toHaveLength(before.past.length + 1);
    useMappingStore.getState().undo();
    expect(useMappingStore.getState().history.present).toBe(before.present);
    useMappingStore.getState().redo();
    expect(useMappingStore.getState().history.present).toBe(after.present);
  });

  it('plans the current mapping shortly after each change', async () => {
    useMappingStore.getState().apply({ kind: 'disconnect', target: 'conv1_conv' });
    const present = useMappingStore.getState().history.present;
    await until(
      () => usePlanStore.getState().planned === present && !usePlanStore.getState().planning,
      'the plan',
    );
    const plan = usePlanStore.getState().plan!;
    expect(plan.layers.find((l) => l.target === 'conv1_conv')!.source).toBeNull();
    expect(plan.unmatched).toContain('conv1_conv');
  });

  it('restores the stored mapping when the same pair is opened again', async () => {
    const edited = useMappingStore.getState().history.present;
    // What a reload does: empty stores, then the same two files.
    useMappingStore.setState({ history: startHistory(createMapping()), pairKey: null, restored: false });
    useSidesStore.setState((s) => ({ generation: s.generation + 1 }));
    await until(() => useMappingStore.getState().pairKey !== null && idle(), 'the reopen');
    expect(useMappingStore.getState().restored).toBe(true);
    expect(useMappingStore.getState().history.present).toEqual(edited);
  });

  it('keeps the mapping and reports why when a mapping file is invalid', () => {
    const present = useMappingStore.getState().history.present;
    expect(useMappingStore.getState().loadText('{"links": {"conv1_conv": "nope"}}')).toBe(false);
    expect(useMappingStore.getState().error).toMatch(/nope/);
    expect(useMappingStore.getState().history.present).toBe(present);
  });

  it('exports the grafted target under the target name', async () => {
    const download = await useExportStore.getState().exportWeights();
    expect(useExportStore.getState().error).toBeNull();
    expect(download!.fileName).toBe('target-grafted.keras');
    const head = new Uint8Array(await download!.blob.slice(0, 4).arrayBuffer());
    expect([...head]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip archive
  });
});
