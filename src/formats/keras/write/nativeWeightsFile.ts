// The Keras 3 `.weights.h5` layout (also `model.weights.h5` inside a `.keras` archive): datasets at
// `layers/<class counter>/.../vars/<i>` computed by nativeLayout from the target's architecture,
// exactly as many per object as it has variables, plus the empty `vars` groups Keras 3.0-3.5 read
// unconditionally (the root `/vars` above all). No attributes are needed: loaders never read them.

import type { ModelSpec } from '../../../model/modelSpec';
import { GraftError } from '../../../model/errors';
import type { H5Writer } from '../../h5/h5Writer';
import { joinH5Path } from '../../h5/h5Writer';
import { nativeLayout } from '../nativePaths';
import type { WeightSlot } from './weightSlot';

export function writeNativeWeightGroups(writer: H5Writer, target: ModelSpec): WeightSlot[] {
  const layout = nativeLayout(target);
  for (const group of layout.emptyVarGroups) writer.createGroup(group);
  const slots: WeightSlot[] = [];
  const taken = new Map<string, string>();
  for (const layer of target.layers) {
    if (layer.weights.length === 0) continue;
    const paths = layout.layers.get(layer.id)?.weights ?? [];
    if (paths.length !== layer.weights.length) {
      throw new GraftError(
        'write',
        `${writer.label}: layer ${layer.id} has ${layer.weights.length} weights but its Keras 3 layout has ${paths.length} places for them; nothing was saved.`,
      );
    }
    layer.weights.forEach((_, weightIndex) => {
      const path = joinH5Path(paths[weightIndex]);
      const owner = taken.get(path);
      if (owner !== undefined) {
        throw new GraftError(
          'write',
          `${writer.label}: layers ${owner} and ${layer.id} map to the same Keras 3 path ${path}; nothing was saved.`,
        );
      }
      taken.set(path, layer.id);
      slots.push({ layer, weightIndex, path });
    });
  }
  return slots;
}
