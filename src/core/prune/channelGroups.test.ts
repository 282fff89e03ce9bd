import { describe, expect, it } from 'vitest';
import type { ModelSpec, Tensor, TensorExpr } from '../../model';
import { NetworkSpec, asWeightsOnly } from '../../../tests/planning/networkSpecs';
import { buildChannelGroups, type ChannelGroups } from './buildChannelGroups';
import { selectChannels, type ChannelSelection, type SelectionOptions } from './selectChannels';
import { axisSums, chooseChannels } from './chooseChannels';

/** Group ids of each member axis, as `layer.weight[axis] -> space`. */
function membership(groups: ChannelGroups, model: ModelSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const member of groups.members) {
    const layer = model.layers.find((l) => l.id === member.layer)!;
    out[`${member.layer}.${layer.weights[member.weight].name}[${member.axis}]`] =
      `${member.role}:${JSON.stringify(member.space)}`;
  }
  return out;
}

const groupOf = (groups: ChannelGroups, layer: string, weight: number, axis: number): number => {
  const member = groups.members.find((m) => m.layer === layer && m.weight === weight && m.axis === axis)!;
  if (member.space.kind !== 'group') throw new Error(`${layer} ${weight} ${axis} is not a direct member`);
  return member.space.group;
};

/** Source values where channel c of every weight axis scores `c`-dependent norms chosen by `norm`. */
function sourceOptions(
  source: ModelSpec,
  target: ModelSpec,
  values: Map<string, Tensor>,
  overrides: Partial<SelectionOptions> = {},
): SelectionOptions {
  const byId = new Map(source.layers.map((l) => [l.id, l]));
  return {
    target,
    sourceOf: (layer, weight) => {
      const w = byId.get(layer)?.weights[weight];
      return w ? { layer, weight, values: w.values, shape: w.shape } : null;
    },
    rulesOf: () => ({ select: 'l1', grow: 'zeros' }),
    readSource: async (expr: TensorExpr) => {
      if (expr.op !== 'read') throw new Error('only reads');
      const tensor = values.get(expr.path);
      if (!tensor) throw new Error(`no ${expr.path}`);
      return tensor;
    },
    ...overrides,
  };
}

/** A tensor of `shape` whose value at channel c of `axis` is `scores[c]` everywhere. */
function channelTensor(shape: number[], axis: number, scores: number[]): Tensor {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = scores[Math.floor(i / inner) % shape[axis]];
  return { shape, dtype: 'float32', data };
}

const axisOf = (selection: ChannelSelection, layer: string, weight: number, axis: number) =>
  selection.axes.find((a) => a.layer === layer && a.weight === weight && a.axis === axis);

describe('chooseChannels', () => {
  it('keeps the best scores in ascending order, ties to the lower index', () => {
    expect(chooseChannels('l1', 6, 3, [5, 1, 9, 1, 7, 0])).toEqual([0, 2, 4]);
    expect(chooseChannels('l2', 4, 2, [1, 1, 1, 1])).toEqual([0, 1]);
    expect(chooseChannels('first', 6, 3, [5, 1, 9, 1, 7, 0])).toEqual([0, 1, 2]);
    expect(chooseChannels('uniform', 8, 4, null)).toEqual([0, 2, 4, 6]);
    expect(chooseChannels('uniform', 10, 3, null)).toEqual([0, 3, 6]);
    expect(chooseChannels('l1', 4, 2, null)).toEqual([0, 1]);
  });
});

describe('axisSums', () => {
  it('sums |x| or x² over every other axis', () => {
    const t: Tensor = {
      shape: [2, 2, 2],
      dtype: 'float32',
      data: Float32Array.from([1, -2, 3, -4, 5, -6, 7, -8]),
    };
    expect(Array.from(axisSums(t, 0, 'l1'))).toEqual([10, 26]);
    expect(Array.from(axisSums(t, 1, 'l1'))).toEqual([14, 22]);
    expect(Array.from(axisSums(t, 2, 'l1'))).toEqual([16, 20]);
    expect(Array.from(axisSums(t, 2, 'l2'))).toEqual([1 + 9 + 25 + 49, 4 + 16 + 36 + 64]);
  });
});

describe('buildChannelGroups', () => {
  it('residual Add: both branches and the layer after share one group', () => {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('conv1', 'img', 3, 3, 8);
    net.bn('bn1', 'conv1', 8);
    net.conv('conv2', 'bn1', 3, 8, 8);
    net.plain('add', 'Add', ['conv2', 'bn1']);
    net.plain('relu', 'ReLU', ['add']);
    net.conv('conv3', 'relu', 1, 8, 4);
    const model = net.build(['conv3']);
    const groups = buildChannelGroups(model);
    const residual = groupOf(groups, 'conv1', 0, 3);
    expect(groupOf(groups, 'conv1', 1, 0)).toBe(residual);
    expect(groupOf(groups, 'bn1', 2, 0)).toBe(residual);
    expect(groupOf(groups, 'conv2', 0, 2)).toBe(residual);
    expect(groupOf(groups, 'conv2', 0, 3)).toBe(residual);
    expect(groupOf(groups, 'conv3', 0, 2)).toBe(residual);
    expect(groupOf(groups, 'conv3', 0, 3)).not.toBe(residual);
    expect(groups.groups[residual].label).toBe('conv1/bn1/conv2/conv3');
    expect(groups.groups[residual].terminal).toBe(false);
    expect(groups.groups[groupOf(groups, 'conv3', 0, 3)].terminal).toBe(true);
    const roles = membership(groups, model);
    expect(roles['conv2.kernel[3]']).toMatch(/^producer:/);
    expect(roles['conv2.kernel[2]']).toMatch(/^consumer:/);
    expect(roles['bn1.gamma[0]']).toMatch(/^through:/);
    expect(roles['img.kernel[0]']).toBeUndefined();
    expect(groups.groups[groupOf(groups, 'conv1', 0, 2)].origin).toBe('input');
  });

  it('depthwise chain: expand conv, BN, depthwise, BN and the projection read one group', () => {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('expand', 'img', 1, 3, 12);
    net.bn('expand_bn', 'expand', 12);
    net.plain('expand_relu', 'ReLU', ['expand_bn']);
    net.depthwise('dw', 'expand_relu', 3, 12);
    net.bn('dw_bn', 'dw', 12);
    net.plain('dw_relu', 'ReLU', ['dw_bn']);
    net.conv('project', 'dw_relu', 1, 12, 6, false);
    const model = net.build(['project']);
    const groups = buildChannelGroups(model);
    const g = groupOf(groups, 'expand', 0, 3);
    for (const [layer, weight, axis] of [
      ['expand_bn', 0, 0],
      ['dw', 0, 2],
      ['dw', 1, 0],
      ['dw_bn', 3, 0],
      ['project', 0, 2],
    ] as const) {
      expect(groupOf(groups, layer, weight, axis), `${layer} ${weight} ${axis}`).toBe(g);
    }
    expect(membership(groups, model)['dw.kernel[2]']).toMatch(/^through:/);
    expect(membership(groups, model)['dw.kernel[3]']).toBeUndefined();
  });

  it('concatenate lays groups side by side; flatten widens a group for the Dense after it', () => {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('a', 'img', 1, 3, 4);
    net.conv('b', 'img', 1, 3, 6);
    net.plain('cat', 'Concatenate', ['a', 'b'], { axis: -1 });
    net.conv('c', 'cat', 1, 10, 5);
    net.plain('flat', 'Flatten', ['c']);
    net.dense('fc', 'flat', 45, 2);
    const model = net.build(['fc']);
    const groups = buildChannelGroups(model);
    const ga = groupOf(groups, 'a', 0, 3);
    const gb = groupOf(groups, 'b', 0, 3);
    const gc = groupOf(groups, 'c', 0, 3);
    const catMember = groups.members.find((m) => m.layer === 'c' && m.weight === 0 && m.axis === 2)!;
    expect(catMember.space).toEqual({
      kind: 'concat',
      parts: [
        { kind: 'group', group: ga },
        { kind: 'group', group: gb },
      ],
    });
    const fcMember = groups.members.find((m) => m.layer === 'fc' && m.weight === 0 && m.axis === 0)!;
    expect(fcMember.space).toEqual({
      kind: 'expand',
      expand: { factor: null, layout: 'inner' },
      of: { kind: 'group', group: gc },
    });
    expect(groups.groups[ga].terminal).toBe(false);
  });

  it('a channels-first feature map flattens channel-major unless the Flatten is channels_first', () => {
    const build = (flattenFormat: string | null) => {
      const net = new NetworkSpec();
      net.input('img');
      net.add('conv', 'Conv2D', ['img'], [['kernel', [3, 3, 3, 4]]], {
        config: { data_format: 'channels_first' },
      });
      net.plain('flat', 'Flatten', ['conv'], flattenFormat ? { data_format: flattenFormat } : {});
      net.dense('fc', 'flat', 36, 2);
      return buildChannelGroups(net.build(['fc']));
    };
    const layoutOf = (groups: ChannelGroups) => {
      const space = groups.members.find((m) => m.layer === 'fc' && m.axis === 0)!.space;
      return space.kind === 'expand' ? space.expand.layout : null;
    };
    expect(layoutOf(build(null))).toBe('outer');
    expect(layoutOf(build('channels_last'))).toBe('outer');
    expect(layoutOf(build('channels_first'))).toBe('inner');
  });

  it('an Add of a concatenation and a plain tensor is frozen, not guessed', () => {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('a', 'img', 1, 3, 2);
    net.conv('b', 'img', 1, 3, 2);
    net.plain('cat', 'Concatenate', ['a', 'b']);
    net.conv('c', 'img', 1, 3, 4);
    net.plain('add', 'Add', ['cat', 'c']);
    net.conv('d', 'add', 1, 4, 4);
    const groups = buildChannelGroups(net.build(['d']));
    expect(groups.groups[groupOf(groups, 'a', 0, 3)].frozen).toBe(true);
    expect(groups.groups[groupOf(groups, 'c', 0, 3)].frozen).toBe(true);
    expect(groups.problems).toEqual([
      'add: joins channels that graft cannot keep consistent; they are kept as they are',
    ]);
  });

  it('a frozen group that changes width is a problem; each of its layers is adapted alone', async () => {
    const build = (c: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('a', 'img', 1, 3, c);
      net.conv('b', 'img', 1, 3, c);
      net.plain('cat', 'Concatenate', ['a', 'b']);
      net.conv('c', 'img', 1, 3, 2 * c);
      net.plain('add', 'Add', ['cat', 'c']);
      net.conv('d', 'add', 1, 2 * c, 4);
      return net.build(['d']);
    };
    const source = build(4);
    const target = build(2);
    const selection = await selectChannels(
      buildChannelGroups(target),
      sourceOptions(source, target, new Map(), { readSource: undefined }),
    );
    expect(selection.problems).toEqual([
      'channels a (4 -> 2) are joined in a way graft cannot keep consistent; each layer is adapted alone',
      'channels b (4 -> 2) are joined in a way graft cannot keep consistent; each layer is adapted alone',
      'channels c (8 -> 4) are joined in a way graft cannot keep consistent; each layer is adapted alone',
    ]);
    expect(axisOf(selection, 'a', 0, 3)).toMatchObject({ map: [0, 1], coupled: false });
  });

  it('squeeze-and-excitation: the excitation output and the squeeze input share the block channels', () => {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('conv', 'img', 3, 3, 16);
    net.plain('squeeze', 'GlobalAveragePooling2D', ['conv']);
    net.plain('se_reshape', 'Reshape', ['squeeze'], { target_shape: [1, 1, 16] });
    net.conv('se_reduce', 'se_reshape', 1, 16, 4);
    net.conv('se_expand', 'se_reduce', 1, 4, 16);
    net.plain('excite', 'Multiply', ['conv', 'se_expand']);
    net.conv('project', 'excite', 1, 16, 8);
    const groups = buildChannelGroups(net.build(['project']));
    const block = groupOf(groups, 'conv', 0, 3);
    expect(groupOf(groups, 'se_reduce', 0, 2)).toBe(block);
    expect(groupOf(groups, 'se_expand', 0, 3)).toBe(block);
    expect(groupOf(groups, 'project', 0, 2)).toBe(block);
    expect(groupOf(groups, 'se_reduce', 0, 3)).not.toBe(block);
  });

  it('a weights-only file is a chain: BN passes channels through to the next weighted layer', () => {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('conv1', 'img', 3, 3, 8);
    net.bn('bn1', 'conv1', 8);
    net.conv('conv2', 'bn1', 3, 8, 4);
    const model = asWeightsOnly(net.build(['conv2']));
    const groups = buildChannelGroups(model);
    const g = groupOf(groups, 'conv1', 0, 3);
    expect(groupOf(groups, 'bn1', 0, 0)).toBe(g);
    expect(groupOf(groups, 'conv2', 0, 2)).toBe(g);
  });
});

describe('selectChannels', () => {
  it('residual Add: one index set scored over every producer of the group', async () => {
    const build = (c: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('p1', 'img', 1, 3, c);
      net.conv('p2', 'img', 1, 3, c);
      net.plain('add', 'Add', ['p1', 'p2']);
      net.bn('bn', 'add', c);
      net.conv('next', 'bn', 1, c, 2);
      return net.build(['next']);
    };
    const source = build(6);
    const target = build(3);
    // p1 alone would keep 0,1,2; p2 alone 3,4,5; together channels 1, 4 and 5 score highest.
    const values = new Map<string, Tensor>([
      ['p1/kernel', channelTensor([1, 1, 3, 6], 3, [3, 5, 3, 0, 2, 1])],
      ['p2/kernel', channelTensor([1, 1, 3, 6], 3, [0, 0, 0, 4, 4, 6])],
    ]);
    const groups = buildChannelGroups(target);
    const selection = await selectChannels(groups, sourceOptions(source, target, values));
    const group = selection.groups[groupOf(groups, 'p1', 0, 3)];
    expect(group.map).toEqual([1, 4, 5]);
    expect(group.detail).toBe('keep 3 of 6 by l1');
    for (const [layer, weight, axis] of [
      ['p1', 0, 3],
      ['p1', 1, 0],
      ['p2', 0, 3],
      ['bn', 0, 0],
      ['bn', 3, 0],
      ['next', 0, 2],
    ] as const) {
      const selected = axisOf(selection, layer, weight, axis);
      expect(selected?.map, `${layer} ${weight} ${axis}`).toEqual([1, 4, 5]);
      expect(selected?.coupled).toBe(true);
    }
    expect(axisOf(selection, 'next', 0, 2)?.detail).toBe('keep 3 of 6 by l1 (group p1/p2/bn/next)');
  });

  it('depthwise with a multiplier: its output channels follow its input channels, channel-major', async () => {
    const build = (c: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('expand', 'img', 1, 3, c);
      net.depthwise('dw', 'expand', 3, c, 2);
      net.bn('bn', 'dw', c * 2);
      net.conv('project', 'bn', 1, c * 2, 4);
      return net.build(['project']);
    };
    const source = build(4);
    const target = build(2);
    const values = new Map<string, Tensor>([['expand/kernel', channelTensor([1, 1, 3, 4], 3, [1, 9, 2, 8])]]);
    const groups = buildChannelGroups(target);
    const selection = await selectChannels(groups, sourceOptions(source, target, values));
    expect(axisOf(selection, 'expand', 0, 3)?.map).toEqual([1, 3]);
    expect(axisOf(selection, 'dw', 0, 2)?.map).toEqual([1, 3]);
    expect(axisOf(selection, 'dw', 0, 3)).toBeUndefined();
    expect(axisOf(selection, 'dw', 1, 0)?.map).toEqual([2, 3, 6, 7]);
    expect(axisOf(selection, 'bn', 0, 0)?.map).toEqual([2, 3, 6, 7]);
    expect(axisOf(selection, 'project', 0, 2)?.map).toEqual([2, 3, 6, 7]);
  });

  it('concatenate: each part keeps its own selection, offset by the source widths before it', async () => {
    const build = (a: number, b: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('a', 'img', 1, 3, a);
      net.conv('b', 'img', 1, 3, b);
      net.plain('cat', 'Concatenate', ['a', 'b'], { axis: -1 });
      net.conv('c', 'cat', 1, a + b, 2);
      return net.build(['c']);
    };
    const source = build(4, 6);
    const target = build(2, 3);
    const values = new Map<string, Tensor>([
      ['a/kernel', channelTensor([1, 1, 3, 4], 3, [1, 5, 1, 5])],
      ['b/kernel', channelTensor([1, 1, 3, 6], 3, [7, 0, 7, 0, 0, 7])],
    ]);
    const selection = await selectChannels(buildChannelGroups(target), sourceOptions(source, target, values));
    expect(axisOf(selection, 'a', 0, 3)?.map).toEqual([1, 3]);
    expect(axisOf(selection, 'b', 0, 3)?.map).toEqual([0, 2, 5]);
    expect(axisOf(selection, 'c', 0, 2)?.map).toEqual([1, 3, 4, 6, 9]);
  });

  it('flatten -> dense: rows (y*W + x)*C + c kept for every position', async () => {
    const build = (c: number, positions: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('conv', 'img', 3, 3, c);
      net.plain('flat', 'Flatten', ['conv']);
      net.dense('fc', 'flat', positions * c, 2);
      return net.build(['fc']);
    };
    const source = build(4, 9);
    const target = build(2, 9);
    const values = new Map<string, Tensor>([['conv/kernel', channelTensor([3, 3, 3, 4], 3, [0, 3, 1, 2])]]);
    const selection = await selectChannels(buildChannelGroups(target), sourceOptions(source, target, values));
    const rows = Array.from({ length: 9 }, (_, p) => [p * 4 + 1, p * 4 + 3]).flat();
    expect(axisOf(selection, 'fc', 0, 0)?.map).toEqual(rows);
    expect(axisOf(selection, 'fc', 0, 0)?.detail).toBe(
      'keep 2 of 4 by l1 (group conv flattened over 9 positions)',
    );
    // The same network from a weights-only file (no Flatten layer to see) gives the same rows.
    const plain = await selectChannels(
      buildChannelGroups(asWeightsOnly(target)),
      sourceOptions(asWeightsOnly(source), asWeightsOnly(target), values),
    );
    expect(axisOf(plain, 'fc', 0, 0)?.map).toEqual(rows);
  });

  it('flatten -> dense with a changed spatial size is reported, not guessed', async () => {
    const build = (positions: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('conv', 'img', 3, 3, 8);
      net.plain('flat', 'Flatten', ['conv']);
      net.dense('fc1', 'flat', positions * 8, 4);
      return net.build(['fc1']);
    };
    const source = build(4);
    const target = build(16);
    const selection = await selectChannels(
      buildChannelGroups(target),
      sourceOptions(source, target, new Map()),
    );
    expect(axisOf(selection, 'fc1', 0, 0)?.flattenChange).toBe(
      'flatten grows 32 -> 128 features (4 -> 16 positions of 8 -> 8 channels): source fc1 kernel 32x4 cannot give 128x4',
    );
  });

  it('a reader whose source width does not match its group gets its own selection (a cut-out block)', async () => {
    // Source: conv_a (8) -> conv_b (16) -> conv_c reads 16. Target: conv_b cut out; conv_c reads conv_a's 8.
    const sourceNet = new NetworkSpec();
    sourceNet.input('img');
    sourceNet.conv('conv_a', 'img', 3, 3, 8);
    sourceNet.conv('conv_b', 'conv_a', 3, 8, 16);
    sourceNet.conv('conv_c', 'conv_b', 3, 16, 4);
    const source = sourceNet.build(['conv_c']);
    const targetNet = new NetworkSpec();
    targetNet.input('img');
    targetNet.conv('conv_a', 'img', 3, 3, 8);
    targetNet.conv('conv_c', 'conv_a', 3, 8, 4);
    const target = targetNet.build(['conv_c']);
    const scores = Array.from({ length: 16 }, (_, c) => (c % 2 === 1 ? 10 + c : 1));
    const values = new Map<string, Tensor>([['conv_c/kernel', channelTensor([3, 3, 16, 4], 2, scores)]]);
    const selection = await selectChannels(buildChannelGroups(target), sourceOptions(source, target, values));
    const own = axisOf(selection, 'conv_c', 0, 2)!;
    expect(own.coupled).toBe(false);
    expect(own.map).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
    expect(own.detail).toMatch(/^keep 8 of 16 by l1 \(chosen for this layer alone/);
    expect(axisOf(selection, 'conv_a', 0, 3)).toBeUndefined();
  });

  it("grow: zeros/target append new channels; replicate repeats and marks the readers' axes for division", async () => {
    const build = (c: number) => {
      const net = new NetworkSpec();
      net.input('img');
      net.conv('conv1', 'img', 1, 3, c);
      net.bn('bn', 'conv1', c);
      net.conv('conv2', 'bn', 1, c, 2);
      return net.build(['conv2']);
    };
    const source = build(3);
    const target = build(5);
    const groups = buildChannelGroups(target);
    const zeros = await selectChannels(groups, sourceOptions(source, target, new Map()));
    expect(axisOf(zeros, 'conv1', 0, 3)).toMatchObject({
      map: [0, 1, 2, -1, -1],
      fill: 'zeros',
      divide: false,
    });
    const own = await selectChannels(
      groups,
      sourceOptions(source, target, new Map(), { rulesOf: () => ({ select: 'l1', grow: 'target' }) }),
    );
    expect(axisOf(own, 'bn', 0, 0)).toMatchObject({ map: [0, 1, 2, -1, -1], fill: 'target' });
    const net2net = await selectChannels(
      groups,
      sourceOptions(source, target, new Map(), { rulesOf: () => ({ select: 'l1', grow: 'replicate' }) }),
    );
    expect(axisOf(net2net, 'conv1', 0, 3)).toMatchObject({ map: [0, 1, 2, 0, 1], divide: false });
    expect(axisOf(net2net, 'bn', 1, 0)).toMatchObject({ map: [0, 1, 2, 0, 1], divide: false });
    expect(axisOf(net2net, 'conv2', 0, 2)).toMatchObject({ map: [0, 1, 2, 0, 1], divide: true });
  });

  it('a classifier head keeps its classes in order', async () => {
    const build = (classes: number) => {
      const net = new NetworkSpec();
      net.input('x');
      net.dense('hidden', 'x', 4, 8);
      net.dense('predictions', 'hidden', 8, classes);
      return net.build(['predictions']);
    };
    const source = build(10);
    const target = build(3);
    const values = new Map<string, Tensor>([
      ['predictions/kernel', channelTensor([8, 10], 1, [0, 0, 0, 0, 0, 0, 0, 9, 9, 9])],
    ]);
    const groups = buildChannelGroups(target);
    const selection = await selectChannels(groups, sourceOptions(source, target, values));
    const head = selection.groups[groupOf(groups, 'predictions', 0, 1)];
    expect(head.head).toBe(true);
    expect(head.map).toEqual([0, 1, 2]);
    expect(head.detail).toBe('keep 3 of 10 by first (classifier head: classes kept in order)');
  });
});
