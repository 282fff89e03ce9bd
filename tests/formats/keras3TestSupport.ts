// Small helpers for the Keras 3 reader tests: MANIFEST tables of the shared fixtures, and digests of
// tensors we read, comparable with scripts/py/h5_inspect.py's (sha256 of the C-order bytes, float64 sum).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LayerSpec, ModelSpec } from '../../src/model/modelSpec';
import type { Tensor } from '../../src/model/tensorExpr';

/** Rows of the first markdown table in a MANIFEST.md whose header has a `file` column, by file name. */
export function manifestRows(manifest: string): Map<string, Record<string, string>> {
  const lines = readFileSync(manifest, 'utf8').split('\n');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim().replace(/^`|`$/g, ''));
  const headerAt = lines.findIndex((l) => l.startsWith('|') && cells(l)[0] === 'file');
  const header = cells(lines[headerAt]);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.startsWith('|')) break;
    const row = Object.fromEntries(cells(line).map((c, i) => [header[i], c]));
    rows.set(row.file, row);
  }
  return rows;
}

export function tensorDigest(tensor: Tensor): { sha256: string; sum: number } {
  const { data } = tensor;
  const sha256 = createHash('sha256')
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += Number(data[i]);
  return { sha256, sum };
}

export const readPath = (w: { values: unknown }) => (w.values as { path: string }).path;

export const weightCount = (spec: ModelSpec) => spec.layers.reduce((n, l) => n + l.weights.length, 0);

export const topLevel = (spec: ModelSpec): LayerSpec[] => spec.layers.filter((l) => l.path.length === 0);

/** Layer ids, classes and weight names/shapes: what must agree between two readers of one model. */
export function layerSignature(spec: ModelSpec) {
  return spec.layers.map((l) => ({
    id: l.id,
    className: l.className,
    weights: l.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable })),
  }));
}
