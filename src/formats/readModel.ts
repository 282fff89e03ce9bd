// Detect by content, then hand the file to the one reader for its layout (Netron's pattern). The
// file name is never consulted: a legacy file named `.weights.h5` still reads as legacy.

import { GraftError } from '../model/errors';
import type { H5Host } from './h5/h5Host';
import { H5Reader } from './h5/h5Reader';
import type { OpenModel } from './openModel';
import { describeUnknownContent, sniffContainer, type ByteSource } from './source';
import { parseModelJsonText, type Architecture } from './keras/modelConfig';
import { readLegacyH5 } from './keras/legacyH5Reader';
import { readKeras3Weights } from './keras/keras3WeightsReader';
import { readKerasArchive } from './keras/kerasArchiveReader';
import { readKerasJson } from './keras/kerasJsonReader';

/** What the user gave for one model: a weights/model file, an architecture JSON, or both. */
export interface ModelFiles {
  weights?: ByteSource;
  arch?: ByteSource;
}

/** Enough to see a superblock behind a user block of up to 8 KiB. */
const SNIFF_BYTES = 8200;
const MAX_JSON_BYTES = 512 * 1024 * 1024;

const CHOOSE = 'choose a Keras .h5, .weights.h5 or .keras file, or a model JSON from model.to_json()';

async function readText(host: H5Host, source: ByteSource): Promise<string> {
  const size = await host.sizeOf(source);
  if (size > MAX_JSON_BYTES)
    throw new GraftError('not-keras', `${source.name}: ${size} bytes is far too large for a model JSON.`);
  return new TextDecoder('utf-8').decode(await host.readRange(source, 0, size));
}

export type Hdf5Layout = 'legacy-weights' | 'legacy-model' | 'keras3-weights';

/** Which Keras layout an open HDF5 file has, or a message naming what it holds instead. */
export function detectHdf5Layout(reader: H5Reader): Hdf5Layout {
  const rootAttrs = reader.attrNames('/');
  const rootKeys = reader.keys('/');
  if (rootKeys.includes('model_weights') && reader.isGroup('model_weights')) return 'legacy-model';
  if (rootAttrs.includes('layer_names') || rootAttrs.includes('layer_names0')) return 'legacy-weights';
  const native = rootKeys.some(
    (k) => k === 'layers' || k === '_layer_checkpoint_dependencies' || k.startsWith('layers\\'),
  );
  if (native) return 'keras3-weights';
  const found = rootKeys.length
    ? `groups/datasets ${rootKeys
        .slice(0, 6)
        .map((k) => `"${k}"`)
        .join(', ')}`
    : 'nothing at the root';
  throw new GraftError(
    'not-keras',
    `${reader.label}: an HDF5 file, but not a Keras weight file (found ${found}; no layer_names, model_weights or layers/); ${CHOOSE}.`,
  );
}

async function readArchitecture(host: H5Host, arch: ByteSource): Promise<Architecture> {
  const head = await host.readRange(arch, 0, SNIFF_BYTES);
  const kind = sniffContainer(head);
  if (kind !== 'json') {
    const what =
      kind === 'unknown'
        ? describeUnknownContent(head)
        : kind === 'empty'
          ? 'an empty file'
          : `a ${kind.toUpperCase()} file`;
    throw new GraftError(
      'not-keras',
      `${arch.name}: the architecture must be a model JSON (model.to_json()), but this is ${what}.`,
    );
  }
  return parseModelJsonText(await readText(host, arch), arch.name);
}

/**
 * Opens a model from its files. Every failure is a GraftError whose message names the file.
 * `onProgress(done, total)` reports layer groups read, where the layout lists them up front.
 */
export async function readModel(
  host: H5Host,
  files: ModelFiles,
  onProgress?: (done: number, total: number) => void,
): Promise<OpenModel> {
  let { weights, arch } = files;
  if (!weights && !arch) throw new GraftError('usage', `no file given; ${CHOOSE}.`);
  if (!weights && arch) {
    weights = arch;
    arch = undefined;
  }
  const source = weights!;
  const head = await host.readRange(source, 0, SNIFF_BYTES);
  const kind = sniffContainer(head);
  const architecture = arch ? await readArchitecture(host, arch) : undefined;

  switch (kind) {
    case 'empty':
      throw new GraftError('not-hdf5', `${source.name}: the file is empty; ${CHOOSE}.`);
    case 'json':
      if (architecture) {
        throw new GraftError(
          'usage',
          `${source.name} and ${arch!.name} are both JSON; give one weights file (.h5/.weights.h5/.keras) and at most one architecture JSON.`,
        );
      }
      return readKerasJson(await readText(host, source), source.name);
    case 'zip':
      return readKerasArchive(host, source, { label: source.name });
    case 'hdf5': {
      const mounted = await host.mount(source);
      let layout: Hdf5Layout;
      try {
        const reader = new H5Reader(host.lib, mounted.path, source.name);
        try {
          layout = detectHdf5Layout(reader);
        } finally {
          reader.close();
        }
      } finally {
        mounted.release();
      }
      if (layout === 'keras3-weights')
        return readKeras3Weights(host, source, { arch: architecture, label: source.name });
      return readLegacyH5(host, source, { arch: architecture, label: source.name, onProgress });
    }
    default:
      throw new GraftError(
        'not-hdf5',
        `${source.name}: this is ${describeUnknownContent(head)}, not a Keras model file; ${CHOOSE}.`,
      );
  }
}
