// Small hand-written models for the state tests: a chain of layers with the given weight shapes.

import type { LayerSpec, ModelSpec } from '../../../src/model';

export function chainModel(
  name: string,
  layers: [id: string, className: string, shapes: number[][]][],
): ModelSpec {
  const specs: LayerSpec[] = layers.map(([id, className, shapes], i) => ({
    id,
    name: id,
    className,
    config: { name: id },
    inbound: i === 0 ? [] : [[{ layer: layers[i - 1][0], node: 0, tensor: 0 }]],
    path: [],
    weights: shapes.map((shape, k) => ({
      name: k === 0 ? 'kernel' : 'bias',
      shape,
      dtype: 'float32',
      trainable: true,
      values: { op: 'read', path: `/${id}/${k}`, shape, dtype: 'float32' },
      storedName: `${id}/${k}`,
    })),
  }));
  return {
    format: 'keras-legacy-model',
    kerasVersion: '3.15.1',
    backend: 'tensorflow',
    modelClass: 'Functional',
    name,
    layers: specs,
    inputs: [{ layer: layers[0][0], node: 0, tensor: 0 }],
    outputs: [{ layer: layers[layers.length - 1][0], node: 0, tensor: 0 }],
    modelConfig: null,
    archiveMetadata: null,
    notes: [],
  };
}

export const sourceModel = chainModel('source', [
  ['input', 'InputLayer', []],
  ['conv1', 'Conv2D', [[3, 3, 3, 16], [16]]],
  ['conv2', 'Conv2D', [[3, 3, 16, 32], [32]]],
  ['conv3', 'Conv2D', [[3, 3, 32, 32], [32]]],
  ['dense', 'Dense', [[32, 10], [10]]],
]);

export const targetModel = chainModel('target', [
  ['input', 'InputLayer', []],
  ['conv1', 'Conv2D', [[3, 3, 3, 16], [16]]],
  ['conv3', 'Conv2D', [[3, 3, 16, 32], [32]]],
  ['head', 'Dense', [[32, 5], [5]]],
]);
