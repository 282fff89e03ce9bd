// Medians, ratios and unit formatting for the benchmark table.

export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);

export const mib = (kib) => (kib === null ? null : kib / 1024);

export function formatMs(ms) {
  if (ms === null) return '-';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export const formatRatio = (r) => (r === null ? '-' : `${r.toFixed(r >= 10 ? 0 : r >= 2 ? 1 : 2)}x`);

export const formatMiB = (m) => (m === null ? '-' : `${Math.round(m)} MiB`);

/** Summary of repeated child results: medians of time, warm time and memory. */
export function summarise(runs) {
  return {
    runs: runs.length,
    ms: median(runs.map((r) => r.ms)),
    msAll: runs.map((r) => Math.round(r.ms)),
    warmMs: median(runs.map((r) => r.warmMs)),
    maxRssKiB: median(runs.map((r) => r.maxRssKiB)),
    rssBeforeKiB: median(runs.map((r) => r.rssBeforeKiB)),
    detail: runs[0]?.detail ?? null,
  };
}
