// One description of a Keras model, whatever file it came from. Every reader produces it; graph,
// matching, planning and writing consume it and never look at the file format again.
// Plain data only: it crosses the worker boundary and is written to JSON by `graft inspect --json`.

import type { TensorExpr } from './tensorExpr';

export type FormatKind =
  | 'keras-legacy-weights' // save_weights('x.h5'), Keras 1/2/tf.keras
  | 'keras-legacy-model' // model.save('x.h5'): model_config + model_weights
  | 'keras3-weights' // Keras 3 save_weights('x.weights.h5')
  | 'keras3-archive' // Keras 3 / tf.keras >= 2.13 `.keras` zip
  | 'keras-json'; // model.to_json() / config.json: architecture, no values

/** The layouts Graft can write (an architecture JSON carries no weights). */
export type OutputLayout = Exclude<FormatKind, 'keras-json'>;

export type DType =
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

/** One tensor of one layer, in the layer's load order (trainable first, then non-trainable). */
export interface WeightSpec {
  /** Keras variable name without layer scope or `:0`: `kernel`, `bias`, `gamma`, `moving_mean`, `depthwise_kernel`... */
  name: string;
  /** Shape in the Keras 2 / Keras 3 layout (channels-last conv kernels `(kh, kw, in, out)`). */
  shape: number[];
  dtype: DType;
  trainable: boolean;
  /**
   * How to obtain the values from the file this spec was read from, already converted to the
   * Keras 2/3 layout (Keras 1 per-gate arrays concatenated, Theano kernels transposed and flipped).
   * `null` when the spec came from an architecture alone.
   */
  values: TensorExpr | null;
  /** The name the file stored it under (`conv1/kernel:0`, `vars/0`), for display and reports. */
  storedName: string | null;
}

/** One input tensor of one call of a layer: the `[layer, node, tensor]` triple of a Keras config. */
export interface InboundRef {
  /** Producer layer name, in the same (nested) model as the consumer. */
  layer: string;
  /** Which call of the producer, counted from 0 among the calls that belong to this model. */
  node: number;
  /** Which output of that call. */
  tensor: number;
}

export interface LayerSpec {
  /** Unique in the whole model: nested-model path and layer name joined by `/` (`model_1/dense_1`). */
  id: string;
  name: string;
  /** Keras class name (`Conv2D`, `Functional`...); null when the file gives no architecture. */
  className: string | null;
  /** The layer's own Keras config object, kept verbatim; null without architecture. */
  config: Record<string, unknown> | null;
  /** One entry per call of the layer inside its model; each lists the input tensors of that call. */
  inbound: InboundRef[][];
  /** Names of the enclosing nested models, outermost first; [] for a top-level layer. */
  path: string[];
  /** Own weights in load order; a nested model's weights belong to its inner layers, not to it. */
  weights: WeightSpec[];
  /** For a nested model: ids of its direct inner layers in its own model order. */
  children?: string[];
  /** For a nested model: its input layers and output tensors, as in its config. */
  modelInputs?: InboundRef[];
  modelOutputs?: InboundRef[];
}

export interface ModelSpec {
  format: FormatKind;
  kerasVersion: string | null;
  backend: string | null;
  /** `Sequential`, `Functional`/`Model`, or null for a weights-only file without architecture. */
  modelClass: string | null;
  name: string | null;
  /**
   * Every layer in model order: the order Keras's `model.layers` has (recomputed from the graph),
   * depth-first, so a nested model is followed directly by its inner layers.
   */
  layers: LayerSpec[];
  /** Top-level model inputs and outputs, when an architecture is known. */
  inputs: InboundRef[];
  outputs: InboundRef[];
  /** The model config (`{class_name, config, ...}`) exactly as the file had it; kept for writing. */
  modelConfig: Record<string, unknown> | null;
  /** `.keras` archives: metadata.json as read, kept for writing. */
  archiveMetadata: Record<string, unknown> | null;
  /** Non-fatal findings while reading (skipped optimizer state, guessed names, ...). */
  notes: string[];
}
