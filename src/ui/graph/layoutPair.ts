// Positions for the whole diff view: both graphs in one coordinate system (so one zoom moves both and
// the links between them stay attached), rows shared by linked layers, and bands where one side has
// layers the other does not. Pure and serialisable: it runs in the layout worker.

import type { Side } from '../../worker/sessionApi';
import type { GraphInput, GraphNode } from './graphInput';
import { alignRows, type Row } from './alignRows';
import { assignLanes, edgeKey } from './assignLanes';

export const GEOMETRY = {
  rowHeight: 34,
  nodeHeight: 26,
  boxWidth: 250,
  laneWidth: 12,
  gutterPad: 10,
  linkGap: 200,
  depthIndent: 12,
  /** Lanes drawn at most; deeper branching shares the outermost lane. */
  maxLanes: 10,
  top: 12,
} as const;

export interface PlacedNode {
  id: string;
  node: GraphNode;
  row: number;
  lane: number;
  /** Centre line of the row. */
  y: number;
  boxLeft: number;
  boxRight: number;
  dotX: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  d: string;
}

export type BandKind = 'cut' | 'unused' | 'new';

export interface Band {
  /** The side that has no layers on these rows. */
  side: Side;
  kind: BandKind;
  fromRow: number;
  toRow: number;
  y: number;
  height: number;
  /** How many layers of the other side (with weights) the gap stands for. */
  layers: number;
  weighted: number;
}

export interface SideLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  lanes: number;
  boxLeft: number;
  boxRight: number;
  /** Maps every layer id of the model to the visible node that stands for it. */
  representative: Record<string, string>;
}

export interface PairLayout {
  rows: Row[];
  width: number;
  height: number;
  source: SideLayout | null;
  target: SideLayout | null;
  bands: Band[];
}

export interface PairLayoutInput {
  source: GraphInput | null;
  target: GraphInput | null;
  links: { source: string; target: string }[];
  /** Source layer ids inside a cut. */
  cutSource: string[];
}

const rowKey = (node: GraphNode) => (node.className ?? '?') + (node.shape ? '' : ':noweights');

export const rowCentre = (row: number) => GEOMETRY.top + row * GEOMETRY.rowHeight + GEOMETRY.rowHeight / 2;

function edgePath(x1: number, y1: number, xLane: number, x2: number, y2: number): string {
  if (y2 <= y1) return `M${x1},${y1}L${x2},${y2}`;
  if (x1 === xLane && xLane === x2) return `M${x1},${y1}V${y2}`;
  const r = Math.min(GEOMETRY.rowHeight / 2, (y2 - y1) / 2);
  return `M${x1},${y1}C${x1},${y1 + r} ${xLane},${y1} ${xLane},${y1 + r}V${y2 - r}C${xLane},${y2} ${x2},${y2 - r} ${x2},${y2}`;
}

function layoutSide(side: Side, graph: GraphInput, rowOf: Map<string, number>, boxLeft: number): SideLayout {
  const lanes = assignLanes(graph.nodes);
  const laneCount = Math.min(lanes.count, GEOMETRY.maxLanes);
  const boxRight = boxLeft + GEOMETRY.boxWidth;
  const laneX = (lane: number) => {
    const k = Math.min(lane, GEOMETRY.maxLanes - 1);
    const offset = GEOMETRY.gutterPad + k * GEOMETRY.laneWidth + GEOMETRY.laneWidth / 2;
    // Lane 0 hugs the box; source lanes grow to the left, target lanes to the right (mirror images).
    return side === 'source' ? boxLeft - offset : boxRight + offset;
  };
  const placed = new Map<string, PlacedNode>();
  for (const node of graph.nodes) {
    const row = rowOf.get(node.id)!;
    const lane = lanes.lane.get(node.id) ?? 0;
    const indent = node.depth * GEOMETRY.depthIndent;
    placed.set(node.id, {
      id: node.id,
      node,
      row,
      lane,
      y: rowCentre(row),
      boxLeft: side === 'source' ? boxLeft + indent : boxLeft,
      boxRight: side === 'source' ? boxRight : boxRight - indent,
      dotX: laneX(lane),
    });
  }
  const edges: PlacedEdge[] = [];
  for (const node of graph.nodes) {
    const to = placed.get(node.id)!;
    for (const input of node.inputs) {
      const from = placed.get(input);
      if (!from) continue;
      const lane = lanes.edgeLane.get(edgeKey(input, node.id)) ?? from.lane;
      edges.push({ from: input, to: node.id, d: edgePath(from.dotX, from.y, laneX(lane), to.dotX, to.y) });
    }
  }
  return {
    nodes: [...placed.values()],
    edges,
    lanes: laneCount,
    boxLeft,
    boxRight,
    representative: graph.representative,
  };
}

function gutterWidth(graph: GraphInput | null): number {
  if (!graph) return GEOMETRY.gutterPad * 2;
  return (
    GEOMETRY.gutterPad * 2 + Math.min(assignLanes(graph.nodes).count, GEOMETRY.maxLanes) * GEOMETRY.laneWidth
  );
}

function findBands(
  rows: Row[],
  source: GraphInput | null,
  target: GraphInput | null,
  cutSource: ReadonlySet<string>,
): Band[] {
  const weighted = new Set<string>();
  for (const node of [...(source?.nodes ?? []), ...(target?.nodes ?? [])])
    if (node.weightCount > 0) weighted.add(node.id);
  const bands: Band[] = [];
  const scan = (side: Side) => {
    if (!source || !target || rows.length === 0) return;
    const other = side === 'target' ? 'source' : 'target';
    // A band is a run of rows of one kind; two cuts next to each other are still one band per cut kind.
    const kindOf = (row: Row): BandKind | null => {
      if (row[side] !== null || row[other] === null) return null;
      if (side === 'source') return 'new';
      return cutSource.has(row.source!) ? 'cut' : 'unused';
    };
    let start = 0;
    for (let i = 1; i <= rows.length; i++) {
      const kind = kindOf(rows[start]);
      if (i < rows.length && kindOf(rows[i]) === kind) continue;
      if (kind) {
        const ids = rows.slice(start, i).map((r) => r[other]!);
        const heavy = ids.filter((id) => weighted.has(id)).length;
        if (heavy > 0 || kind === 'cut') {
          bands.push({
            side,
            kind,
            fromRow: start,
            toRow: i - 1,
            y: GEOMETRY.top + start * GEOMETRY.rowHeight,
            height: (i - start) * GEOMETRY.rowHeight,
            layers: ids.length,
            weighted: heavy,
          });
        }
      }
      start = i;
    }
  };
  scan('target');
  scan('source');
  return bands;
}

export function layoutPair(input: PairLayoutInput): PairLayout {
  const { source, target } = input;
  const toRowNodes = (g: GraphInput | null) =>
    g
      ? g.nodes.map((n) => ({
          id: n.id,
          key: rowKey(n),
          weighted: n.weightCount > 0,
          unknownClass: n.className === null,
        }))
      : [];
  // Only links between layers shown as themselves hold rows together; one into a collapsed model does not.
  const anchorLinks = input.links.filter(
    (l) => source?.representative[l.source] === l.source && target?.representative[l.target] === l.target,
  );
  const rows = alignRows(toRowNodes(source), toRowNodes(target), anchorLinks);
  const sourceRow = new Map<string, number>();
  const targetRow = new Map<string, number>();
  rows.forEach((row, i) => {
    if (row.source) sourceRow.set(row.source, i);
    if (row.target) targetRow.set(row.target, i);
  });
  const sourceBoxLeft = gutterWidth(source);
  const targetBoxLeft = sourceBoxLeft + GEOMETRY.boxWidth + GEOMETRY.linkGap;
  const sourceLayout = source ? layoutSide('source', source, sourceRow, sourceBoxLeft) : null;
  const targetLayout = target ? layoutSide('target', target, targetRow, targetBoxLeft) : null;
  return {
    rows,
    width: targetBoxLeft + GEOMETRY.boxWidth + gutterWidth(target),
    height: GEOMETRY.top * 2 + rows.length * GEOMETRY.rowHeight,
    source: sourceLayout,
    target: targetLayout,
    bands: findBands(rows, source, target, new Set(input.cutSource)),
  };
}
