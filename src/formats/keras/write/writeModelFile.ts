// Writes a target model's weights in one of the four layouts real Keras loads. Tensors are streamed
// one at a time into a scratch file; the file is closed, re-opened and verified against what was
// written (groups, fixed-length string attributes, every dataset's shape, dtype and bits) before the
// caller may commit it. On any failure the scratch file is removed: never a half file.

import type { ModelSpec } from '../../../model/modelSpec';
import { GraftError } from '../../../model/errors';
import type { H5Host } from '../../h5/h5Host';
import { H5Writer } from '../../h5/h5Writer';
import { verifyWrittenFile } from '../../h5/writeVerification';
import { archiveConfig, archiveMetadata, buildKerasArchive, verifyKerasArchive } from './kerasArchive';
import { writeLegacyModelRoot, writeLegacyWeightGroups } from './legacyFile';
import { writeNativeWeightGroups } from './nativeWeightsFile';
import { streamTensors, type TensorProvider } from './tensorStream';
import type { WeightSlot } from './weightSlot';
import type { OutputLayout } from '../../../model/modelSpec';

export type { TensorProvider } from './tensorStream';

export type { OutputLayout };

export interface WriteRequest {
  layout: OutputLayout;
  target: ModelSpec;
  tensors: TensorProvider;
  /** Tensors written so far, of all the file's tensors. */
  onProgress?: (done: number, total: number) => void;
  /** The output's name in messages (the user's file name); default 'output'. */
  label?: string;
}

export interface WriteResult {
  scratchPath: string;
  bytesWritten: number;
}

const NAME_HELP =
  'name it model.weights.h5 (Keras 3 weights), model.keras (Keras 3 model) or model.h5 (legacy Keras 2/3 weights)';

/**
 * The layout Keras will expect from a file name: Keras routes `.weights.h5` and `.keras` to its
 * native loader and any other `.h5`/`.hdf5` to the legacy one, so the name decides, not a preference.
 */
export function layoutForFileName(name: string, target: ModelSpec): OutputLayout {
  const lower = name.toLowerCase();
  if (lower.endsWith('.weights.h5')) return 'keras3-weights';
  if (lower.endsWith('.keras')) return 'keras3-archive';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5'))
    return target.modelConfig ? 'keras-legacy-model' : 'keras-legacy-weights';
  throw new GraftError(
    'usage',
    `${name}: Keras decides how to load a file by its name, and this one matches no Keras format; ${NAME_HELP}.`,
  );
}

/** Refuses requests that cannot produce a loadable file, before anything is created. */
function checkRequest(layout: OutputLayout, target: ModelSpec, label: string): void {
  if (target.layers.length === 0)
    throw new GraftError('usage', `${label}: the target model has no layers, so there is nothing to write.`);
  const keras3 = layout === 'keras3-weights' || layout === 'keras3-archive';
  if (keras3 && target.layers.some((l) => l.className === null)) {
    const kind = layout === 'keras3-weights' ? '.weights.h5' : '.keras';
    throw new GraftError(
      'usage',
      `${label}: a Keras 3 ${kind} file needs the architecture (Keras 3 stores weights by layer class, not name): pass --arch model.json, or write a legacy .h5.`,
    );
  }
  if ((layout === 'keras3-archive' || layout === 'keras-legacy-model') && !target.modelConfig) {
    throw new GraftError(
      'usage',
      `${label}: a full model file needs the architecture: pass --arch model.json, or write weights only.`,
    );
  }
}

/** Writes one HDF5 file at `scratch` and verifies it; removes it on any failure. */
async function writeVerifiedH5(
  host: H5Host,
  scratch: string,
  label: string,
  layOut: (writer: H5Writer) => WeightSlot[],
  request: WriteRequest,
): Promise<void> {
  let writer: H5Writer | null = null;
  try {
    writer = new H5Writer(host.lib, scratch, label);
    const slots = layOut(writer);
    await streamTensors(writer, slots, request.tensors, request.onProgress);
    writer.close();
    verifyWrittenFile(host.lib, scratch, label, writer.record);
  } catch (error) {
    writer?.abandon();
    host.removeScratch(scratch);
    if (error instanceof GraftError) throw error;
    throw new GraftError(
      'write',
      `${label}: writing failed (${error instanceof Error ? error.message : String(error)}); nothing was saved.`,
    );
  }
}

/** Size of a scratch file: a stat where the host can, else its bytes (the browser host reads MEMFS). */
async function scratchSize(host: H5Host, scratch: string, label: string): Promise<number> {
  try {
    return await host.sizeOf({ kind: 'path', path: scratch, name: label });
  } catch {
    return (await host.readScratch(scratch)).byteLength;
  }
}

export async function writeModelFile(host: H5Host, request: WriteRequest): Promise<WriteResult> {
  const { layout, target } = request;
  const label = request.label ?? 'output';
  checkRequest(layout, target, label);

  if (layout === 'keras3-archive') {
    const config = archiveConfig(target, label);
    const metadata = archiveMetadata(target);
    const weightsScratch = host.scratchPath('model.weights.h5');
    await writeVerifiedH5(host, weightsScratch, label, (w) => writeNativeWeightGroups(w, target), request);
    const archiveScratch = host.scratchPath('model.keras');
    try {
      const weights = await host.readScratch(weightsScratch);
      host.removeScratch(weightsScratch);
      const bytes = buildKerasArchive(metadata, config, weights);
      await host.writeScratch(archiveScratch, bytes);
      const encoder = new TextEncoder();
      verifyKerasArchive(
        await host.readScratch(archiveScratch),
        {
          'metadata.json': encoder.encode(JSON.stringify(metadata)),
          'config.json': encoder.encode(JSON.stringify(config)),
          'model.weights.h5': weights,
        },
        label,
      );
      return { scratchPath: archiveScratch, bytesWritten: bytes.byteLength };
    } catch (error) {
      host.removeScratch(weightsScratch);
      host.removeScratch(archiveScratch);
      if (error instanceof GraftError) throw error;
      throw new GraftError(
        'write',
        `${label}: writing the archive failed (${error instanceof Error ? error.message : String(error)}); nothing was saved.`,
      );
    }
  }

  const scratch = host.scratchPath(layout === 'keras3-weights' ? 'model.weights.h5' : 'model.h5');
  const layOut = (writer: H5Writer): WeightSlot[] => {
    if (layout === 'keras3-weights') return writeNativeWeightGroups(writer, target);
    if (layout === 'keras-legacy-model') return writeLegacyModelRoot(writer, target, target.modelConfig!);
    return writeLegacyWeightGroups(writer, target, '/');
  };
  await writeVerifiedH5(host, scratch, label, layOut, request);
  return { scratchPath: scratch, bytesWritten: await scratchSize(host, scratch, label) };
}
