import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMappingStore } from '../../state/mappingStore';
import { canUndo } from '../../state/mappingHistory';
import { demoAvailable, memoryStorage, openDemoPair } from '../../../tests/support/app/testSession';
import { connectLayers, cutLink, moveLinkEnd } from './linkEditing';

const linkOf = (target: string) =>
  useMappingStore.getState().history.present.links.find((l) => l.target === target);

describe.skipIf(!demoAvailable)('graph edits checked by the real planner (demo pair)', () => {
  let close = () => {};
  beforeAll(async () => {
    close = await openDemoPair(memoryStorage());
  });
  afterAll(() => close());

  it('refuses a link no adapter can fit, with the reason, and changes nothing', async () => {
    const before = useMappingStore.getState().history;
    expect(await connectLayers('conv1_bn', 'conv1_conv')).toMatch(/^no adapter fits: .*ranks differ/);
    expect(await connectLayers('conv1_relu', 'conv1_conv')).toMatch(/no weights/);
    expect(useMappingStore.getState().history).toBe(before);
  });

  it('moves a link end to another target as one undo step, and cuts one dropped on nothing', async () => {
    const source = linkOf('conv2_block1_1_bn')!.source;
    cutLink('conv2_block2_1_bn');
    const past = useMappingStore.getState().history.past.length;
    expect(await moveLinkEnd('conv2_block1_1_bn', source, 'conv2_block2_1_bn')).toBeNull();
    expect(linkOf('conv2_block1_1_bn')).toBeUndefined();
    expect(linkOf('conv2_block2_1_bn')).toMatchObject({ source, origin: 'manual', locked: true });
    expect(useMappingStore.getState().history.past).toHaveLength(past + 1);
    useMappingStore.getState().undo();
    expect(linkOf('conv2_block1_1_bn')!.source).toBe(source);
    expect(linkOf('conv2_block2_1_bn')).toBeUndefined();

    expect(await moveLinkEnd('conv2_block1_1_bn', source, null)).toBeNull();
    expect(linkOf('conv2_block1_1_bn')).toBeUndefined();
    expect(canUndo(useMappingStore.getState().history)).toBe(true);
  });
});
