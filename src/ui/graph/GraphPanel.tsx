// The diff view: source graph left, target graph right, the mapping links between them, one zoom for
// all three so they scroll together. Drag a source layer onto a target layer to link them; drag a
// link's end away to cut it; shift-click or shift-drag source layers to pick a range.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import type { Link } from '../../model';
import type { Side } from '../../worker/sessionApi';
import { cutSourceIds } from '../../core/mapping';
import { statusByTarget } from '../../state/linkStatus';
import { useMappingStore } from '../../state/mappingStore';
import { usePlanStore } from '../../state/planStore';
import { useSidesStore } from '../../state/sidesStore';
import { useViewStore } from '../../state/viewStore';
import { drawPair, type DrawHandlers, type PlacedLink } from './drawPair';
import type { PairLayout, PlacedNode } from './layoutPair';
import { connectLayers, moveLinkEnd } from './linkEditing';
import { usePairLayout } from './usePairLayout';
import { GraphControls } from './GraphControls';

interface Refusal {
  x: number;
  y: number;
  text: string;
}

function rangeIds(layout: PairLayout | null, anchor: string, focus: string): string[] {
  const nodes = layout?.source?.nodes ?? [];
  const a = nodes.findIndex((n) => n.id === anchor);
  const b = nodes.findIndex((n) => n.id === focus);
  if (a < 0 || b < 0) return [];
  return nodes.slice(Math.min(a, b), Math.max(a, b) + 1).map((n) => n.id);
}

export function GraphPanel() {
  const source = useSidesStore((s) => s.source.spec);
  const target = useSidesStore((s) => s.target.spec);
  const mapping = useMappingStore((s) => s.history.present);
  const plan = usePlanStore((s) => s.plan);
  const view = useViewStore();
  const { layout, error: layoutError } = usePairLayout(
    source,
    target,
    mapping,
    view.hideWeightless,
    view.collapsed,
  );

  const svgRef = useRef<SVGSVGElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<d3.ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const fittedFor = useRef<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [checking, setChecking] = useState(false);

  const status = useMemo(() => (plan ? statusByTarget(plan) : new Map()), [plan]);
  const cutIds = useMemo(() => {
    if (!source) return new Set<string>();
    try {
      return cutSourceIds(mapping.cuts, source);
    } catch {
      return new Set<string>();
    }
  }, [mapping.cuts, source]);
  const range = useMemo(
    () => new Set(view.range ? rangeIds(layout, view.range.anchor, view.range.focus) : []),
    [layout, view.range],
  );
  const hits = useMemo(() => {
    const query = view.search.trim().toLowerCase();
    const found: { side: Side; id: string }[] = [];
    if (!query || !layout) return found;
    for (const side of ['source', 'target'] as const) {
      for (const n of layout[side]?.nodes ?? [])
        if (n.id.toLowerCase().includes(query)) found.push({ side, id: n.id });
    }
    return found.sort((a, b) => rowOf(layout, a) - rowOf(layout, b));
  }, [layout, view.search]);

  const refuse = useCallback((text: string | null, at: [number, number]) => {
    const box = svgRef.current?.getBoundingClientRect();
    setRefusal(text && box ? { x: at[0] - box.left, y: at[1] - box.top, text } : null);
  }, []);

  // Zoom and pan: wheel scrolls (both columns together), ctrl+wheel or the buttons zoom.
  useEffect(() => {
    const svg = d3.select(svgRef.current!);
    const zoom = d3
      .zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.08, 3])
      .filter((event: Event) => {
        if (event.type === 'wheel') return (event as WheelEvent).ctrlKey;
        const mouse = event as MouseEvent;
        return !mouse.button && !mouse.shiftKey;
      })
      .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
        d3.select(viewportRef.current).attr('transform', event.transform.toString());
        useViewStore.getState().setZoom(event.transform.k);
      });
    svg.call(zoom).on('dblclick.zoom', null);
    svg.on(
      'wheel.pan',
      (event: WheelEvent) => {
        if (event.ctrlKey) return;
        event.preventDefault();
        const k = d3.zoomTransform(svgRef.current!).k;
        zoom.translateBy(svg, -event.deltaX / k, -event.deltaY / k);
      },
      { passive: false },
    );
    zoomRef.current = zoom;
    return () => {
      svg.on('.zoom', null).on('wheel.pan', null);
    };
  }, []);

  // A new pair starts fitted to the width, top first.
  const pairKey = `${source?.name ?? ''}|${source?.layers.length ?? 0}|${target?.name ?? ''}|${target?.layers.length ?? 0}`;
  useEffect(() => {
    if (!layout || fittedFor.current === pairKey || !svgRef.current || !zoomRef.current) return;
    fittedFor.current = pairKey;
    const width = svgRef.current.clientWidth || 1000;
    const k = Math.max(0.3, Math.min(1, (width - 24) / layout.width));
    const transform = d3.zoomIdentity.translate((width - layout.width * k) / 2, 8).scale(k);
    d3.select(svgRef.current).call(zoomRef.current.transform, transform);
  }, [layout, pairKey]);

  // Jump to a layer (search, inspector).
  useEffect(() => {
    const focus = view.focus;
    if (!focus || !layout || !svgRef.current || !zoomRef.current) return;
    const sideLayout = layout[focus.side];
    const id = sideLayout?.representative[focus.id] ?? focus.id;
    const node = sideLayout?.nodes.find((n) => n.id === id);
    if (!node) return;
    const svg = svgRef.current;
    const current = d3.zoomTransform(svg);
    const k = Math.max(current.k, 0.6);
    const x = (svg.clientWidth - layout.width * k) / 2;
    const transform = d3.zoomIdentity.translate(x, svg.clientHeight / 2 - node.y * k).scale(k);
    d3.select(svg).transition().duration(250).call(zoomRef.current.transform, transform);
  }, [view.focus, layout]);

  const handlers = useMemo<DrawHandlers>(
    () => ({
      nodeClick(side, id, event) {
        setRefusal(null);
        if (side === 'source') useViewStore.getState().pickSource(id, event.shiftKey);
        else useViewStore.getState().select({ kind: 'layer', side, id });
      },
      toggleCollapse(side, id) {
        useViewStore.getState().toggleCollapsed(side, id);
      },
      linkClick(link: Link) {
        setRefusal(null);
        useViewStore.getState().select({ kind: 'link', target: link.target, source: link.source });
      },
    }),
    [],
  );

  const selection = view.selection;
  useEffect(() => {
    if (!viewportRef.current || !layout) return;
    const layers = drawPair(
      viewportRef.current,
      {
        layout,
        links: mapping.links,
        status,
        selectedLink: selection?.kind === 'link' ? selection.target : null,
        selectedLayer: selection?.kind === 'layer' ? { side: selection.side, id: selection.id } : null,
        range,
        cutSource: cutIds,
        hits: new Set(hits.map((h) => `${h.side}:${h.id}`)),
      },
      handlers,
    );
    const root = d3.select(viewportRef.current);
    const dragLayer = d3.select(layers.drag);
    const targetUnder = (event: { sourceEvent: MouseEvent | TouchEvent }) => {
      const point = 'clientX' in event.sourceEvent ? event.sourceEvent : event.sourceEvent.changedTouches[0];
      const element = document.elementFromPoint(point.clientX, point.clientY);
      const node = element?.closest<SVGGElement>('[data-side="target"][data-layer]');
      return {
        id: node?.getAttribute('data-layer') ?? null,
        at: [point.clientX, point.clientY] as [number, number],
      };
    };
    const markDropTarget = (id: string | null) => {
      root.selectAll<SVGGElement, PlacedNode>('g.node-target').classed('drop-target', (n) => n.id === id);
    };
    const run = (task: Promise<string | null>, at: [number, number]) => {
      setChecking(true);
      void task.then((reason) => {
        setChecking(false);
        refuse(reason, at);
      });
    };

    // Drag from a source layer onto a target layer: connect.
    const connectDrag = d3
      .drag<SVGGElement, PlacedNode>()
      .filter(
        (event: MouseEvent) =>
          !event.button && !event.shiftKey && !(event.target as Element).closest('.toggle'),
      )
      .subject((event: { x: number; y: number }) => ({ x: event.x, y: event.y }))
      .on('start', (_event, n) => {
        dragLayer
          .selectAll('path.preview')
          .data([n])
          .join('path')
          .attr('class', 'preview')
          .attr('d', `M${n.boxRight},${n.y}L${n.boxRight},${n.y}`);
      })
      .on('drag', (event: d3.D3DragEvent<SVGGElement, PlacedNode, unknown>, n) => {
        dragLayer.select('path.preview').attr('d', `M${n.boxRight},${n.y}L${event.x},${event.y}`);
        markDropTarget(targetUnder(event).id);
      })
      .on('end', (event: d3.D3DragEvent<SVGGElement, PlacedNode, unknown>, n) => {
        dragLayer.selectAll('path.preview').remove();
        markDropTarget(null);
        const { id, at } = targetUnder(event);
        if (id) run(connectLayers(n.id, id), at);
      });
    root.selectAll<SVGGElement, PlacedNode>('g.node-source').call(connectDrag);

    // Drag a link's target end: onto another target layer to re-point it, onto nothing to cut it.
    const endDrag = d3
      .drag<SVGCircleElement, PlacedLink>()
      .subject((event: { x: number; y: number }) => ({ x: event.x, y: event.y }))
      .on('start', function () {
        d3.select(this.parentNode as SVGGElement).classed('dragging', true);
      })
      .on('drag', function (event: d3.D3DragEvent<SVGCircleElement, PlacedLink, unknown>, p) {
        const d = `M${p.from.boxRight},${p.from.y}L${event.x},${event.y}`;
        d3.select(this.parentNode as SVGGElement)
          .select('path.line')
          .attr('d', d);
        d3.select(this).attr('cx', event.x).attr('cy', event.y);
        markDropTarget(targetUnder(event).id);
      })
      .on('end', function (event: d3.D3DragEvent<SVGCircleElement, PlacedLink, unknown>, p) {
        const parent = d3.select(this.parentNode as SVGGElement).classed('dragging', false);
        parent.select('path.line').attr('d', p.d);
        d3.select(this)
          .attr('cx', p.to.boxLeft - 5)
          .attr('cy', p.to.y);
        markDropTarget(null);
        const { id, at } = targetUnder(event);
        if (id === p.link.target) return;
        run(moveLinkEnd(p.link.target, p.link.source, id), at);
      });
    root.selectAll<SVGCircleElement, PlacedLink>('g.link circle.handle').call(endDrag);

    // Shift-drag over the source column: pick the range of source layers it covers.
    const sourceSide = layout.source;
    if (sourceSide) {
      const brush = d3
        .brushY<unknown>()
        .extent([
          [0, 0],
          [sourceSide.boxRight, layout.height],
        ])
        .filter((event: MouseEvent) => event.shiftKey && !event.button)
        .on('end', (event: d3.D3BrushEvent<unknown>) => {
          if (!event.sourceEvent || !event.selection) return;
          const [y0, y1] = event.selection as [number, number];
          const inside = sourceSide.nodes.filter((n) => n.y >= y0 && n.y <= y1).sort((a, b) => a.row - b.row);
          d3.select(layers.brush).call(brush.move, null);
          if (inside.length === 0) return;
          useViewStore.getState().setRange({ anchor: inside[0].id, focus: inside[inside.length - 1].id });
          useViewStore.getState().select({ kind: 'layer', side: 'source', id: inside[0].id });
        });
      d3.select(layers.brush).call(brush);
    }
  }, [layout, mapping.links, status, selection, range, cutIds, hits, handlers, refuse]);

  useEffect(() => {
    if (!refusal) return;
    const timer = setTimeout(() => setRefusal(null), 6000);
    return () => clearTimeout(timer);
  }, [refusal]);

  const zoomBy = (factor: number) => {
    if (svgRef.current && zoomRef.current)
      d3.select(svgRef.current).transition().duration(150).call(zoomRef.current.scaleBy, factor);
  };
  const fit = () => {
    if (!svgRef.current || !zoomRef.current || !layout) return;
    const svg = svgRef.current;
    const k = Math.max(
      0.08,
      Math.min((svg.clientWidth - 24) / layout.width, (svg.clientHeight - 16) / layout.height, 1),
    );
    const transform = d3.zoomIdentity.translate((svg.clientWidth - layout.width * k) / 2, 8).scale(k);
    d3.select(svg).transition().duration(200).call(zoomRef.current.transform, transform);
  };

  const empty = !source && !target;
  return (
    <section className="graph-panel" aria-label="model graphs and mapping">
      <GraphControls hits={hits} onZoom={zoomBy} onFit={fit} />
      <div className="graph-canvas">
        <svg
          ref={svgRef}
          className="graph-svg"
          data-testid="graph"
          role="img"
          aria-label="source and target layer graphs"
        >
          <g ref={viewportRef} className="viewport" />
        </svg>
        {empty && (
          <div className="graph-empty">
            <p>Drop a pretrained weights file on the left half and your changed model on the right half.</p>
            <p className="hint">Everything stays in this browser tab; nothing is uploaded.</p>
          </div>
        )}
        {layoutError && (
          <div className="graph-error alert" role="alert">
            the graph could not be laid out: {layoutError}
          </div>
        )}
        {checking && <div className="graph-checking">checking the link with the planner…</div>}
        {refusal && (
          <div
            className="refusal"
            role="tooltip"
            data-testid="link-refused"
            style={{ left: refusal.x + 12, top: refusal.y + 12 }}
          >
            {refusal.text}
          </div>
        )}
      </div>
    </section>
  );
}

function rowOf(layout: PairLayout, hit: { side: Side; id: string }): number {
  return layout[hit.side]?.nodes.find((n) => n.id === hit.id)?.row ?? 0;
}
