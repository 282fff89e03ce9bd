// The legacy HDF5 layouts: weights only (`save_weights('x.h5')`) and full model (`model.save('x.h5')`:
// `model_config` at the root, the same weight layout under `model_weights`). Every string is a
// fixed-length byte string, `keras_version` is never '1' and `backend` is 'tensorflow', so Keras 2
// runs none of its Keras 1 / Theano conversions; no optimizer or training state is written.

import type { ModelSpec } from '../../../model/modelSpec';
import type { H5Writer } from '../../h5/h5Writer';
import { joinH5Path } from '../../h5/h5Writer';
import { writeKerasNameList } from './kerasNameList';
import { planLegacyGroups } from './legacyLayout';
import type { WeightSlot } from './weightSlot';

/** What Keras 2 sees when the target says nothing usable: any version other than '1' does. */
const FALLBACK_KERAS_VERSION = '2.15.0';

/** The target's Keras version when it is 2 or later (`2.2.4-tf`, `3.8.0`), else a Keras 2 one. */
export function legacyKerasVersion(target: ModelSpec): string {
  const major = /^(\d+)\./.exec(target.kerasVersion ?? '');
  return major && Number(major[1]) >= 2 ? target.kerasVersion! : FALLBACK_KERAS_VERSION;
}

/** Groups and attributes of the weight layout at `root`; returns where each tensor goes. */
export function writeLegacyWeightGroups(writer: H5Writer, target: ModelSpec, root: string): WeightSlot[] {
  const groups = planLegacyGroups(target, root);
  writer.createGroup(root);
  writeKerasNameList(
    writer,
    root,
    'layer_names',
    groups.map((g) => g.name),
  );
  writer.writeStrings(root, 'backend', ['tensorflow'], true);
  writer.writeStrings(root, 'keras_version', [legacyKerasVersion(target)], true);
  for (const group of groups) {
    const path = joinH5Path(root, group.name);
    writer.createGroup(path);
    writeKerasNameList(writer, path, 'weight_names', group.weightNames);
  }
  return groups.flatMap((g) => g.slots);
}

/** A full-model file's root: the architecture, as compact JSON, next to `model_weights`. */
export function writeLegacyModelRoot(
  writer: H5Writer,
  target: ModelSpec,
  modelConfig: Record<string, unknown>,
): WeightSlot[] {
  writer.writeStrings('/', 'model_config', [JSON.stringify(modelConfig)], true);
  writer.writeStrings('/', 'keras_version', [legacyKerasVersion(target)], true);
  writer.writeStrings('/', 'backend', ['tensorflow'], true);
  return writeLegacyWeightGroups(writer, target, '/model_weights');
}
