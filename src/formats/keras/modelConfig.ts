// Reads a Keras model config (`model.to_json()`, `config.json`, the `model_config` attribute) of any
// Keras version into layers in `model.layers` order with normalised inbound references. Keras 1
// (list-form Sequential, triples), Keras 2 / tf.keras (4-element node entries, nested-model node offset
// of 1) and Keras 3 (`args` with `__keras_tensor__`, offsets only in input/output_layers) all end up in
// the same `LayerSpec` shape, so nothing downstream asks which Keras wrote the file.

import type { InboundRef, LayerSpec } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import { orderLayersLikeKeras, type CallNode } from './layerOrder';

export interface Architecture {
  modelClass: string;
  name: string | null;
  /** Layers in model order, depth-first into nested models; `weights` is empty. */
  layers: LayerSpec[];
  inputs: InboundRef[];
  outputs: InboundRef[];
  kerasVersion: string | null;
  backend: string | null;
  /** The `{class_name, config, ...}` envelope exactly as given. */
  raw: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
/** Nested models whose first call Keras 1/2 always saved as node 1 (a deferred Sequential may use 0). */
const KERAS2_FUNCTIONAL = new Set(['Functional', 'Model']);

/**
 * Keras 3's legacy writer stores registered custom classes as `package>Class`, while `to_json` has
 * `Class`; both name the same layer class.
 */
function plainClassName(value: unknown): string {
  const name = String(value);
  const cut = name.lastIndexOf('>');
  return cut >= 0 ? name.slice(cut + 1) : name;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isModelEntry(entry: Json): boolean {
  const cfg = entry.config;
  return (
    MODEL_CLASSES.has(String(entry.class_name)) ||
    (isObject(cfg) && Array.isArray(cfg.layers)) ||
    Array.isArray(cfg)
  );
}

/** Finds the `{class_name, config}` model envelope in the JSON shapes Keras and people produce. */
export function findModelEnvelope(json: unknown): Json | null {
  if (!isObject(json)) return null;
  if (typeof json.class_name === 'string' && (isObject(json.config) || Array.isArray(json.config)))
    return json;
  if (typeof json.model_config === 'string') {
    try {
      return findModelEnvelope(JSON.parse(json.model_config));
    } catch {
      return null;
    }
  }
  if (isObject(json.model_config)) return findModelEnvelope(json.model_config);
  if (isObject(json.modelTopology)) return findModelEnvelope(json.modelTopology); // TensorFlow.js model.json
  return null;
}

class ConfigReader {
  constructor(private readonly label: string) {}

  fail(message: string): never {
    throw new GraftError('architecture', `${this.label}: ${message}`);
  }

  layerName(entry: Json, index: number): string {
    const cfg = isObject(entry.config) ? entry.config : {};
    const name = entry.name ?? cfg.name;
    if (typeof name !== 'string' || name === '')
      this.fail(`layer #${index} (${String(entry.class_name)}) has no name`);
    return name;
  }

  /** Input tensors of one serialised call, in flattened argument order. */
  callInputs(node: unknown, keras3: boolean): InboundRef[] {
    const refs: InboundRef[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) {
        // Keras 1/2 entry: [name, node, tensor] or [name, node, tensor, kwargs]
        if (
          !keras3 &&
          v.length >= 3 &&
          v.length <= 4 &&
          typeof v[0] === 'string' &&
          typeof v[1] === 'number' &&
          typeof v[2] === 'number'
        ) {
          if (v[0] !== '_CONSTANT_VALUE') refs.push({ layer: v[0], node: v[1], tensor: v[2] });
          if (v.length === 4) walk(v[3]);
          return;
        }
        v.forEach(walk);
        return;
      }
      if (!isObject(v)) return;
      if (v.class_name === '__keras_tensor__' && isObject(v.config)) {
        const h = v.config.keras_history;
        if (Array.isArray(h) && typeof h[0] === 'string')
          refs.push({ layer: h[0], node: Number(h[1] ?? 0), tensor: Number(h[2] ?? 0) });
        return;
      }
      if (keras3 && ('args' in v || 'kwargs' in v)) {
        walk(v.args);
        walk(v.kwargs);
        return;
      }
      Object.values(v).forEach(walk);
    };
    walk(node);
    return refs;
  }

  /** Reads `input_layers` / `output_layers`: a bare triple (Keras 3 single), a list, or a dict. */
  endpoints(v: unknown): InboundRef[] {
    if (Array.isArray(v) && v.length >= 2 && typeof v[0] === 'string' && typeof v[1] === 'number') {
      return [{ layer: v[0], node: Number(v[1]), tensor: Number(v[2] ?? 0) }];
    }
    if (Array.isArray(v)) return v.flatMap((e) => this.endpoints(e));
    if (isObject(v)) return Object.values(v).flatMap((e) => this.endpoints(e));
    return [];
  }
}

interface ParsedModel {
  layers: LayerSpec[];
  inputs: InboundRef[];
  outputs: InboundRef[];
  /** Layer names of this level in model order (for the caller's nested-model bookkeeping). */
  order: string[];
}

function parseLevel(reader: ConfigReader, envelope: Json, path: string[]): ParsedModel {
  const className = String(envelope.class_name);
  const rawConfig = envelope.config;
  const cfg: Json = Array.isArray(rawConfig) ? { layers: rawConfig } : isObject(rawConfig) ? rawConfig : {};
  const entries = Array.isArray(cfg.layers)
    ? (cfg.layers as unknown[]).filter(isObject)
    : reader.fail(`model ${path.join('/') || '(top)'} has no layer list`);
  const sequential =
    className === 'Sequential' || (!('input_layers' in cfg) && entries.every((e) => !('inbound_nodes' in e)));
  const keras3 = entries.some(
    (e) =>
      Array.isArray(e.inbound_nodes) &&
      (e.inbound_nodes as unknown[]).some((n) => isObject(n) && ('args' in n || 'kwargs' in n)),
  );

  const names = entries.map((e, i) => reader.layerName(e, i));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n))
      reader.fail(
        `two layers are named "${n}" in ${path.join('/') || 'the model'}; Keras requires unique names`,
      );
    seen.add(n);
  }
  const byName = new Map(entries.map((e, i) => [names[i], e]));
  const nested = new Set(names.filter((n) => isModelEntry(byName.get(n)!)));

  let order: string[];
  let inputs: InboundRef[];
  let outputs: InboundRef[];
  const inbound = new Map<string, InboundRef[][]>();

  if (sequential) {
    // Sequential.layers excludes the InputLayer entry; the chain is the list order.
    order = names.filter((n) => byName.get(n)!.class_name !== 'InputLayer');
    order.forEach((n, i) => inbound.set(n, i === 0 ? [] : [[{ layer: order[i - 1], node: 0, tensor: 0 }]]));
    inputs = [];
    outputs = order.length ? [{ layer: order[order.length - 1], node: 0, tensor: 0 }] : [];
  } else {
    const rawCalls = new Map<string, InboundRef[][]>();
    for (const n of names) {
      const nodes = byName.get(n)!.inbound_nodes;
      rawCalls.set(n, Array.isArray(nodes) ? nodes.map((node) => reader.callInputs(node, keras3)) : []);
    }
    // Keras 1/2 number a nested model's calls from 1 (its construction call is node 0 and is not saved).
    // Keras 2 never refers to node 0 of a nested Functional/Model, so a list-form config that does was
    // renumbered for Keras 3 (toKerasThreeConfig writes our .keras that way) and counts calls from 0.
    const renumbered = [...rawCalls.values()].some((calls) =>
      calls.some((call) =>
        call.some(
          (r) =>
            r.node === 0 &&
            nested.has(r.layer) &&
            KERAS2_FUNCTIONAL.has(String(byName.get(r.layer)!.class_name)),
        ),
      ),
    );
    const normalise = (ref: InboundRef, inEndpoints: boolean): InboundRef => {
      if (!nested.has(ref.layer)) return ref;
      const calls = rawCalls.get(ref.layer)?.length ?? 0;
      const offset =
        keras3 || renumbered
          ? inEndpoints && byName.get(ref.layer)!.class_name !== 'Sequential'
          : ref.node >= 1 || ref.node >= calls;
      return offset && ref.node >= 1 ? { ...ref, node: ref.node - 1 } : ref;
    };
    for (const n of names)
      inbound.set(
        n,
        rawCalls.get(n)!.map((call) => call.map((r) => normalise(r, false))),
      );
    inputs = reader.endpoints(cfg.input_layers).map((r) => normalise(r, true));
    outputs = reader.endpoints(cfg.output_layers).map((r) => normalise(r, true));
    for (const [n, calls] of inbound) {
      for (const call of calls) {
        for (const r of call) {
          if (!byName.has(r.layer))
            reader.fail(`layer "${n}" takes input from "${r.layer}", which is not in the model`);
        }
      }
    }
    for (const r of [...inputs, ...outputs]) {
      if (!byName.has(r.layer))
        reader.fail(`the model's inputs/outputs name "${r.layer}", which is not a layer of it`);
    }
    const calls = new Map<string, CallNode[]>();
    for (const [n, callList] of inbound) {
      // An InputLayer has no serialised call, yet Keras visits its construction node like any other.
      const list = callList.length > 0 ? callList : [[]];
      calls.set(
        n,
        list.map((c, i) => ({
          layer: n,
          call: i,
          parents: c.map((r) => ({ layer: r.layer, call: r.node })),
        })),
      );
    }
    order = orderLayersLikeKeras(
      names,
      calls,
      outputs.map((o) => ({ layer: o.layer, call: o.node })),
      inputs.map((i) => i.layer),
    );
  }

  const layers: LayerSpec[] = [];
  for (const n of order) {
    const entry = byName.get(n)!;
    const layerPath = path;
    const id = [...layerPath, n].join('/');
    const spec: LayerSpec = {
      id,
      name: n,
      className: plainClassName(entry.class_name),
      config: isObject(entry.config)
        ? entry.config
        : Array.isArray(entry.config)
          ? { layers: entry.config }
          : {},
      inbound: inbound.get(n) ?? [],
      path: layerPath,
      weights: [],
    };
    layers.push(spec);
    if (nested.has(n)) {
      const inner = parseLevel(reader, entry, [...layerPath, n]);
      spec.children = inner.order.map((c) => [...layerPath, n, c].join('/'));
      spec.modelInputs = inner.inputs;
      spec.modelOutputs = inner.outputs;
      layers.push(...inner.layers);
    }
  }
  return { layers, inputs, outputs, order };
}

/** Parses a model envelope (`{class_name, config}`) of any Keras version. */
export function parseModelConfig(json: unknown, label: string): Architecture {
  const envelope = findModelEnvelope(json);
  if (!envelope) {
    throw new GraftError(
      'not-keras',
      `${label}: this JSON is not a Keras model (no "class_name" + "config", no "model_config"); export one with model.to_json() or use the .keras/.h5 file.`,
    );
  }
  if (!isModelEntry(envelope)) {
    throw new GraftError(
      'architecture',
      `${label}: the JSON describes a single ${String(envelope.class_name)} layer, not a model.`,
    );
  }
  const reader = new ConfigReader(label);
  const parsed = parseLevel(reader, envelope, []);
  const cfg = isObject(envelope.config) ? envelope.config : {};
  const outer = isObject(json) ? json : {};
  return {
    modelClass: String(envelope.class_name),
    name: typeof cfg.name === 'string' ? cfg.name : null,
    layers: parsed.layers,
    inputs: parsed.inputs,
    outputs: parsed.outputs,
    kerasVersion:
      typeof outer.keras_version === 'string'
        ? outer.keras_version
        : typeof envelope.keras_version === 'string'
          ? envelope.keras_version
          : null,
    backend:
      typeof outer.backend === 'string'
        ? outer.backend
        : typeof envelope.backend === 'string'
          ? envelope.backend
          : null,
    raw: envelope,
  };
}

/** Parses JSON text, with a message that says where the JSON broke. */
export function parseModelJsonText(text: string, label: string): Architecture {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GraftError(
      'not-keras',
      `${label}: not valid JSON (${(error as Error).message}); use the file written by model.to_json().`,
    );
  }
  return parseModelConfig(json, label);
}
