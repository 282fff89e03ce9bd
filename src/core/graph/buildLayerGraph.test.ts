import { describe, expect, it } from 'vitest';
import { NetworkSpec, asWeightsOnly } from '../../../tests/planning/networkSpecs';
import { buildLayerGraph } from './buildLayerGraph';
import { predecessorsOf, successorsOf, topologicalOrder } from './graphQueries';

const edgeList = (graph: ReturnType<typeof buildLayerGraph>) =>
  graph.edges.map((edge) => `${edge.from}->${edge.to}`);

function residualNet(): NetworkSpec {
  const net = new NetworkSpec();
  net.input('img');
  net.conv('conv1', 'img', 3, 3, 8);
  net.bn('bn1', 'conv1', 8);
  net.plain('relu1', 'ReLU', ['bn1']);
  net.conv('conv2', 'relu1', 3, 8, 8);
  net.conv('skip', 'img', 1, 3, 8);
  net.plain('add', 'Add', ['conv2', 'skip']);
  net.plain('pool', 'GlobalAveragePooling2D', ['add']);
  net.dense('fc', 'pool', 8, 10);
  return net;
}

describe('buildLayerGraph', () => {
  it('draws edges from inbound refs, with ports', () => {
    const graph = buildLayerGraph(residualNet().build(['fc']));
    expect(graph.connectivity).toBe('inbound');
    expect(edgeList(graph)).toEqual([
      'img->conv1',
      'conv1->bn1',
      'bn1->relu1',
      'relu1->conv2',
      'img->skip',
      'conv2->add',
      'skip->add',
      'add->pool',
      'pool->fc',
    ]);
    expect(graph.edges.find((edge) => edge.from === 'skip')?.port).toBe(1);
    expect(graph.inputs).toEqual(['img']);
    expect(graph.outputs).toEqual(['fc']);
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });

  it('skips weightless layers on request', () => {
    const graph = buildLayerGraph(residualNet().build(['fc']));
    expect(successorsOf(graph, 'bn1')).toEqual(['relu1']);
    expect(successorsOf(graph, 'bn1', { skipWeightless: true })).toEqual(['conv2']);
    expect(successorsOf(graph, 'img', { skipWeightless: true })).toEqual(['conv1', 'skip']);
    expect(predecessorsOf(graph, 'fc', { skipWeightless: true })).toEqual(['conv2', 'skip']);
    expect(predecessorsOf(graph, 'add')).toEqual(['conv2', 'skip']);
  });

  it('routes edges into a nested model through its inputs and out of its outputs', () => {
    const inner = new NetworkSpec();
    inner.input('in');
    inner.conv('c', 'in', 3, 4, 6);
    inner.bn('b', 'c', 6);
    const outer = new NetworkSpec();
    outer.input('img');
    outer.conv('stem', 'img', 3, 3, 4);
    outer.nest('backbone', inner, ['stem'], ['b']);
    outer.dense('head', 'backbone', 6, 2);
    const graph = buildLayerGraph(outer.build(['head']));
    expect(edgeList(graph)).toEqual([
      'img->stem',
      'stem->backbone/in',
      'backbone/b->head',
      'backbone/in->backbone/c',
      'backbone/c->backbone/b',
    ]);
    const backbone = graph.nodes.find((node) => node.id === 'backbone')!;
    expect(backbone.isModel).toBe(true);
    expect(backbone.children).toEqual(['backbone/in', 'backbone/c', 'backbone/b']);
    expect(graph.nodes.find((node) => node.id === 'backbone/c')!.parent).toBe('backbone');
    expect(successorsOf(graph, 'stem', { skipWeightless: true })).toEqual(['backbone/c']);
    expect(topologicalOrder(graph)).toEqual([
      'img',
      'stem',
      'backbone/in',
      'backbone/c',
      'backbone/b',
      'head',
    ]);
  });

  it('chains a nested Sequential without inbound refs', () => {
    const inner = new NetworkSpec();
    inner.add('d1', 'Dense', [], [['kernel', [4, 4]]]);
    inner.add('d2', 'Dense', [], [['kernel', [4, 2]]]);
    const outer = new NetworkSpec();
    outer.input('x');
    outer.nest('seq', inner, ['x'], [], 'Sequential');
    outer.dense('out', 'seq', 2, 1);
    const spec = outer.build(['out']);
    const seq = spec.layers.find((layer) => layer.id === 'seq')!;
    delete seq.modelInputs;
    delete seq.modelOutputs;
    const graph = buildLayerGraph(spec);
    expect(graph.connectivity).toBe('mixed');
    expect(edgeList(graph)).toEqual(['x->seq/d1', 'seq/d2->out', 'seq/d1->seq/d2']);
  });

  it('is a chain in layer order when the file has no architecture', () => {
    const graph = buildLayerGraph(asWeightsOnly(residualNet().build(['fc'])));
    expect(graph.connectivity).toBe('chain');
    expect(edgeList(graph)).toEqual([
      'img->conv1',
      'conv1->bn1',
      'bn1->relu1',
      'relu1->conv2',
      'conv2->skip',
      'skip->add',
      'add->pool',
      'pool->fc',
    ]);
    expect(graph.inputs).toEqual(['img']);
    expect(graph.outputs).toEqual(['fc']);
  });

  it('keeps one edge per call of a shared layer and reports unknown refs', () => {
    const net = new NetworkSpec();
    net.input('a');
    net.input('b');
    net.add('shared', 'Dense', ['a'], [['kernel', [3, 3]]], { moreCalls: [['b']] });
    net.plain('sum', 'Add', ['shared', 'ghost']);
    const graph = buildLayerGraph(net.build(['sum']));
    expect(graph.edges.filter((edge) => edge.to === 'shared').map((edge) => [edge.from, edge.call])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(graph.nodes.find((node) => node.id === 'ghost')?.implicit).toBe(true);
    expect(graph.problems).toEqual(['layer ghost is referenced but not listed; drawn as an implicit input']);
  });
});
