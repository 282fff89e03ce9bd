// The human-readable tables `npm run bench` prints (markdown, so docs/BENCHMARKS.md can quote them).

import { formatMiB, formatMs, formatRatio, mib, ratio } from './benchStats.mjs';

const row = (cells) => `| ${cells.join(' | ')} |`;

function timeTable(results) {
  const lines = [
    row([
      'model',
      'work',
      'Graft',
      'h5py',
      'Graft / h5py',
      'Graft warm',
      'h5py warm',
      'warm ratio',
      'floor (readFileSync)',
      'Graft / floor',
    ]),
    row(Array(10).fill('---')),
  ];
  for (const r of results.rows) {
    const g = r.graft;
    const h = r.h5py;
    const f = r.floor;
    lines.push(
      row([
        r.model,
        r.label,
        formatMs(g.ms),
        h ? formatMs(h.ms) : '-',
        h ? formatRatio(ratio(g.ms, h.ms)) : '-',
        g.warmMs === null ? '-' : formatMs(g.warmMs),
        h && h.warmMs !== null ? formatMs(h.warmMs) : '-',
        h && g.warmMs !== null && h.warmMs !== null ? formatRatio(ratio(g.warmMs, h.warmMs)) : '-',
        f ? formatMs(f.ms) : '-',
        f ? formatRatio(ratio(g.ms, f.ms)) : '-',
      ]),
    );
  }
  return lines.join('\n');
}

function memoryTable(results) {
  const lines = [
    row([
      'model',
      'work',
      'Graft peak RSS',
      'Graft peak - start',
      'h5py peak RSS',
      'h5py peak - start',
      'ratio (peak - start)',
      'readFileSync peak - start',
    ]),
    row(Array(8).fill('---')),
  ];
  for (const r of results.rows.filter((x) => x.memory)) {
    const growth = (s) => (s ? mib(s.maxRssKiB - s.rssBeforeKiB) : null);
    lines.push(
      row([
        r.model,
        r.label,
        formatMiB(mib(r.graft.maxRssKiB)),
        formatMiB(growth(r.graft)),
        r.h5py ? formatMiB(mib(r.h5py.maxRssKiB)) : '-',
        r.h5py ? formatMiB(growth(r.h5py)) : '-',
        r.h5py ? formatRatio(ratio(growth(r.graft), growth(r.h5py))) : '-',
        r.floor ? formatMiB(growth(r.floor)) : '-',
      ]),
    );
  }
  return lines.join('\n');
}

function transferTable(results) {
  const lines = [
    row([
      'model',
      'graft apply',
      'peak RSS',
      'breakdown run',
      'read both',
      'autoMatch',
      'plan',
      'write + verify + rename',
      'links',
      'weights by status',
    ]),
    row(Array(10).fill('---')),
  ];
  for (const t of results.transfers) {
    const counts = Object.entries(t.detail.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(
      row([
        t.model,
        formatMs(t.ms),
        formatMiB(mib(t.maxRssKiB)),
        formatMs(t.breakdownMs),
        formatMs(t.phases.readMs),
        formatMs(t.phases.matchMs),
        formatMs(t.phases.planMs),
        formatMs(t.phases.writeMs),
        String(t.detail.links),
        counts,
      ]),
    );
  }
  return lines.join('\n');
}

function browserTable(results) {
  const b = results.browser;
  if (!b || b.skipped) return `Browser row skipped: ${b?.skipped ?? 'not run'}.`;
  const lines = [
    row(['file', 'set source input -> layers listed', 'runs', 'layers']),
    row(Array(4).fill('---')),
  ];
  for (const r of b.rows)
    lines.push(row([r.label, formatMs(r.ms), r.msAll.map((x) => formatMs(x)).join(', '), String(r.layers)]));
  return lines.join('\n');
}

export function renderTables(results) {
  const a = results.align;
  const s = results.startup;
  return [
    `### Time (median of ${results.repetitions}; ratio > 1 means Graft is slower)`,
    '',
    timeTable(results),
    '',
    '### Peak memory (RSS high-water mark of the measuring process; "start" = RSS just before the work)',
    '',
    memoryTable(results),
    '',
    '### Transfer: `graft apply SOURCE TARGET -o OUT.h5` in-process (read both, autoMatch, plan, write, verify, rename)',
    '',
    transferTable(results),
    '',
    '### Browser: production build in Chromium (/usr/bin/chromium), WORKERFS over the picked file',
    '',
    browserTable(results),
    '',
    '### Alignment alone and CLI start-up',
    '',
    row(['what', 'median', 'notes']),
    row(['---', '---', '---']),
    row([
      `autoMatch, synthetic ${a.detail.sourceLayers} x ${a.detail.targetLayers} layers`,
      formatMs(a.ms),
      `${a.detail.links} links for ${a.detail.weightedTargetLayers} weighted target layers, ${a.detail.right} equal to the construction truth, ${a.detail.equivalent} to a layer of the same class and shapes`,
    ]),
    row([
      'start-up to h5wasm ready, as bin/graft.mjs (tsx loads h5wasm)',
      formatMs(s.tsx.ms),
      `peak RSS ${formatMiB(mib(s.tsx.maxRssKiB))}`,
    ]),
    row([
      'start-up, h5wasm imported before tsx is registered',
      formatMs(s.nativeFirst.ms),
      `peak RSS ${formatMiB(mib(s.nativeFirst.maxRssKiB))}; ${formatRatio(ratio(s.tsx.ms, s.nativeFirst.ms))} faster`,
    ]),
  ].join('\n');
}
