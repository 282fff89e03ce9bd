// Which weight axes must keep the same channels, read straight from a Keras model config
// (`to_json()`, a `.keras` config.json or a legacy `.h5` model_config), sharing no code with
// Graft's own graph: a test that checks Graft's channel coupling must not reuse Graft's idea of it.

export type Port = 'in' | 'out';

interface LayerConfig {
  class_name: string;
  name?: string;
  config?: { name?: string; depth_multiplier?: number };
  inbound_nodes?: unknown;
}

/** Layers whose output has the channels of their input(s); every other layer separates the two. */
const CHANNEL_PRESERVING = new Set([
  'InputLayer',
  'ReLU',
  'Activation',
  'LeakyReLU',
  'ZeroPadding1D',
  'ZeroPadding2D',
  'Cropping2D',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'UpSampling2D',
  'Dropout',
  'SpatialDropout2D',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'BatchNormalization',
]);

/** Weighted layers with a kernel laid out [..., in, out] and a bias over out. */
const KERNEL_IN_OUT = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Dense']);

function layerName(layer: LayerConfig): string {
  const name = layer.name ?? layer.config?.name;
  if (!name) throw new Error(`a ${layer.class_name} layer in the config has no name`);
  return name;
}

/** Names of the layers feeding this one: Keras 3 `keras_history`, or Keras 2 `[name, node, tensor, kwargs]`. */
export function producerNames(inboundNodes: unknown): string[] {
  const names: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      if (value.length >= 3 && typeof value[0] === 'string' && typeof value[1] === 'number') {
        names.push(value[0]);
        return;
      }
      value.forEach(walk);
    } else if (value !== null && typeof value === 'object') {
      const history = (value as { keras_history?: unknown }).keras_history;
      if (Array.isArray(history) && typeof history[0] === 'string') {
        names.push(history[0]);
        return;
      }
      Object.values(value).forEach(walk);
    }
  };
  walk(inboundNodes);
  return names;
}

/** Union-find over `<layer>:in` / `<layer>:out`: two ports in one set carry the same channels. */
export class ChannelSpaces {
  readonly classOf = new Map<string, string>();
  private readonly parent = new Map<string, string>();

  private find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }

  join(a: string, b: string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent.set(ra, rb);
  }

  /** The set a layer's input or output channels belong to (undefined for a layer not in the config). */
  space(layer: string, port: Port): string | undefined {
    return this.classOf.has(layer) ? this.find(`${layer}:${port}`) : undefined;
  }
}

/** Channel spaces of a Functional model config (the object `to_json()` writes). */
export function channelSpaces(modelConfig: unknown): ChannelSpaces {
  const layers = (modelConfig as { config?: { layers?: LayerConfig[] } }).config?.layers;
  if (!Array.isArray(layers)) throw new Error('not a Functional model config (no config.layers)');
  const spaces = new ChannelSpaces();
  for (const layer of layers) spaces.classOf.set(layerName(layer), layer.class_name);
  for (const layer of layers) {
    const name = layerName(layer);
    const oneToOne =
      CHANNEL_PRESERVING.has(layer.class_name) ||
      (layer.class_name === 'DepthwiseConv2D' && (layer.config?.depth_multiplier ?? 1) === 1);
    if (oneToOne) spaces.join(`${name}:in`, `${name}:out`);
    for (const producer of producerNames(layer.inbound_nodes)) spaces.join(`${producer}:out`, `${name}:in`);
  }
  return spaces;
}

/**
 * For each axis of a weight, the port whose channels it indexes (null: spatial or unknown).
 * `weight` is the variable's short name (`kernel`, `bias`, `gamma`, ...).
 */
export function axisPorts(className: string, weight: string, rank: number): (Port | null)[] {
  const ports: (Port | null)[] = new Array<Port | null>(rank).fill(null);
  if (className === 'BatchNormalization' && rank === 1) ports[0] = 'in';
  else if (className === 'DepthwiseConv2D') {
    if (weight === 'bias' && rank === 1) ports[0] = 'out';
    else if (rank === 4) ports[2] = 'in';
  } else if (KERNEL_IN_OUT.has(className)) {
    if (weight === 'bias' && rank === 1) ports[0] = 'out';
    else if (weight === 'kernel' && rank >= 2) {
      ports[rank - 2] = 'in';
      ports[rank - 1] = 'out';
    }
  }
  return ports;
}
