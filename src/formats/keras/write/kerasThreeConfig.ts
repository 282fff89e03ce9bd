// A `.keras` archive's config.json is read by Keras 3's new deserializer, which rejects or
// misreads what Keras 1/2 wrote (keras-formats.md §4.4, and measured with Keras 3.15.1 on every
// shared Keras 2 config): an envelope without `module` ("Could not locate class 'Model'"), a
// list-form Sequential, a Sequential whose input shape sits on its first layer (rebuilt with one
// axis too many), and Keras 2's node offset of 1 for calls of nested models. This rewrites such a
// config into the form Keras 3 writes itself. Keras 2 layer entries stay as they are (Keras 3 sends
// entries without `module` through its legacy deserializer, which understands Keras 2 layer configs);
// Keras 1 layer entries are first rewritten as Keras 2 ones (kerasOneLayerConfig.ts).

import { GraftError } from '../../../model/errors';
import {
  isKerasOneLayer,
  kerasOneDimOrdering,
  toKerasTwoLayer,
  type KerasOneContext,
} from './kerasOneLayerConfig';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

function isModelEntry(entry: Json): boolean {
  const cfg = entry.config;
  return (
    MODEL_CLASSES.has(String(entry.class_name)) ||
    Array.isArray(cfg) ||
    (isObject(cfg) && Array.isArray(cfg.layers))
  );
}

function isSequential(entry: Json): boolean {
  const cfg = entry.config;
  if (entry.class_name === 'Sequential' || Array.isArray(cfg)) return true;
  return (
    isObject(cfg) &&
    !('input_layers' in cfg) &&
    Array.isArray(cfg.layers) &&
    cfg.layers.every((l) => isObject(l) && !('inbound_nodes' in l))
  );
}

/**
 * tf.keras 2.13-2.15 wrote the `.keras` format too, but with its own model modules, which Keras 3
 * cannot import ("parent module keras.src.engine.functional cannot be imported"), and with Keras 2's
 * node numbering.
 */
const TF_KERAS_ENGINE = /^keras(\.src)?\.engine\./;

/** True when Keras 3 wrote the config (it puts `module` on the envelope and on every layer). */
export function isKerasThreeConfig(config: Json): boolean {
  if (typeof config.module === 'string') return !TF_KERAS_ENGINE.test(config.module);
  return config.module === null && 'registered_name' in config;
}

/** A nested tf.keras model entry without its engine module, like a Keras 2 entry (Keras 3 finds the class by name). */
function withoutEngineModule(entry: Json): Json {
  if (typeof entry.module !== 'string' || !TF_KERAS_ENGINE.test(entry.module)) return entry;
  const copy: Json = { ...entry };
  delete copy.module;
  delete copy.registered_name;
  return copy;
}

function layerName(entry: Json): string {
  const cfg = isObject(entry.config) ? entry.config : {};
  return String(entry.name ?? cfg.name ?? '');
}

/** The batch input shape Keras 1/2 put on a Sequential's first layer, if any. */
function batchShapeOf(cfg: Json): unknown[] | null {
  if (Array.isArray(cfg.batch_input_shape)) return cfg.batch_input_shape;
  if (Array.isArray(cfg.input_shape)) return [null, ...cfg.input_shape];
  if (typeof cfg.input_dim === 'number')
    return [null, ...(typeof cfg.input_length === 'number' ? [cfg.input_length] : []), cfg.input_dim];
  return null;
}

function uniqueLayerName(base: string, taken: Set<string>): string {
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
  return name;
}

/** Sequential: dict form with an explicit InputLayer carrying the input shape. */
function convertSequential(entry: Json, ctx: KerasOneContext): Json {
  const raw = entry.config;
  const cfg: Json = Array.isArray(raw) ? { name: 'sequential', layers: raw } : { ...(raw as Json) };
  const layers = (cfg.layers as unknown[]).filter(isObject).map((l) => convertEntry(l, ctx));
  const first = layers[0];
  if (first && first.class_name !== 'InputLayer' && isObject(first.config)) {
    const firstConfig: Json = { ...first.config };
    // An Embedding's input_dim is its vocabulary size, not the width of its input.
    const embedding = first.class_name === 'Embedding';
    const batchShape = embedding
      ? Array.isArray(firstConfig.batch_input_shape)
        ? firstConfig.batch_input_shape
        : null
      : batchShapeOf(firstConfig);
    if (batchShape) {
      const dtype =
        typeof firstConfig.dtype === 'string'
          ? firstConfig.dtype
          : typeof firstConfig.input_dtype === 'string'
            ? firstConfig.input_dtype
            : 'float32';
      for (const key of ['batch_input_shape', 'input_shape', 'input_dtype']) delete firstConfig[key];
      if (!embedding) delete firstConfig.input_dim;
      const taken = new Set(layers.map(layerName));
      const inputLayer: Json = {
        class_name: 'InputLayer',
        config: {
          batch_shape: batchShape,
          dtype,
          sparse: false,
          name: uniqueLayerName(`${layerName(first)}_input`, taken),
        },
      };
      layers.splice(0, 1, inputLayer, { ...first, config: firstConfig });
    }
  }
  cfg.layers = layers;
  if (typeof cfg.name !== 'string') cfg.name = 'sequential';
  return { ...entry, class_name: 'Sequential', config: cfg };
}

/**
 * Keras 2 numbers the calls of a nested model from 1 (its construction call is node 0 and is not
 * saved); Keras 3 indexes `_inbound_nodes` directly, so every such reference moves down by one.
 */
function shiftNode(ref: unknown[], nestedModels: Set<string>): unknown[] {
  if (typeof ref[0] === 'string' && typeof ref[1] === 'number' && nestedModels.has(ref[0]) && ref[1] >= 1) {
    return [ref[0], ref[1] - 1, ...ref.slice(2)];
  }
  return ref;
}

function convertNode(node: unknown, nestedModels: Set<string>): unknown {
  if (!Array.isArray(node)) return node; // a Keras 3 {args, kwargs} node needs nothing
  return node.map((ref) => (Array.isArray(ref) ? shiftNode(ref, nestedModels) : ref));
}

/**
 * `input_layers` / `output_layers`: Keras 3 subtracts the offset itself for a nested Functional
 * (`functional_from_config.get_tensor`), but not for a nested Sequential.
 */
function convertEndpoints(value: unknown, nestedSequentials: Set<string>): unknown {
  if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'number')
    return shiftNode(value, nestedSequentials);
  if (Array.isArray(value)) return value.map((v) => convertEndpoints(v, nestedSequentials));
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, convertEndpoints(v, nestedSequentials)]),
    );
  return value;
}

function convertFunctional(entry: Json, ctx: KerasOneContext): Json {
  const cfg: Json = { ...(entry.config as Json) };
  const rawLayers = (cfg.layers as unknown[]).filter(isObject);
  const nestedModels = new Set(rawLayers.filter(isModelEntry).map(layerName));
  const nestedSequentials = new Set(
    rawLayers.filter((l) => isModelEntry(l) && isSequential(l)).map(layerName),
  );
  cfg.layers = rawLayers.map((layer) => {
    const converted = convertEntry(layer, ctx);
    const nodes = layer.inbound_nodes;
    return Array.isArray(nodes)
      ? { ...converted, inbound_nodes: nodes.map((n) => convertNode(n, nestedModels)) }
      : converted;
  });
  for (const key of ['input_layers', 'output_layers']) {
    if (!(key in cfg)) continue;
    const converted = convertEndpoints(cfg[key], nestedSequentials);
    // Keras 2 always wrote a list and unpacked a single tensor on call; Keras 3 mirrors the stored
    // structure, so a one-element list would hand the next layer a list (a nested model then breaks
    // the Dense after it). A bare triple is what Keras 3 writes for a single tensor.
    cfg[key] =
      Array.isArray(converted) && converted.length === 1 && Array.isArray(converted[0])
        ? converted[0]
        : converted;
  }
  return { ...entry, class_name: 'Functional', config: cfg };
}

/** Keras 3 builds these without a `groups` argument and rejects tf.keras's `groups: 1` on them. */
const NO_GROUPS_ARGUMENT = new Set([
  'DepthwiseConv1D',
  'DepthwiseConv2D',
  'SeparableConv1D',
  'SeparableConv2D',
  'Conv1DTranspose',
  'Conv2DTranspose',
  'Conv3DTranspose',
]);

/** Keras 3 builds these without a `trainable` argument (their __init__ takes no **kwargs). */
const NO_TRAINABLE_ARGUMENT = new Set(['SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D']);

/**
 * A wrapper's inner entry as Keras 3 writes it. Keras 3 wrappers deserialize their inner layer with the
 * new deserializer only, which cannot find a class from a bare class name ("Could not locate class
 * 'Dense'"); the legacy fallback applies to a model's own layer list alone.
 */
function withModule(entry: Json): Json {
  if ('module' in entry) return entry;
  if (entry.class_name === 'Sequential') return { module: 'keras', ...entry, registered_name: null };
  if (entry.class_name === 'Functional')
    return { module: 'keras.src.models.functional', ...entry, registered_name: 'Functional' };
  return { module: 'keras.layers', ...entry, registered_name: null };
}

function convertLayerConfig(raw: Json, ctx: KerasOneContext): Json {
  const entry = isKerasOneLayer(raw, ctx.dimOrdering) ? toKerasTwoLayer(raw, ctx) : raw;
  if (!isObject(entry.config)) return entry;
  const cfg: Json = { ...entry.config };
  if (NO_GROUPS_ARGUMENT.has(String(entry.class_name)) && cfg.groups === 1) delete cfg.groups;
  if (NO_TRAINABLE_ARGUMENT.has(String(entry.class_name))) delete cfg.trainable;
  // Keras 1 and Keras 2 before reset_after existed computed GRUs without it (one bias vector per gate);
  // Keras 3 defaults to reset_after=True, which wants a bias of another shape.
  if (entry.class_name === 'GRU' && !('reset_after' in cfg)) cfg.reset_after = false;
  // Wrappers (TimeDistributed, Bidirectional) hold their inner layer's entry.
  for (const key of ['layer', 'backward_layer'])
    if (isObject(cfg[key])) cfg[key] = withModule(convertEntry(cfg[key] as Json, ctx));
  return { ...entry, config: cfg };
}

function convertEntry(entry: Json, ctx: KerasOneContext): Json {
  if (!isModelEntry(entry)) return convertLayerConfig(entry, ctx);
  const model = withoutEngineModule(entry);
  return isSequential(model) ? convertSequential(model, ctx) : convertFunctional(model, ctx);
}

/**
 * A config Keras 3 can rebuild from a `.keras` archive. Keras 3 configs are returned unchanged;
 * Keras 1/2 ones are rewritten (see the file comment). Throws GraftError('architecture') for Keras 1
 * layers Keras 2 could not read either (Merge, BatchNormalization mode 1/2, ...); other classes
 * Keras 3 no longer has are left alone: Keras 3 names them when it refuses the file.
 */
export function toKerasThreeConfig(config: Json, label: string): Json {
  if (isKerasThreeConfig(config)) return config;
  if (typeof config.class_name !== 'string' || !isModelEntry(config)) {
    throw new GraftError(
      'architecture',
      `${label}: the model config has no model class and layer list, so Keras 3 cannot rebuild it.`,
    );
  }
  const copy = JSON.parse(JSON.stringify(config)) as Json;
  delete copy.keras_version;
  delete copy.backend;
  const converted = convertEntry(copy, { dimOrdering: kerasOneDimOrdering(copy), label });
  return converted.class_name === 'Sequential'
    ? { module: 'keras', class_name: 'Sequential', config: converted.config, registered_name: null }
    : {
        module: 'keras.src.models.functional',
        class_name: 'Functional',
        config: converted.config,
        registered_name: 'Functional',
      };
}
