import { describe, expect, it } from 'vitest';
import type { ModelSpec, TransferPlan } from '../../model';
import { NetworkSpec, asWeightsOnly } from '../../../tests/planning/networkSpecs';
import { evaluatePlan, linkByName, randomStore, storeIO } from '../../../tests/planning/planFixtures';
import { dtypeOf, evaluateTensor, shapeOf } from '../tensor';
import { planTransfer } from './planTransfer';

function weightOf(plan: TransferPlan, layer: string, weight: string) {
  const found = plan.layers.find((l) => l.target === layer)?.weights.find((w) => w.weight === weight);
  if (!found) throw new Error(`no plan for ${layer}/${weight}`);
  return found;
}

/** Every expression has the target weight's shape and dtype. */
function expectWellFormed(plan: TransferPlan, target: ModelSpec): void {
  for (const layer of plan.layers) {
    const spec = target.layers.find((l) => l.id === layer.target)!;
    layer.weights.forEach((weight, i) => {
      expect(shapeOf(weight.expr), `${layer.target}/${weight.weight}`).toEqual(spec.weights[i].shape);
      expect(dtypeOf(weight.expr)).toBe(spec.weights[i].dtype);
    });
  }
  expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
}

function classifier(hidden: number, classes: number, withValues = true): ModelSpec {
  const net = new NetworkSpec([], withValues);
  net.input('x');
  net.dense('hidden', 'x', 6, hidden);
  net.dense('predictions', 'hidden', hidden, classes);
  return net.build(['predictions']);
}

describe('planTransfer: unlinked layers, missing sources, heads', () => {
  it('keeps, zeroes or reports unlinked target layers as the mapping says', async () => {
    const source = classifier(8, 10);
    const target = classifier(8, 10);
    const mapping = linkByName(source, target);
    mapping.links = mapping.links.filter((link) => link.target !== 'hidden');
    const keep = await planTransfer(source, target, mapping);
    expect(weightOf(keep, 'hidden', 'kernel')).toMatchObject({
      status: 'kept-initial',
      expr: { op: 'target', path: 'hidden/kernel', shape: [6, 8], dtype: 'float32' },
      sourceLayer: null,
    });
    expect(keep.unmatched).toEqual(['hidden']);
    expect(keep.unusedSource).toEqual(['hidden']);
    expect(keep.counts).toMatchObject({ 'kept-initial': 2, copied: 2 });
    expect(keep.coverage).toBeCloseTo((8 * 10 + 10) / (6 * 8 + 8 + 8 * 10 + 10), 12);
    expect(keep.problems).toEqual([]);
    expectWellFormed(keep, target);

    const zeros = await planTransfer(source, target, {
      ...mapping,
      defaults: { ...mapping.defaults, unlinked: 'zeros' },
    });
    expect(weightOf(zeros, 'hidden', 'bias')).toMatchObject({
      status: 'zeroed',
      expr: { op: 'zeros', shape: [8], dtype: 'float32' },
    });

    const bare = classifier(8, 10, false);
    const missing = await planTransfer(source, bare, mapping);
    expect(weightOf(missing, 'hidden', 'kernel').status).toBe('missing');
    expect(missing.problems).toContain(
      'hidden/kernel: no source layer linked, and the target file has no value of its own: link a source layer or set unlinked layers to zeros',
    );
  });

  it('reports a link to a layer the source does not have', async () => {
    const source = classifier(8, 10);
    const target = classifier(8, 10);
    const mapping = linkByName(source, target);
    mapping.links[0] = { ...mapping.links[0], source: 'ghost' };
    const plan = await planTransfer(source, target, mapping);
    expect(plan.layers[0].problem).toBe('linked to source layer ghost, which the source model does not have');
    expect(plan.problems).toContain(
      'hidden: linked to source layer ghost, which the source model does not have',
    );
    expect(weightOf(plan, 'hidden', 'kernel').status).toBe('kept-initial');
  });

  it("a classifier head with other classes keeps the target's own values unless 'first' is chosen", async () => {
    const source = classifier(8, 10);
    const target = classifier(8, 3);
    const byDefault = await planTransfer(source, target, linkByName(source, target));
    expect(weightOf(byDefault, 'predictions', 'kernel').status).toBe('kept-initial');
    expect(weightOf(byDefault, 'predictions', 'kernel').steps[0].detail).toBe(
      "keep the target's own value: classifier head 10 -> 3 classes; kept as chosen (head: target by default)",
    );
    expect(weightOf(byDefault, 'hidden', 'kernel').status).toBe('copied');
    expect(byDefault.problems).toEqual([]);

    const first = await planTransfer(
      source,
      target,
      linkByName(source, target, {}, { predictions: { head: 'first' } }),
    );
    expect(weightOf(first, 'predictions', 'kernel').expr).toEqual({
      op: 'take',
      axis: 1,
      index: { kind: 'range', start: 0, length: 3 },
      input: { op: 'read', path: 'predictions/kernel', shape: [8, 10], dtype: 'float32' },
    });
    expect(weightOf(first, 'predictions', 'bias').status).toBe('sliced');

    const bare = classifier(8, 3, false);
    const noValues = await planTransfer(source, bare, linkByName(source, bare));
    expect(weightOf(noValues, 'predictions', 'kernel').status).toBe('sliced');
  });
});

describe('planTransfer: shapes that need more than a slice', () => {
  function flattenNet(positions: number, conv = 'Conv2D'): ModelSpec {
    const net = new NetworkSpec();
    net.input('img');
    net.add(
      'block3_conv',
      conv,
      ['img'],
      [
        ['kernel', [3, 3, 3, 8]],
        ['bias', [8]],
      ],
    );
    net.plain('flatten', 'Flatten', ['block3_conv']);
    net.dense('fc1', 'flatten', positions * 8, 4);
    net.dense('predictions', 'fc1', 4, 2);
    return net.build(['predictions']);
  }

  it('a Flatten whose spatial size changed is a problem until the user keeps the target values', async () => {
    const source = flattenNet(4);
    const target = flattenNet(16);
    const plan = await planTransfer(source, target, linkByName(source, target));
    expect(plan.problems).toEqual([
      "fc1: flatten grows 32 -> 128 features (4 -> 16 positions of 8 -> 8 channels): source fc1 kernel 32x4 cannot give 128x4: choose 'target' (grow or head) for fc1 to keep its own values",
    ]);
    expect(weightOf(plan, 'fc1', 'kernel').status).toBe('kept-initial');
    expect(weightOf(plan, 'fc1', 'bias').status).toBe('kept-initial');
    expect(weightOf(plan, 'predictions', 'kernel').status).toBe('copied');
    expectWellFormed(plan, target);
    const chosen = await planTransfer(
      source,
      target,
      linkByName(source, target, {}, { fc1: { grow: 'target' } }),
    );
    expect(chosen.problems).toEqual([]);
    expect(weightOf(chosen, 'fc1', 'kernel').status).toBe('kept-initial');
  });

  it('reshapes the known cases, and only those unless reshape is allowed', async () => {
    const sourceNet = new NetworkSpec();
    sourceNet.input('x');
    sourceNet.add(
      'proj',
      'Conv2D',
      ['x'],
      [
        ['kernel', [1, 1, 8, 4]],
        ['bias', [4]],
      ],
    );
    sourceNet.add('odd', 'Dense', ['proj'], [['kernel', [4, 6]]]);
    const source = sourceNet.build(['odd']);
    const targetNet = new NetworkSpec();
    targetNet.input('x');
    targetNet.dense('proj', 'x', 8, 4);
    targetNet.add('odd', 'Conv1D', ['proj'], [['kernel', [2, 2, 6]]]);
    const target = targetNet.build(['odd']);
    const plan = await planTransfer(source, target, linkByName(source, target));
    expect(weightOf(plan, 'proj', 'kernel')).toMatchObject({
      status: 'reshaped',
      expr: { op: 'reshape', shape: [8, 4] },
      steps: [
        { kind: 'reshape', detail: 'reshape [1, 1, 8, 4] -> [8, 4]: the same values without size-1 axes' },
      ],
    });
    expect(weightOf(plan, 'odd', 'kernel').status).toBe('kept-initial');
    expect(plan.problems).toEqual([
      "odd/kernel: odd/kernel [4, 6] cannot become [2, 2, 6]: the ranks differ; allow 'reshape' for this link if a plain reshape is right",
    ]);
    const allowed = await planTransfer(
      source,
      target,
      linkByName(source, target, {}, { odd: { reshape: true } }),
    );
    expect(weightOf(allowed, 'odd', 'kernel').status).toBe('reshaped');
    expect(allowed.problems).toEqual([]);
  });

  it('crops or pads kernel windows around the centre', async () => {
    const build = (k: number) => {
      const net = new NetworkSpec();
      net.input('x');
      net.conv('conv', 'x', k, 2, 2);
      return net.build(['conv']);
    };
    const five = build(5);
    const three = build(3);
    const store = randomStore(five, 1);
    const crop = await planTransfer(five, three, linkByName(five, three));
    const kernel = weightOf(crop, 'conv', 'kernel');
    expect(kernel.status).toBe('adapted');
    expect(kernel.steps.map((step) => step.detail)).toEqual([
      'crop axis 0: centre 3 of 5 (kernel size change)',
      'crop axis 1: centre 3 of 5 (kernel size change)',
    ]);
    const cropped = await evaluateTensor(kernel.expr, storeIO(store));
    const full = store.get('conv/kernel')!.data as Float32Array;
    // cropped[y, x, i, o] == full[y + 1, x + 1, i, o]
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 3; x++)
        for (let i = 0; i < 4; i++)
          expect(cropped.data[(y * 3 + x) * 4 + i]).toBe(full[((y + 1) * 5 + (x + 1)) * 4 + i]);
    const pad = await planTransfer(three, five, linkByName(three, five, {}, { conv: { spatial: 'corner' } }));
    expect(weightOf(pad, 'conv', 'kernel').steps[0].detail).toBe(
      'pad axis 0: 3 placed at the top-left corner of 5, zeros around (kernel size change)',
    );
  });

  it('puts a Conv2DTranspose kernel in Conv2D axis order before slicing', async () => {
    const sourceNet = new NetworkSpec();
    sourceNet.input('x');
    sourceNet.add(
      'up',
      'Conv2DTranspose',
      ['x'],
      [
        ['kernel', [3, 3, 6, 4]],
        ['bias', [6]],
      ],
    );
    const source = sourceNet.build(['up']);
    const targetNet = new NetworkSpec();
    targetNet.input('x');
    targetNet.add(
      'up',
      'Conv2D',
      ['x'],
      [
        ['kernel', [3, 3, 4, 3]],
        ['bias', [3]],
      ],
    );
    const target = targetNet.build(['up']);
    const plan = await planTransfer(source, target, linkByName(source, target, { select: 'first' }));
    const kernel = weightOf(plan, 'up', 'kernel');
    expect(kernel.expr).toEqual({
      op: 'take',
      axis: 3,
      index: { kind: 'range', start: 0, length: 3 },
      input: {
        op: 'transpose',
        perm: [0, 1, 3, 2],
        input: { op: 'read', path: 'up/kernel', shape: [3, 3, 6, 4], dtype: 'float32' },
      },
    });
    expect(kernel.steps[0]).toEqual({
      kind: 'convert',
      detail:
        'transpose [3, 3, 6, 4] -> [3, 3, 4, 6]: Conv2DTranspose and Conv2D order kernel axes differently',
    });
    expect(kernel.status).toBe('sliced');
  });

  it('a Conv2DTranspose target slices its output channels on axis 2', async () => {
    const build = (out: number) => {
      const net = new NetworkSpec();
      net.input('x');
      net.add(
        'up',
        'Conv2DTranspose',
        ['x'],
        [
          ['kernel', [3, 3, out, 4]],
          ['bias', [out]],
        ],
      );
      net.conv('next', 'up', 1, out, 2);
      return net.build(['next']);
    };
    const plan = await planTransfer(
      build(6),
      build(3),
      linkByName(build(6), build(3), { select: 'uniform' }),
    );
    expect(weightOf(plan, 'up', 'kernel').expr).toMatchObject({
      op: 'take',
      axis: 2,
      index: { kind: 'indices', indices: [0, 2, 4] },
    });
    expect(weightOf(plan, 'next', 'kernel').expr).toMatchObject({
      op: 'take',
      axis: 2,
      index: { kind: 'indices', indices: [0, 2, 4] },
    });
  });

  it('casts to the target dtype', async () => {
    const source = classifier(8, 10);
    const targetNet = new NetworkSpec();
    targetNet.input('x');
    targetNet.add(
      'hidden',
      'Dense',
      ['x'],
      [
        ['kernel', [6, 8]],
        ['bias', [8]],
      ],
      { dtype: 'float16' },
    );
    const target = targetNet.build(['hidden']);
    const plan = await planTransfer(source, target, linkByName(source, target));
    expect(weightOf(plan, 'hidden', 'kernel')).toMatchObject({
      status: 'converted',
      expr: { op: 'cast', dtype: 'float16' },
    });
    expectWellFormed(plan, target);
  });
});

describe('planTransfer: a block cut out of a weights-only source', () => {
  // Source (weights only, like vggmini_source.h5): c1 (8) -> c2 (16) -> c3 (16 -> 8) -> flatten -> fc.
  // Target (with architecture): c2 cut out, c1 feeds c3 directly.
  function sourceModel(): ModelSpec {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('c1', 'img', 3, 3, 8);
    net.conv('c2', 'c1', 3, 8, 16);
    net.conv('c3', 'c2', 3, 16, 8);
    net.plain('flatten', 'Flatten', ['c3']);
    net.dense('fc', 'flatten', 4 * 8, 2);
    return asWeightsOnly(net.build(['fc']));
  }
  function targetModel(): ModelSpec {
    const net = new NetworkSpec();
    net.input('img');
    net.conv('c1', 'img', 3, 3, 8);
    net.conv('c3', 'c1', 3, 8, 8);
    net.plain('flatten', 'Flatten', ['c3']);
    net.dense('fc', 'flatten', 4 * 8, 2);
    return net.build(['fc']);
  }

  it('slices the reader after the cut on its own and copies the rest', async () => {
    const source = sourceModel();
    const target = targetModel();
    const store = randomStore(source, 11);
    const io = storeIO(store);
    const plan = await planTransfer(source, target, linkByName(source, target), {
      readSource: (expr) => evaluateTensor(expr, io),
    });
    expect(plan.problems).toEqual([]);
    expect(plan.unusedSource).toEqual(['c2']);
    expect(weightOf(plan, 'c1', 'kernel').status).toBe('copied');
    const c3 = weightOf(plan, 'c3', 'kernel');
    expect(c3.status).toBe('sliced');
    expect(c3.steps[0].detail).toMatch(/^slice axis 2: keep 8 of 16 by l1 \(chosen for this layer alone/);
    expect(weightOf(plan, 'fc', 'kernel').status).toBe('copied');
    expectWellFormed(plan, target);
    const values = await evaluatePlan(plan, io);
    // The 8 input channels kept are those with the largest l1 over c3's kernel.
    const full = store.get('c3/kernel')!.data as Float32Array;
    const l1 = Array.from({ length: 16 }, (_, c) => {
      let sum = 0;
      for (let i = c * 8; i < full.length; i += 16 * 8)
        for (let o = 0; o < 8; o++) sum += Math.abs(full[i + o]);
      return sum;
    });
    const best = l1
      .map((score, c) => [score, c])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 8)
      .map(([, c]) => c)
      .sort((a, b) => a - b);
    const sliced = values.get('c3')![0].data as Float32Array;
    expect(sliced[0]).toBe(full[best[0] * 8]);
    expect(sliced[7 * 8 + 5]).toBe(full[best[7] * 8 + 5]);
  });
});
