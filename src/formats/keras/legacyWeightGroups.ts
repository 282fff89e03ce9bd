// Reads the legacy weights group (file root for save_weights, `/model_weights` for model.save) exactly
// as Keras's loaders do: `layer_names` gives the layers in order, each layer group's `weight_names`
// gives the dataset paths relative to that group, in load order. Headers only; no values are read.

import type { DType } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import type { H5Reader } from '../h5/h5Reader';

export interface StoredWeight {
  /** The entry of `weight_names` as written (`conv1/kernel:0`, `dense_1_W`). */
  storedName: string;
  /** Absolute dataset path inside the file. */
  path: string;
  shape: number[];
  dtype: DType;
}

export interface StoredLayer {
  name: string;
  weights: StoredWeight[];
}

export interface LegacyWeightGroups {
  /** `/` or `/model_weights`. */
  groupPath: string;
  /** The weights group's own `keras_version` / `backend` (Keras's loaders read these, not the root's). */
  kerasVersion: string | null;
  backend: string | null;
  layers: StoredLayer[];
  /** Weights listed in `top_level_model_weights` (Keras >= 2.7 and Keras 3), not part of any layer. */
  topLevelWeights: StoredWeight[];
}

/** Joins a group path and a relative weight name the way h5py resolves it (empty components collapse). */
export function datasetPath(groupPath: string, ...relative: string[]): string {
  const parts = [groupPath, ...relative].flatMap((p) => p.split('/')).filter((p) => p !== '');
  return `/${parts.join('/')}`;
}

function readLayer(reader: H5Reader, groupPath: string, layerName: string): StoredWeight[] {
  const layerPath = datasetPath(groupPath, layerName);
  if (!reader.isGroup(layerPath)) {
    throw new GraftError(
      'corrupt',
      `${reader.label}: layer_names lists "${layerName}" but there is no group ${layerPath}; the file is incomplete or was edited.`,
    );
  }
  // A missing weight_names attribute counts as "no weights", as in Keras's loaders.
  const names = reader.stringListAttr(layerPath, 'weight_names') ?? [];
  return names.map((storedName) => {
    const path = datasetPath(layerPath, storedName);
    if (!reader.isDataset(path)) {
      throw new GraftError(
        'corrupt',
        `${reader.label}: layer "${layerName}" lists weight "${storedName}" but there is no dataset at ${path}; the file is incomplete or was edited.`,
      );
    }
    const info = reader.datasetInfo(path);
    return { storedName, path, shape: info.shape, dtype: info.dtype };
  });
}

/** `onProgress(done, total)` after each layer group: listing a 500 MB file takes seconds in a browser. */
export function readLegacyWeightGroups(
  reader: H5Reader,
  groupPath: string,
  onProgress?: (done: number, total: number) => void,
): LegacyWeightGroups {
  const layerNames = reader.stringListAttr(groupPath, 'layer_names');
  if (layerNames === null) {
    throw new GraftError(
      'not-keras',
      `${reader.label}: ${groupPath} has no layer_names attribute, so it holds no Keras weights.`,
    );
  }
  const seen = new Set<string>();
  for (const name of layerNames) {
    if (seen.has(name))
      throw new GraftError('corrupt', `${reader.label}: layer_names lists "${name}" twice.`);
    seen.add(name);
  }
  const topPath = datasetPath(groupPath, 'top_level_model_weights');
  const topLevelWeights =
    !seen.has('top_level_model_weights') && reader.isGroup(topPath)
      ? readLayer(reader, groupPath, 'top_level_model_weights')
      : [];
  return {
    groupPath,
    kerasVersion: reader.stringAttr(groupPath, 'keras_version'),
    backend: reader.stringAttr(groupPath, 'backend'),
    layers: layerNames.map((name, i) => {
      const weights = readLayer(reader, groupPath, name);
      onProgress?.(i + 1, layerNames.length);
      return { name, weights };
    }),
    topLevelWeights,
  };
}
