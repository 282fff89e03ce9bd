// `graft inspect`: what a file holds, in model order.

import type { LayerSpec, ModelSpec } from '../model/modelSpec';
import { createNodeH5Host } from '../formats/h5/nodeH5Host';
import { readModel } from '../formats/readModel';
import { modelFiles } from './cliFiles';
import type { CliIo, CliOptions } from './main';

/** The `--json` shape promised in the README: one object, stable field names. */
export function inspectJson(spec: ModelSpec) {
  return {
    format: spec.format,
    kerasVersion: spec.kerasVersion,
    backend: spec.backend,
    modelClass: spec.modelClass,
    layers: spec.layers.map((l) => ({
      name: l.name,
      id: l.id,
      path: l.path,
      className: l.className,
      inbound: producerNames(l),
      weights: l.weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        dtype: w.dtype,
        storedName: w.storedName,
      })),
    })),
    notes: spec.notes,
  };
}

/** Producer layers of all calls, in order, each once. */
function producerNames(layer: LayerSpec): string[] {
  const out: string[] = [];
  for (const call of layer.inbound) for (const ref of call) if (!out.includes(ref.layer)) out.push(ref.layer);
  return out;
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function inspectText(fileName: string, spec: ModelSpec): string {
  const weighted = spec.layers.filter((l) => l.weights.length > 0);
  const tensors = weighted.reduce((n, l) => n + l.weights.length, 0);
  const params = weighted.reduce((n, l) => n + l.weights.reduce((m, w) => m + count(w.shape), 0), 0);
  const lines = [
    `file:     ${fileName}`,
    `format:   ${spec.format}   keras ${spec.kerasVersion ?? 'unknown'}   backend ${spec.backend ?? 'unknown'}${spec.modelClass ? `   ${spec.modelClass}${spec.name ? ` "${spec.name}"` : ''}` : ''}`,
    `layers:   ${spec.layers.length} (${weighted.length} with weights)   tensors: ${tensors}   parameters: ${params.toLocaleString('en-US')}`,
    '',
  ];
  const nameWidth = Math.min(48, Math.max(5, ...spec.layers.map((l) => l.id.length + 2 * l.path.length)));
  const classWidth = Math.min(28, Math.max(5, ...spec.layers.map((l) => (l.className ?? '?').length)));
  spec.layers.forEach((l, i) => {
    const name = `${'  '.repeat(l.path.length)}${l.name}`.padEnd(nameWidth);
    const weights =
      l.weights.map((w) => `${w.name} ${w.shape.join('x') || 'scalar'} ${w.dtype}`).join(', ') || '-';
    lines.push(`${String(i).padStart(4)}  ${name}  ${(l.className ?? '?').padEnd(classWidth)}  ${weights}`);
  });
  if (spec.notes.length) lines.push('', ...spec.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

export async function runInspect(file: string, options: CliOptions, io: CliIo): Promise<void> {
  const host = await createNodeH5Host();
  const files = modelFiles(file, options.arch, 'file');
  const model = await readModel(host, files);
  try {
    io.out(
      options.json ? JSON.stringify(inspectJson(model.spec)) : inspectText(files.weights!.name, model.spec),
    );
  } finally {
    model.close();
  }
}
