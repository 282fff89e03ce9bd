// Where each weight goes in a legacy HDF5 file (`save_weights('x.h5')`, and `model_weights` of a full
// model): one group per top-level layer in model order, weightless layers included; a nested model
// is ONE group holding all its inner weights, trainable ones first across all inner layers, then the
// non-trainable ones (tf.keras / Keras 3 `_legacy_weights`), because topological loading assigns by
// position only.

import type { LayerSpec, ModelSpec } from '../../../model/modelSpec';
import { joinH5Path } from '../../h5/h5Writer';
import type { WeightSlot } from './weightSlot';

export interface LegacyLayerGroup {
  /** Top-level layer name: the `layer_names` entry and the group name. */
  name: string;
  /** The group's `weight_names`, paths relative to the group, in load order. */
  weightNames: string[];
  slots: WeightSlot[];
}

/** The layer's scope inside its top-level group: its own name, or its path below the nested model. */
function scopeOf(layer: LayerSpec): string {
  return [...layer.path.slice(1), layer.name].join('/');
}

/**
 * `<scope>/<var>:0` like Keras 2 / tf.keras names. Loaders never interpret the names, but they must be
 * unique within a group; a repeated variable name (Bidirectional halves) gets `_1`, `_2` like Keras 2.2.
 */
function uniqueName(scope: string, variable: string, taken: Set<string>): string {
  let name = `${scope}/${variable}:0`;
  for (let k = 1; taken.has(name); k++) name = `${scope}/${variable}_${k}:0`;
  taken.add(name);
  return name;
}

export function planLegacyGroups(target: ModelSpec, root: string): LegacyLayerGroup[] {
  const members = new Map<string, LayerSpec[]>();
  for (const layer of target.layers) {
    const top = layer.path.length > 0 ? layer.path[0] : layer.name;
    const list = members.get(top);
    if (list) list.push(layer);
    else members.set(top, [layer]);
  }
  const groups: LegacyLayerGroup[] = [];
  for (const [name, layers] of members) {
    const nested = layers.some((l) => l.path.length > 0);
    const entries = layers.flatMap((layer) =>
      layer.weights.map((weight, weightIndex) => ({ layer, weight, weightIndex })),
    );
    const ordered = nested
      ? [...entries.filter((e) => e.weight.trainable), ...entries.filter((e) => !e.weight.trainable)]
      : entries;
    const taken = new Set<string>();
    const weightNames: string[] = [];
    const slots: WeightSlot[] = [];
    for (const e of ordered) {
      const weightName = uniqueName(scopeOf(e.layer), e.weight.name, taken);
      weightNames.push(weightName);
      slots.push({ layer: e.layer, weightIndex: e.weightIndex, path: joinH5Path(root, name, weightName) });
    }
    groups.push({ name, weightNames, slots });
  }
  return groups;
}
