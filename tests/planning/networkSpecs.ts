// Hand-wired ModelSpecs for graph, channel-group and planning tests: layers with real `inbound` refs,
// nested models with `modelInputs`/`modelOutputs`, and weight values that read `<layer id>/<weight>`.

import type { DType, InboundRef, LayerSpec, ModelSpec, WeightSpec } from '../../src/model';

export type WeightShapes = Array<[name: string, shape: number[]]>;

export interface LayerOptions {
  config?: Record<string, unknown>;
  /** Extra calls (shared layers): each an input list like the first one. */
  moreCalls?: string[][];
  dtype?: DType;
}

const ref = (name: string): InboundRef => {
  const [layer, tensor] = name.split(':');
  return { layer, node: 0, tensor: tensor ? Number(tensor) : 0 };
};

export class NetworkSpec {
  readonly layers: LayerSpec[] = [];
  private inputNames: string[] = [];

  constructor(
    readonly path: string[] = [],
    private readonly withValues = true,
  ) {}

  private id(name: string): string {
    return [...this.path, name].join('/');
  }

  input(name: string): string {
    this.inputNames.push(name);
    this.layers.push({
      id: this.id(name),
      name,
      className: 'InputLayer',
      config: { name },
      inbound: [],
      path: [...this.path],
      weights: [],
    });
    return name;
  }

  /** `inputs` are producer names in this model; `name:1` picks output 1. */
  add(
    name: string,
    className: string | null,
    inputs: string[],
    weights: WeightShapes = [],
    options: LayerOptions = {},
  ): string {
    const id = this.id(name);
    const weightSpecs: WeightSpec[] = weights.map(([weightName, shape]) => ({
      name: weightName,
      shape,
      dtype: options.dtype ?? 'float32',
      trainable: !weightName.startsWith('moving_'),
      values: this.withValues
        ? { op: 'read', path: `${id}/${weightName}`, shape, dtype: options.dtype ?? 'float32' }
        : null,
      storedName: `${name}/${weightName}:0`,
    }));
    const calls = [inputs, ...(options.moreCalls ?? [])].filter((call) => call.length > 0);
    this.layers.push({
      id,
      name,
      className,
      config: className === null ? null : { name, ...(options.config ?? {}) },
      inbound: calls.map((call) => call.map(ref)),
      path: [...this.path],
      weights: weightSpecs,
    });
    return name;
  }

  conv(name: string, input: string, k: number, cin: number, cout: number, bias = true): string {
    return this.add(
      name,
      'Conv2D',
      [input],
      [['kernel', [k, k, cin, cout]], ...(bias ? ([['bias', [cout]]] as WeightShapes) : [])],
    );
  }

  bn(name: string, input: string, c: number): string {
    return this.add(
      name,
      'BatchNormalization',
      [input],
      ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => [w, [c]] as [string, number[]]),
      { config: { axis: -1, epsilon: 0.001 } },
    );
  }

  depthwise(name: string, input: string, k: number, c: number, multiplier = 1): string {
    return this.add(
      name,
      'DepthwiseConv2D',
      [input],
      [
        ['kernel', [k, k, c, multiplier]],
        ['bias', [c * multiplier]],
      ],
    );
  }

  dense(name: string, input: string, cin: number, cout: number): string {
    return this.add(
      name,
      'Dense',
      [input],
      [
        ['kernel', [cin, cout]],
        ['bias', [cout]],
      ],
    );
  }

  plain(name: string, className: string, inputs: string[], config: Record<string, unknown> = {}): string {
    return this.add(name, className, inputs, [], { config });
  }

  /** A nested model called on `inputs`; its inner layers follow it, as in ModelSpec.layers. */
  nest(
    name: string,
    inner: NetworkSpec,
    inputs: string[],
    outputs: string[],
    className = 'Functional',
  ): string {
    const innerPrefix = this.id(name);
    const innerLayers = inner.layers.map((layer) => ({
      ...layer,
      id: `${innerPrefix}/${layer.id}`,
      path: [...this.path, name, ...layer.path],
      weights: layer.weights.map((w) => ({
        ...w,
        values:
          w.values && w.values.op === 'read'
            ? { ...w.values, path: `${innerPrefix}/${w.values.path}` }
            : w.values,
      })),
    }));
    this.layers.push({
      id: this.id(name),
      name,
      className,
      config: { name },
      inbound: inputs.length > 0 ? [inputs.map(ref)] : [],
      path: [...this.path],
      weights: [],
      children: innerLayers
        .filter((layer) => layer.path.length === this.path.length + 1)
        .map((layer) => layer.id),
      modelInputs: inner.inputNames.map((input) => ({ layer: input, node: 0, tensor: 0 })),
      modelOutputs: outputs.map(ref),
    });
    this.layers.push(...innerLayers);
    return name;
  }

  build(outputs: string[], modelClass: string | null = 'Functional'): ModelSpec {
    return {
      format: 'keras-legacy-model',
      kerasVersion: '3.15.1',
      backend: 'tensorflow',
      modelClass,
      name: 'net',
      layers: this.layers,
      inputs: this.inputNames.map((name) => ({ layer: name, node: 0, tensor: 0 })),
      outputs: outputs.map(ref),
      modelConfig: null,
      archiveMetadata: null,
      notes: [],
    };
  }
}

/** The same layers as a weights-only file gives them: no classes, no configs, no inbound refs. */
export function asWeightsOnly(model: ModelSpec): ModelSpec {
  return {
    ...model,
    format: 'keras-legacy-weights',
    modelClass: null,
    inputs: [],
    outputs: [],
    layers: model.layers.map((layer) => ({ ...layer, className: null, config: null, inbound: [] })),
  };
}
