// A model JSON (`model.to_json()`, a `.keras` archive's config.json, a tf.js model.json): the
// architecture alone. Useful as a target to inspect and plan against, or paired with a weights file.

import { GraftError } from '../../model/errors';
import type { OpenModel } from '../openModel';
import { parseModelJsonText } from './modelConfig';

export function readKerasJson(text: string, label: string): OpenModel {
  const arch = parseModelJsonText(text, label);
  return {
    spec: {
      format: 'keras-json',
      kerasVersion: arch.kerasVersion,
      backend: arch.backend,
      modelClass: arch.modelClass,
      name: arch.name,
      layers: arch.layers.map((l) => ({ ...l, weights: [] })),
      inputs: arch.inputs,
      outputs: arch.outputs,
      modelConfig: arch.raw,
      archiveMetadata: null,
      notes: ['architecture only: no weights'],
    },
    async readDataset(path) {
      throw new GraftError(
        'usage',
        `${label} is an architecture only (model JSON), so it has no values for ${path}; pair it with its weights file (.weights.h5 or .h5).`,
      );
    },
    close() {},
  };
}
