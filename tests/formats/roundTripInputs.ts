// Every readable file the round-trip tests feed through the writers: the shared real and keras-apps
// files (weights-only ones paired with their architecture JSON) and the generated real-Keras models
// (each as .keras, legacy .h5 and .weights.h5 + JSON). Pure JSON files are architectures, not inputs.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  SHARED,
  generatedFixtures,
  kerasFixtureIndex,
  sharedAvailable,
  type KerasFixtureModel,
} from '../support/fixtures';

export interface RoundTripInput {
  /** Unique, short, file-name safe: `real/emg-hand__model.h5`, `keras/lstm.weights.h5`. */
  label: string;
  weights: string;
  /** Architecture JSON paired with a weights-only file. */
  arch?: string;
}

export interface RoundTripInputSet {
  inputs: RoundTripInput[];
  /** Why a group of inputs is missing (no shared fixtures, no real Keras to generate models). */
  missing: string[];
}

/** Weights-only shared files and the JSON that describes them (see the MANIFEST.md files). */
const SHARED_ARCHITECTURES: Record<string, string> = {
  'real/keras2cpp__my_nn_weights.h5': 'real/keras2cpp__my_nn_arch.json',
  'real/fml-examples__KERAS_3layer_batch_norm_weights.h5': 'real/fml-examples__KERAS_3layer_batch_norm.json',
  'real/kotlindl__toyresnet_weights.h5': 'real/kotlindl__toyresnet_modelConfig.json',
  'keras-apps/mnv2_1.0_source.h5': 'keras-apps/mnv2_1.0.json',
  'keras-apps/resmini_source.h5': 'keras-apps/resmini_source.json',
  'keras-apps/resmini_conv4x2_target.weights.h5': 'keras-apps/resmini_conv4x2_target.json',
};

const isModelFile = (name: string) => name.endsWith('.h5') || name.endsWith('.keras');

function sharedInputs(): RoundTripInput[] {
  const inputs: RoundTripInput[] = [];
  for (const folder of ['real', 'keras-apps']) {
    for (const name of readdirSync(path.join(SHARED, folder)).filter(isModelFile).sort()) {
      const label = `${folder}/${name}`;
      const arch = SHARED_ARCHITECTURES[label];
      inputs.push({
        label,
        weights: path.join(SHARED, label),
        arch: arch ? path.join(SHARED, arch) : undefined,
      });
    }
  }
  const unpaired = Object.values(SHARED_ARCHITECTURES).filter((a) => !existsSync(path.join(SHARED, a)));
  if (unpaired.length) throw new Error(`shared architecture files missing: ${unpaired.join(', ')}`);
  return inputs;
}

/** The three files of one generated model as inputs (the .weights.h5 with its JSON). */
function modelInputs(dir: string, model: KerasFixtureModel): RoundTripInput[] {
  return [
    { label: `keras/${model.files.keras}`, weights: path.join(dir, model.files.keras) },
    { label: `keras/${model.files.h5}`, weights: path.join(dir, model.files.h5) },
    {
      label: `keras/${model.files.weights_h5}`,
      weights: path.join(dir, model.files.weights_h5),
      arch: path.join(dir, model.files.json),
    },
  ];
}

export interface InputChoice {
  /**
   * 'all': every generated model as .keras, as legacy .h5 and as .weights.h5 + JSON. 'one-per-model':
   * each model once, the three files in rotation, so every reader still feeds a third of the models
   * (for the real-Keras stage, where each input costs seconds).
   */
  generated: 'all' | 'one-per-model';
}

export function roundTripInputs(choice: InputChoice = { generated: 'all' }): RoundTripInputSet {
  const inputs: RoundTripInput[] = [];
  const missing: string[] = [];
  if (sharedAvailable()) inputs.push(...sharedInputs());
  else missing.push(`shared fixtures (${SHARED} does not exist)`);
  const generated = generatedFixtures('keras');
  if (generated.dir) {
    const dir = generated.dir;
    kerasFixtureIndex(dir).models.forEach((model, k) => {
      const files = modelInputs(dir, model);
      inputs.push(...(choice.generated === 'all' ? files : [files[k % files.length]]));
    });
  } else missing.push(`generated real-Keras models (${generated.reason})`);
  return { inputs, missing };
}
