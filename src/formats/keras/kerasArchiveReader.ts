// Reads a `.keras` archive (Keras 3, tf.keras >= 2.13): a zip with config.json, metadata.json and
// model.weights.h5. Keras stores the weights member uncompressed, so HDF5 reads it as a byte range of
// the archive itself; a deflated one (re-zipped by hand) is inflated into memory first.

import { strFromU8 } from 'fflate';
import { GraftError } from '../../model/errors';
import type { H5Host, MountedFile } from '../h5/h5Host';
import type { OpenModel } from '../openModel';
import { describeUnknownContent, sniffContainer, type ByteSource } from '../source';
import { openKeras3Weights } from './keras3WeightsReader';
import { memberRange, readMember, readZipDirectory, type ZipMember } from './keras3ZipDirectory';
import { parseModelConfig } from './modelConfig';

export interface KerasArchiveOptions {
  /** The file name to show in messages. */
  label?: string;
}

const SNIFF_BYTES = 8200;

type Json = Record<string, unknown>;

async function requireZip(host: H5Host, archive: ByteSource, label: string): Promise<void> {
  const head = await host.readRange(archive, 0, SNIFF_BYTES);
  const kind = sniffContainer(head);
  if (kind === 'zip') return;
  if (kind === 'empty')
    throw new GraftError(
      'not-hdf5',
      `${label}: the file is empty (0 bytes); choose a Keras .keras, .h5 or .weights.h5 file.`,
    );
  if (kind === 'hdf5') {
    throw new GraftError(
      'not-hdf5',
      `${label}: this is an HDF5 file, not a .keras archive (zip); open it as a .h5 or .weights.h5 file.`,
    );
  }
  throw new GraftError(
    'not-hdf5',
    `${label}: not a .keras archive (zip): it looks like ${kind === 'json' ? 'JSON' : describeUnknownContent(head)}.`,
  );
}

function parseJsonMember(bytes: Uint8Array, member: string, label: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(strFromU8(bytes));
  } catch (error) {
    throw new GraftError(
      'archive',
      `${label}: ${member} is not valid JSON (${(error as Error).message}); re-save the model with model.save('x.keras').`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraftError(
      'archive',
      `${label}: ${member} is not a JSON object; re-save the model with model.save('x.keras').`,
    );
  }
  return value as Json;
}

/** Mounts model.weights.h5 (a byte range of the archive when stored), after checking it is HDF5. */
async function mountWeights(
  host: H5Host,
  archive: ByteSource,
  member: ZipMember,
  label: string,
): Promise<MountedFile> {
  const stored = member.method === 0;
  const range = stored ? await memberRange(host, archive, member, label) : null;
  const inflated = stored ? null : await readMember(host, archive, member, label);
  const head = range
    ? await host.readRange(archive, range.offset, Math.min(SNIFF_BYTES, range.length))
    : inflated!.subarray(0, SNIFF_BYTES);
  if (sniffContainer(head) !== 'hdf5') {
    throw new GraftError(
      'archive',
      `${label}: model.weights.h5 inside the archive is not an HDF5 file (it looks like ${describeUnknownContent(head)}); the archive is damaged or was not written by Keras: re-save it with model.save('x.keras').`,
    );
  }
  if (range) return host.mount(archive, range);
  return host.mount({ kind: 'bytes', bytes: inflated!, name: 'model.weights.h5' });
}

export async function readKerasArchive(
  host: H5Host,
  archive: ByteSource,
  options: KerasArchiveOptions = {},
): Promise<OpenModel> {
  const label = options.label ?? archive.name;
  await requireZip(host, archive, label);
  const members = await readZipDirectory(host, archive, label);
  const byName = new Map(members.map((m) => [m.name, m]));
  const listed = members
    .slice(0, 8)
    .map((m) => m.name)
    .join(', ');

  const configMember = byName.get('config.json');
  if (!configMember) {
    throw new GraftError(
      'archive',
      `${label}: this .keras archive has no config.json: re-save it with model.save('x.keras') (it holds: ${listed || 'nothing'}).`,
    );
  }
  const weightsMember = byName.get('model.weights.h5');
  if (!weightsMember) {
    if (byName.has('model.weights.npz')) {
      throw new GraftError(
        'archive',
        `${label}: its weights are stored as model.weights.npz (saved with weights_format="npz"), which is not supported yet; re-save it with model.save('x.keras') and the default HDF5 weights.`,
      );
    }
    throw new GraftError(
      'archive',
      `${label}: this .keras archive has no model.weights.h5 (it holds: ${listed}); re-save it with model.save('x.keras').`,
    );
  }

  const config = parseJsonMember(await readMember(host, archive, configMember, label), 'config.json', label);
  const arch = parseModelConfig(config, `${label} (config.json)`);
  const notes: string[] = [];
  let metadata: Json | null = null;
  const metadataMember = byName.get('metadata.json');
  if (metadataMember) {
    try {
      metadata = parseJsonMember(
        await readMember(host, archive, metadataMember, label),
        'metadata.json',
        label,
      );
    } catch (error) {
      // Keras's own loader never reads metadata.json; a damaged one costs only the version.
      notes.push(`metadata.json ignored: ${(error as Error).message}`);
    }
  } else {
    notes.push('no metadata.json in the archive (Keras does not need it to load)');
  }
  const assets = members.filter((m) => m.name.startsWith('assets/')).length;
  if (assets > 0)
    notes.push(`${assets} asset file(s) in the archive ignored (vocabularies and the like are not weights)`);

  const mounted = await mountWeights(host, archive, weightsMember, label);
  const model = openKeras3Weights(host.lib, mounted, label, { arch, format: 'keras3-archive' });
  const kerasVersion =
    typeof metadata?.keras_version === 'string' ? metadata.keras_version : arch.kerasVersion;
  model.spec = {
    ...model.spec,
    kerasVersion,
    archiveMetadata: metadata,
    modelConfig: config,
    notes: [...notes, ...model.spec.notes],
  };
  return model;
}
