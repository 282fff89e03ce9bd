// Draws the laid-out pair with d3 data joins: bands, the two graphs and the links between them.
// React owns the <svg> and the state; this owns the elements inside the viewport group.

import * as d3 from 'd3';
import type { Link } from '../../model';
import type { Side } from '../../worker/sessionApi';
import type { LinkStatus } from '../../state/linkStatus';
import {
  GEOMETRY,
  type Band,
  type PairLayout,
  type PlacedEdge,
  type PlacedNode,
  type SideLayout,
} from './layoutPair';

export interface DrawState {
  layout: PairLayout;
  links: readonly Link[];
  /** Plan status per target layer id; missing while the plan is computed. */
  status: ReadonlyMap<string, LinkStatus>;
  selectedLink: string | null;
  selectedLayer: { side: Side; id: string } | null;
  range: ReadonlySet<string>;
  cutSource: ReadonlySet<string>;
  /** `<side>:<id>` of layers matching the search. */
  hits: ReadonlySet<string>;
}

export interface DrawHandlers {
  nodeClick(side: Side, id: string, event: MouseEvent): void;
  toggleCollapse(side: Side, id: string): void;
  linkClick(link: Link): void;
}

export interface PlacedLink {
  link: Link;
  from: PlacedNode;
  to: PlacedNode;
  d: string;
}

const CHAR_WIDTH = 6.3;

function fit(text: string, width: number): string {
  const max = Math.max(4, Math.floor(width / CHAR_WIDTH));
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

const linkShape = d3
  .linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>()
  .source((d) => d.source)
  .target((d) => d.target);

export function placeLinks(layout: PairLayout, links: readonly Link[]): PlacedLink[] {
  if (!layout.source || !layout.target) return [];
  const sourceNodes = new Map(layout.source.nodes.map((n) => [n.id, n]));
  const targetNodes = new Map(layout.target.nodes.map((n) => [n.id, n]));
  const placed: PlacedLink[] = [];
  for (const link of links) {
    const from = sourceNodes.get(layout.source.representative[link.source] ?? link.source);
    const to = targetNodes.get(layout.target.representative[link.target] ?? link.target);
    if (!from || !to) continue;
    const d = linkShape({ source: [from.boxRight, from.y], target: [to.boxLeft, to.y] }) ?? '';
    placed.push({ link, from, to, d });
  }
  return placed;
}

function drawBands(root: d3.Selection<SVGGElement, unknown, null, undefined>, layout: PairLayout) {
  const columnOf = (band: Band) => {
    const side = band.side === 'source' ? layout.source : layout.target;
    return side ? { x: side.boxLeft - 4, width: side.boxRight - side.boxLeft + 8 } : { x: 0, width: 0 };
  };
  const label = (band: Band) => {
    const n = band.weighted;
    if (band.kind === 'cut')
      return `cut: ${band.layers} source layer${band.layers === 1 ? '' : 's'} left out`;
    if (band.kind === 'new') return `new in target: ${n} weighted layer${n === 1 ? '' : 's'}`;
    return `no counterpart: ${n} weighted source layer${n === 1 ? '' : 's'}`;
  };
  const bands = root
    .selectAll<SVGGElement, Band>('g.band')
    .data(layout.bands, (b) => `${b.side}:${b.fromRow}`)
    .join((enter) => {
      const g = enter.append('g');
      g.append('rect');
      g.append('text');
      return g;
    })
    .attr('class', (b) => `band band-${b.kind}`)
    .attr('data-band', (b) => b.kind);
  bands
    .select('rect')
    .attr('x', (b) => columnOf(b).x)
    .attr('width', (b) => columnOf(b).width)
    .attr('y', (b) => b.y + 2)
    .attr('height', (b) => b.height - 4)
    .attr('rx', 6);
  bands
    .select('text')
    .attr('x', (b) => columnOf(b).x + columnOf(b).width / 2)
    .attr('y', (b) => b.y + Math.min(b.height / 2, 20) + 4)
    .attr('text-anchor', 'middle')
    .text(label);
}

function nodeClass(side: Side, node: PlacedNode, state: DrawState, linked: ReadonlySet<string>): string {
  const classes = ['node', `node-${side}`];
  const weighted = node.node.weightCount > 0;
  if (!weighted) classes.push('weightless');
  if (node.node.nested) classes.push('nested');
  if (side === 'target' && weighted && !node.node.nested) {
    const status = state.status.get(node.id);
    if (!linked.has(node.id)) classes.push(status === 'problem' ? 'status-problem' : 'unmatched');
    else if (status) classes.push(`status-${status}`);
  }
  if (side === 'source') {
    if (state.cutSource.has(node.id)) classes.push('in-cut');
    else if (weighted && !node.node.nested && !linked.has(node.id)) classes.push('unused');
    if (state.range.has(node.id)) classes.push('in-range');
  }
  if (state.selectedLayer?.side === side && state.selectedLayer.id === node.id) classes.push('selected');
  if (state.hits.has(`${side}:${node.id}`)) classes.push('hit');
  return classes.join(' ');
}

function drawSide(
  root: d3.Selection<SVGGElement, unknown, null, undefined>,
  side: Side,
  layout: SideLayout | null,
  state: DrawState,
  linked: ReadonlySet<string>,
  handlers: DrawHandlers,
) {
  const edges = root.selectAll<SVGGElement, null>('g.edges').data([null]).join('g').attr('class', 'edges');
  edges
    .selectAll<SVGPathElement, PlacedEdge>('path')
    .data(layout?.edges ?? [], (e) => `${e.from}\u0000${e.to}`)
    .join('path')
    .attr('d', (e) => e.d);

  const nodesRoot = root
    .selectAll<SVGGElement, null>('g.nodes')
    .data([null])
    .join('g')
    .attr('class', 'nodes');
  const nodes = nodesRoot
    .selectAll<SVGGElement, PlacedNode>('g.node')
    .data(layout?.nodes ?? [], (n) => n.id)
    .join((enter) => {
      const g = enter.append('g');
      g.append('line').attr('class', 'stub');
      g.append('circle').attr('class', 'dot').attr('r', 3.5);
      g.append('rect').attr('class', 'box').attr('rx', 4);
      g.append('text').attr('class', 'name');
      g.append('text').attr('class', 'meta');
      g.append('title');
      return g;
    })
    .attr('class', (n) => nodeClass(side, n, state, linked))
    .attr('data-side', side)
    .attr('data-layer', (n) => n.id)
    .attr('transform', (n) => `translate(0,${n.y})`)
    .on('click', (event: MouseEvent, n) => {
      if ((event.target as Element).closest('.toggle')) return;
      handlers.nodeClick(side, n.id, event);
    });

  const h = GEOMETRY.nodeHeight;
  nodes
    .select('line.stub')
    .attr('x1', (n) => n.dotX)
    .attr('x2', (n) => (side === 'source' ? n.boxLeft : n.boxRight))
    .attr('y1', 0)
    .attr('y2', 0);
  nodes.select('circle.dot').attr('cx', (n) => n.dotX);
  nodes
    .select('rect.box')
    .attr('x', (n) => n.boxLeft)
    .attr('y', -h / 2)
    .attr('width', (n) => n.boxRight - n.boxLeft)
    .attr('height', h);
  const textLeft = (n: PlacedNode) => n.boxLeft + (n.node.nested ? 20 : 7);
  const textWidth = (n: PlacedNode) => n.boxRight - textLeft(n) - 6;
  nodes
    .select('text.name')
    .attr('x', textLeft)
    .attr('y', -2)
    .text((n) => fit(n.node.name, textWidth(n)));
  nodes
    .select('text.meta')
    .attr('x', textLeft)
    .attr('y', 9)
    .text((n) => {
      const cls = n.node.className ?? 'unknown class';
      const extra = n.node.nested
        ? `${n.node.nested.inner} layers${n.node.nested.collapsed ? ', collapsed' : ''}`
        : n.node.shape || (n.node.weightCount > 0 ? `${n.node.weightCount} weights` : 'no weights');
      return fit(`${cls} · ${extra}`, textWidth(n));
    });
  nodes
    .select('title')
    .text(
      (n) =>
        `${n.id}\n${n.node.className ?? 'class unknown'}${n.node.shape ? `\nmain weight ${n.node.shape}` : ''}`,
    );

  nodes
    .selectAll<SVGTextElement, PlacedNode>('text.toggle')
    .data((n) => (n.node.nested ? [n] : []))
    .join('text')
    .attr('class', 'toggle')
    .attr('data-collapse-toggle', (n) => n.id)
    .attr('x', (n) => n.boxLeft + 6)
    .attr('y', 4)
    .text((n) => (n.node.nested?.collapsed ? '▸' : '▾'))
    .on('click', (event: MouseEvent, n) => {
      event.stopPropagation();
      handlers.toggleCollapse(side, n.id);
    });
}

function drawLinks(
  root: d3.Selection<SVGGElement, unknown, null, undefined>,
  state: DrawState,
  handlers: DrawHandlers,
) {
  const placed = placeLinks(state.layout, state.links);
  const statusOf = (p: PlacedLink) => state.status.get(p.link.target) ?? 'pending';
  const links = root
    .selectAll<SVGGElement, PlacedLink>('g.link')
    .data(placed, (p) => p.link.target)
    .join((enter) => {
      const g = enter.append('g');
      g.append('path').attr('class', 'hit');
      g.append('path').attr('class', 'line');
      g.append('circle').attr('class', 'handle').attr('r', 5);
      g.append('title');
      return g;
    })
    .attr('class', (p) => {
      const classes = ['link', `link-${statusOf(p)}`];
      if (p.link.origin === 'manual') classes.push('manual');
      if (p.link.locked) classes.push('locked');
      if (state.selectedLink === p.link.target) classes.push('selected');
      return classes.join(' ');
    })
    .attr('data-link-target', (p) => p.link.target)
    .attr('data-link-source', (p) => p.link.source)
    .attr('data-status', statusOf)
    .on('click', (event: MouseEvent, p) => {
      event.stopPropagation();
      handlers.linkClick(p.link);
    });
  links.select('path.hit').attr('d', (p) => p.d);
  links.select('path.line').attr('d', (p) => p.d);
  links
    .select('circle.handle')
    .attr('cx', (p) => p.to.boxLeft - 5)
    .attr('cy', (p) => p.to.y);
  links
    .select('title')
    .text(
      (p) =>
        `${p.link.source} → ${p.link.target}\n${statusOf(p)} · ${p.link.origin}${p.link.locked ? ' · locked' : ''}`,
    );
}

export interface PairLayers {
  brush: SVGGElement;
  drag: SVGGElement;
}

/** Bring the viewport group's content up to date with `state`; returns the groups gestures draw into. */
export function drawPair(viewport: SVGGElement, state: DrawState, handlers: DrawHandlers): PairLayers {
  const root = d3.select(viewport);
  // Fixed stacking order: bands under everything, the brush under the nodes, links and the drag preview on top.
  const layer = (name: string, testId?: string) => {
    const g = root
      .selectAll<SVGGElement, string>(`g.layer-${name}`)
      .data([name])
      .join('g')
      .attr('class', `layer-${name}`);
    if (testId) g.attr('data-testid', testId);
    return g as unknown as d3.Selection<SVGGElement, unknown, null, undefined>;
  };
  const bands = layer('bands');
  const brush = layer('brush');
  const source = layer('source', 'source-graph');
  const target = layer('target', 'target-graph');
  const links = layer('links', 'links');
  const drag = layer('drag');
  const linkedSources = new Set(state.links.map((l) => l.source));
  const linkedTargets = new Set(state.links.map((l) => l.target));
  drawBands(bands, state.layout);
  drawSide(source, 'source', state.layout.source, state, linkedSources, handlers);
  drawSide(target, 'target', state.layout.target, state, linkedTargets, handlers);
  drawLinks(links, state, handlers);
  return { brush: brush.node()!, drag: drag.node()! };
}
