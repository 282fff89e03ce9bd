// Values and mappings for planning tests: seeded random weight stores keyed like NetworkSpec's reads,
// a mapping that links every weighted layer by name, and evaluation of a whole plan.

import {
  MAPPING_VERSION,
  type Mapping,
  type ModelSpec,
  type Tensor,
  type TransferPlan,
} from '../../src/model';
import type { AdapterChoice, GrowRule, SelectRule } from '../../src/model';
import { evaluateTensor, type TensorIO } from '../../src/core/tensor';
import type { WeightValues } from './nhwcForward';

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values for every weight of a model, keyed by the weight's read path. */
export function randomStore(model: ModelSpec, seed: number): Map<string, Tensor> {
  const random = seededRandom(seed);
  const store = new Map<string, Tensor>();
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      if (!weight.values || weight.values.op !== 'read') continue;
      const count = weight.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        if (weight.name === 'moving_variance') data[i] = 0.5 + random();
        else if (weight.name === 'gamma') data[i] = 0.8 + 0.4 * random();
        else data[i] = random() * 2 - 1;
      }
      store.set(weight.values.path, { shape: [...weight.shape], dtype: weight.dtype, data });
    }
  }
  return store;
}

export function storeIO(source: Map<string, Tensor>, target: Map<string, Tensor> = new Map()): TensorIO {
  return {
    readSource: async (path) => {
      const tensor = source.get(path);
      if (!tensor) throw new Error(`no source tensor ${path}`);
      return tensor;
    },
    readTarget: async (path) => {
      const tensor = target.get(path);
      if (!tensor) throw new Error(`no target tensor ${path}`);
      return tensor;
    },
  };
}

/** Links every target layer with weights to the source layer of the same id. */
export function linkByName(
  source: ModelSpec,
  target: ModelSpec,
  defaults: Partial<{ select: SelectRule; grow: GrowRule }> = {},
  adapters: Record<string, AdapterChoice> = {},
): Mapping {
  const sourceIds = new Set(
    source.layers.filter((layer) => layer.weights.length > 0).map((layer) => layer.id),
  );
  return {
    version: MAPPING_VERSION,
    links: target.layers
      .filter((layer) => layer.weights.length > 0 && sourceIds.has(layer.id))
      .map((layer) => ({
        target: layer.id,
        source: layer.id,
        origin: 'manual' as const,
        confidence: 1,
        locked: false,
        ...(adapters[layer.id] ? { adapter: adapters[layer.id] } : {}),
      })),
    cuts: [],
    unlinked: [],
    defaults: { select: defaults.select ?? 'l1', grow: defaults.grow ?? 'zeros', unlinked: 'keep' },
  };
}

/** Evaluates every weight of a plan: the target's new weights, per layer in weight order. */
export async function evaluatePlan(plan: TransferPlan, io: TensorIO): Promise<WeightValues> {
  const values: WeightValues = new Map();
  for (const layer of plan.layers) {
    values.set(
      layer.target,
      await Promise.all(layer.weights.map((weight) => evaluateTensor(weight.expr, io))),
    );
  }
  return values;
}

/** Weight values straight from a store, per layer in weight order (the source network as it is). */
export function storeValues(model: ModelSpec, store: Map<string, Tensor>): WeightValues {
  const values: WeightValues = new Map();
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    values.set(
      layer.id,
      layer.weights.map((weight) => store.get((weight.values as { path: string }).path)!),
    );
  }
  return values;
}
