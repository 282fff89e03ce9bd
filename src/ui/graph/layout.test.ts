import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../model';
import { NetworkSpec } from '../../../tests/planning/networkSpecs';
import { parseModelJsonText } from '../../formats/keras/modelConfig';
import { alignRows, increasingChain } from './alignRows';
import { assignLanes, edgeKey } from './assignLanes';
import { buildGraphInput } from './graphInput';
import { GEOMETRY, layoutPair } from './layoutPair';

const show = { hideWeightless: false, collapsed: new Set<string>() };

function residualNet(): ModelSpec {
  const net = new NetworkSpec();
  net.input('img');
  net.conv('conv1', 'img', 3, 3, 8);
  net.plain('relu1', 'ReLU', ['conv1']);
  net.conv('conv2', 'relu1', 3, 8, 8);
  net.plain('add', 'Add', ['conv2', 'relu1']);
  net.dense('fc', 'add', 8, 10);
  return net.build(['fc']);
}

function nestedNet(): ModelSpec {
  const inner = new NetworkSpec();
  inner.input('in');
  inner.conv('c', 'in', 3, 4, 6);
  inner.plain('r', 'ReLU', ['c']);
  const outer = new NetworkSpec();
  outer.input('img');
  outer.conv('stem', 'img', 3, 3, 4);
  outer.nest('backbone', inner, ['stem'], ['r']);
  outer.dense('head', 'backbone', 6, 2);
  return outer.build(['head']);
}

describe('increasingChain', () => {
  it('keeps the longest run of pairs increasing in both orders', () => {
    expect(
      increasingChain([
        [0, 0],
        [5, 1],
        [1, 2],
        [2, 3],
        [3, 4],
      ]),
    ).toEqual([
      [0, 0],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(increasingChain([])).toEqual([]);
    expect(
      increasingChain([
        [2, 0],
        [1, 1],
        [0, 2],
      ]),
    ).toHaveLength(1);
  });
});

describe('alignRows', () => {
  const nodes = (...ids: string[]) => ids.map((id) => ({ id, key: id.replace(/\d+$/, '') }));

  it('puts linked layers on one row and leaves a gap where a block was cut', () => {
    const rows = alignRows(nodes('a', 'b', 'c', 'd'), nodes('a2', 'd2'), [
      { source: 'a', target: 'a2' },
      { source: 'd', target: 'd2' },
    ]);
    expect(rows).toEqual([
      { source: 'a', target: 'a2' },
      { source: 'b', target: null },
      { source: 'c', target: null },
      { source: 'd', target: 'd2' },
    ]);
  });

  it('pairs unlinked layers of the same kind between links, and never a linked one', () => {
    const source = [
      { id: 's1', key: 'Conv' },
      { id: 's2', key: 'ReLU' },
      { id: 's3', key: 'Conv' },
    ];
    const target = [
      { id: 't1', key: 'Conv' },
      { id: 't2', key: 'ReLU' },
      { id: 't3', key: 'Conv' },
    ];
    const rows = alignRows(source, target, [
      { source: 's1', target: 't1' },
      { source: 's3', target: 't2' },
    ]);
    // s3 is linked to t2 but t3 comes after t2; t3 must not be paired with s3's row partner.
    expect(rows.filter((r) => r.source && r.target)).toEqual([
      { source: 's1', target: 't1' },
      { source: 's3', target: 't2' },
    ]);
    expect(rows).toHaveLength(4);
    const twoRelus = alignRows(source, target, [
      { source: 's1', target: 't1' },
      { source: 's3', target: 't3' },
    ]);
    expect(twoRelus).toEqual([
      { source: 's1', target: 't1' },
      { source: 's2', target: 't2' },
      { source: 's3', target: 't3' },
    ]);
  });

  it('pairs a layer of unknown class (weights-only file) with a like layer of the other side', () => {
    const source = [
      { id: 'pool', key: '?', weighted: false, unknownClass: true },
      { id: 'conv', key: '?', weighted: true, unknownClass: true },
    ];
    const target = [
      { id: 'pool2', key: 'MaxPooling2D', weighted: false },
      { id: 'conv2', key: 'Conv2D', weighted: true },
    ];
    expect(alignRows(source, target, [])).toEqual([
      { source: 'pool', target: 'pool2' },
      { source: 'conv', target: 'conv2' },
    ]);
    const known = source.map((n) => ({ ...n, unknownClass: false }));
    expect(alignRows(known, target, [])).toHaveLength(4);
  });

  it('gives a crossing link no shared row and still places every layer once', () => {
    const rows = alignRows(nodes('a', 'b', 'c'), nodes('x', 'y', 'z'), [
      { source: 'a', target: 'z' },
      { source: 'b', target: 'x' },
      { source: 'c', target: 'y' },
    ]);
    expect(rows.map((r) => r.source).filter(Boolean)).toEqual(['a', 'b', 'c']);
    expect(rows.map((r) => r.target).filter(Boolean)).toEqual(['x', 'y', 'z']);
    expect(rows.find((r) => r.source === 'a')!.target).toBeNull();
  });
});

describe('assignLanes', () => {
  it('keeps a chain in one lane and moves a shortcut aside until it merges', () => {
    const lanes = assignLanes([
      { id: 'in', inputs: [] },
      { id: 'conv1', inputs: ['in'] },
      { id: 'conv2', inputs: ['conv1'] },
      { id: 'add', inputs: ['conv2', 'in'] },
      { id: 'fc', inputs: ['add'] },
    ]);
    expect(['in', 'conv1', 'conv2', 'add', 'fc'].map((id) => lanes.lane.get(id))).toEqual([0, 0, 0, 0, 0]);
    expect(lanes.edgeLane.get(edgeKey('in', 'add'))).toBe(1);
    expect(lanes.edgeLane.get(edgeKey('conv2', 'add'))).toBe(0);
    expect(lanes.count).toBe(2);
  });

  it('frees a lane once its tensor is used, so sequential blocks reuse it', () => {
    const nodes = [{ id: 'x0', inputs: [] as string[] }];
    for (let b = 1; b <= 5; b++) {
      nodes.push({ id: `c${b}`, inputs: [`x${b - 1}`] }, { id: `x${b}`, inputs: [`c${b}`, `x${b - 1}`] });
    }
    expect(assignLanes(nodes).count).toBe(2);
  });
});

describe('buildGraphInput', () => {
  it('draws every layer with its producers', () => {
    const graph = buildGraphInput(residualNet(), show);
    expect(graph.nodes.map((n) => n.id)).toEqual(['img', 'conv1', 'relu1', 'conv2', 'add', 'fc']);
    expect(graph.nodes.find((n) => n.id === 'add')!.inputs).toEqual(['conv2', 'relu1']);
    expect(graph.nodes.find((n) => n.id === 'conv1')!.shape).toBe('3×3×3×8');
  });

  it('hides weightless layers and draws edges through them', () => {
    const graph = buildGraphInput(residualNet(), { ...show, hideWeightless: true });
    expect(graph.nodes.map((n) => n.id)).toEqual(['conv1', 'conv2', 'fc']);
    expect(graph.nodes.find((n) => n.id === 'conv2')!.inputs).toEqual(['conv1']);
    expect(graph.nodes.find((n) => n.id === 'fc')!.inputs).toEqual(['conv2', 'conv1']);
  });

  it('collapses a nested model into one node that stands for its layers', () => {
    const open = buildGraphInput(nestedNet(), show);
    expect(open.nodes.map((n) => n.id)).toEqual([
      'img',
      'stem',
      'backbone',
      'backbone/in',
      'backbone/c',
      'backbone/r',
      'head',
    ]);
    expect(open.nodes.find((n) => n.id === 'head')!.inputs).toEqual(['backbone/r']);
    expect(open.nodes.find((n) => n.id === 'backbone')!.nested).toEqual({ collapsed: false, inner: 3 });
    const closed = buildGraphInput(nestedNet(), { ...show, collapsed: new Set(['backbone']) });
    expect(closed.nodes.map((n) => n.id)).toEqual(['img', 'stem', 'backbone', 'head']);
    expect(closed.nodes.find((n) => n.id === 'backbone')!.inputs).toEqual(['stem']);
    expect(closed.nodes.find((n) => n.id === 'head')!.inputs).toEqual(['backbone']);
    expect(closed.representative['backbone/c']).toBe('backbone');
    expect(closed.nodes.find((n) => n.id === 'backbone')!.weightCount).toBe(2);
  });
});

describe('layoutPair', () => {
  it('places linked layers on one row with bands for what one side lacks', () => {
    const source = buildGraphInput(residualNet(), show);
    const targetNet = new NetworkSpec();
    targetNet.input('img');
    targetNet.conv('conv1', 'img', 3, 3, 8);
    targetNet.dense('fc', 'conv1', 8, 10);
    const target = buildGraphInput(targetNet.build(['fc']), show);
    const layout = layoutPair({
      source,
      target,
      links: [
        { source: 'conv1', target: 'conv1' },
        { source: 'fc', target: 'fc' },
      ],
      cutSource: ['conv2'],
    });
    const row = (side: 'source' | 'target', id: string) => layout[side]!.nodes.find((n) => n.id === id)!.row;
    expect(row('source', 'conv1')).toBe(row('target', 'conv1'));
    expect(row('source', 'fc')).toBe(row('target', 'fc'));
    const cut = layout.bands.find((b) => b.kind === 'cut')!;
    expect(cut.side).toBe('target');
    expect(cut.fromRow).toBe(row('source', 'conv2'));
    expect(layout.target!.boxLeft - layout.source!.boxRight).toBe(GEOMETRY.linkGap);
    expect(layout.height).toBe(GEOMETRY.top * 2 + layout.rows.length * GEOMETRY.rowHeight);
  });

  const resmini = path.resolve(__dirname, '../../../../shared/fixtures/keras-apps/resmini_source.json');
  describe.skipIf(!existsSync(resmini))('on a real ResNet-style architecture (shared fixture)', () => {
    it('draws every layer once, with branch lanes for the shortcuts', () => {
      const arch = parseModelJsonText(readFileSync(resmini, 'utf8'), 'resmini_source.json');
      const spec: ModelSpec = {
        format: 'keras-json',
        kerasVersion: arch.kerasVersion,
        backend: arch.backend,
        modelClass: arch.modelClass,
        name: arch.name,
        layers: arch.layers,
        inputs: arch.inputs,
        outputs: arch.outputs,
        modelConfig: arch.raw,
        archiveMetadata: null,
        notes: [],
      };
      const graph = buildGraphInput(spec, show);
      expect(graph.nodes).toHaveLength(125); // MANIFEST.md: 125 layers
      const layout = layoutPair({
        source: graph,
        target: graph,
        links: graph.nodes.map((n) => ({ source: n.id, target: n.id })),
        cutSource: [],
      });
      expect(layout.rows).toHaveLength(125);
      expect(layout.rows.every((r) => r.source === r.target)).toBe(true);
      expect(layout.source!.lanes).toBeGreaterThanOrEqual(2);
      // Every Add merges two branches: one of its inputs arrives from a side lane.
      const adds = graph.nodes.filter((n) => n.className === 'Add');
      expect(adds).toHaveLength(11);
      for (const add of adds) expect(add.inputs).toHaveLength(2);
      const edgeCount = graph.nodes.reduce((n, node) => n + node.inputs.length, 0);
      expect(layout.source!.edges).toHaveLength(edgeCount);
    });
  });
});
