// Source tensor vs resulting tensor, as two overlaid histograms on one value axis, drawn with d3.
// Heights are shares of each tensor's elements, so a sliced tensor compares with its larger source.

import { useEffect, useRef } from 'react';
import * as d3 from 'd3';
import type { TensorStats } from '../../worker/sessionApi';

const WIDTH = 300;
const HEIGHT = 110;
const MARGIN = { top: 6, right: 8, bottom: 20, left: 8 };

interface Series {
  name: 'source' | 'result';
  stats: TensorStats;
}

function binsOf(stats: TensorStats) {
  const width = (stats.max - stats.min) / Math.max(1, stats.bins.length);
  const total = stats.bins.reduce((a, b) => a + b, 0) || 1;
  return stats.bins.map((count, i) => ({
    x0: stats.min + i * width,
    x1: stats.min + (i + 1) * width || stats.min + 1e-9,
    share: count / total,
  }));
}

export function Histogram({ source, result }: { source: TensorStats | null; result: TensorStats | null }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const series: Series[] = [];
    if (source) series.push({ name: 'source', stats: source });
    if (result) series.push({ name: 'result', stats: result });
    const svg = d3.select(ref.current!);
    svg.selectAll('*').remove();
    if (series.length === 0) return;
    const lo = d3.min(series, (s) => s.stats.min)!;
    const hi = d3.max(series, (s) => s.stats.max)!;
    const x = d3
      .scaleLinear()
      .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
      .range([MARGIN.left, WIDTH - MARGIN.right]);
    const all = series.flatMap((s) => binsOf(s.stats).map((b) => b.share));
    const y = d3
      .scaleLinear()
      .domain([0, d3.max(all) || 1])
      .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
    for (const s of series) {
      const bins = binsOf(s.stats);
      if (s.name === 'result') {
        svg
          .append('g')
          .attr('class', 'bars bars-result')
          .selectAll('rect')
          .data(bins)
          .join('rect')
          .attr('x', (b) => x(b.x0))
          .attr('width', (b) => Math.max(1, x(b.x1) - x(b.x0) - 0.5))
          .attr('y', (b) => y(b.share))
          .attr('height', (b) => y(0) - y(b.share));
      } else {
        // The source as an outline on top, so both stay visible where they overlap.
        const outline = d3
          .line<{ x: number; y: number }>()
          .x((p) => p.x)
          .y((p) => p.y)
          .curve(d3.curveStepAfter);
        const points = bins.map((b) => ({ x: x(b.x0), y: y(b.share) }));
        if (bins.length > 0)
          points.push({ x: x(bins[bins.length - 1].x1), y: y(bins[bins.length - 1].share) });
        svg
          .append('path')
          .attr('class', 'outline-source')
          .attr('d', outline(points) ?? '');
      }
      svg
        .append('line')
        .attr('class', `mean mean-${s.name}`)
        .attr('x1', x(s.stats.mean))
        .attr('x2', x(s.stats.mean))
        .attr('y1', MARGIN.top)
        .attr('y2', HEIGHT - MARGIN.bottom);
    }
    svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
      .call(d3.axisBottom(x).ticks(5).tickSizeOuter(0));
  }, [source, result]);

  const fmt = (v: number) =>
    Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
  return (
    <figure className="histogram" data-testid="histogram">
      <svg
        ref={ref}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label="value histogram of the source and resulting tensor"
      />
      <figcaption>
        {source && (
          <span className="stat-source">
            source: mean {fmt(source.mean)}, std {fmt(source.std)}, {source.count.toLocaleString()} values
          </span>
        )}
        {result && (
          <span className="stat-result">
            result: mean {fmt(result.mean)}, std {fmt(result.std)}, {result.count.toLocaleString()} values
          </span>
        )}
        {!source && !result && <span>no values to show</span>}
      </figcaption>
    </figure>
  );
}
