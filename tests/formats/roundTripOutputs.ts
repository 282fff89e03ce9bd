// Writes one input back in every layout, the way `graft convert` does (the spec's own values through
// evaluateTensor), and records which layouts the writer refused and why.
import path from 'node:path';
import { evaluateTensor } from '../../src/core/tensor';
import type { FileSystemH5Host } from '../../src/formats/h5/h5Host';
import { writeModelFile } from '../../src/formats/keras/write/writeModelFile';
import { readModel } from '../../src/formats/readModel';
import type { ModelSpec, OutputLayout } from '../../src/model/modelSpec';
import type { RoundTripInput } from './roundTripInputs';

export const ALL_LAYOUTS: OutputLayout[] = [
  'keras-legacy-weights',
  'keras-legacy-model',
  'keras3-weights',
  'keras3-archive',
];

/** Keras routes by name: a legacy weights file must never end in `.weights.h5`. */
export const OUTPUT_SUFFIX: Record<OutputLayout, string> = {
  'keras-legacy-weights': 'legacy.h5',
  'keras-legacy-model': 'full.h5',
  'keras3-weights': 'weights.h5',
  'keras3-archive': 'keras',
};

/**
 * The layouts a spec can be written in, stated from what each layout needs: legacy weights need
 * nothing, a full model needs the model config, Keras 3 files need every layer's class (paths are
 * class counters) and the `.keras` also the config.
 */
export function writableLayouts(spec: ModelSpec): OutputLayout[] {
  const classesKnown = spec.layers.every((l) => l.className !== null);
  const config = spec.modelConfig !== null;
  return ALL_LAYOUTS.filter(
    (layout) =>
      layout === 'keras-legacy-weights' ||
      (layout === 'keras-legacy-model' && config) ||
      (layout === 'keras3-weights' && classesKnown) ||
      (layout === 'keras3-archive' && classesKnown && config),
  );
}

export interface RoundTrip {
  input: RoundTripInput;
  spec: ModelSpec;
  /** File written per layout. */
  outputs: Partial<Record<OutputLayout, string>>;
  /** What the writer threw for each layout it refused. */
  refused: Partial<Record<OutputLayout, unknown>>;
  /** Every weight is one stored dataset as it is (no Keras 1 / Theano conversion). */
  plainReads: boolean;
}

export const fileSource = (file: string) => ({
  kind: 'path' as const,
  path: file,
  name: path.basename(file),
});

export function outputStem(input: RoundTripInput): string {
  return input.label.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export async function writeRoundTrip(
  host: FileSystemH5Host,
  input: RoundTripInput,
  outDir: string,
): Promise<RoundTrip> {
  const model = await readModel(host, {
    weights: fileSource(input.weights),
    arch: input.arch ? fileSource(input.arch) : undefined,
  });
  try {
    const { spec } = model;
    const result: RoundTrip = {
      input,
      spec,
      outputs: {},
      refused: {},
      plainReads: spec.layers.every((l) => l.weights.every((w) => w.values?.op === 'read')),
    };
    for (const layout of ALL_LAYOUTS) {
      const name = `${outputStem(input)}.${OUTPUT_SUFFIX[layout]}`;
      try {
        const written = await writeModelFile(host, {
          layout,
          target: spec,
          label: name,
          tensors: (layer, index) =>
            evaluateTensor(layer.weights[index].values!, { readSource: (p) => model.readDataset(p) }),
        });
        const destination = path.join(outDir, name);
        await host.commitScratch(written.scratchPath, destination);
        result.outputs[layout] = destination;
      } catch (error) {
        result.refused[layout] = error;
      }
    }
    return result;
  } finally {
    model.close();
  }
}
