// The two read rows of the benchmark, done the way the app and the CLI do them: `readModel` through the
// Node host for metadata, then `OpenModel.readDataset` for every dataset the spec points at.

import type { ModelSpec } from '../../src/model/modelSpec';
import type { TensorExpr } from '../../src/model/tensorExpr';
import type { H5Host } from '../../src/formats/h5/h5Host';
import { readModel } from '../../src/formats/readModel';

export interface ListOutcome {
  layers: number;
  weights: number;
  /** Sum of the weights' element counts: what h5py's walk must also find. */
  elements: number;
}

export interface ReadAllOutcome extends ListOutcome {
  datasets: number;
  bytes: number;
}

/** Every dataset path a spec's value expressions read, each once, in spec order. */
export function datasetPathsOf(spec: ModelSpec): string[] {
  const paths = new Set<string>();
  const visit = (expr: TensorExpr): void => {
    if (expr.op === 'read') paths.add(expr.path);
    else if ('input' in expr) visit(expr.input);
    else if ('inputs' in expr) expr.inputs.forEach(visit);
    if (expr.op === 'pad' && expr.fillFrom) visit(expr.fillFrom);
  };
  for (const layer of spec.layers)
    for (const weight of layer.weights) if (weight.values) visit(weight.values);
  return [...paths];
}

function countSpec(spec: ModelSpec): ListOutcome {
  let weights = 0;
  let elements = 0;
  for (const layer of spec.layers) {
    for (const weight of layer.weights) {
      weights += 1;
      elements += weight.shape.reduce((a, b) => a * b, 1);
    }
  }
  return { layers: spec.layers.length, weights, elements };
}

const pathSource = (path: string) => ({ kind: 'path' as const, path, name: path.split('/').pop() ?? path });

/** Open, describe every layer and weight, close. */
export async function listModel(host: H5Host, path: string): Promise<ListOutcome> {
  const open = await readModel(host, { weights: pathSource(path) });
  try {
    return countSpec(open.spec);
  } finally {
    open.close();
  }
}

/** Open, describe, then read every dataset once (values are dropped as soon as they are counted). */
export async function readAllTensors(host: H5Host, path: string): Promise<ReadAllOutcome> {
  const open = await readModel(host, { weights: pathSource(path) });
  try {
    const paths = datasetPathsOf(open.spec);
    let bytes = 0;
    for (const p of paths) bytes += (await open.readDataset(p)).data.byteLength;
    return { ...countSpec(open.spec), datasets: paths.length, bytes };
  } finally {
    open.close();
  }
}
