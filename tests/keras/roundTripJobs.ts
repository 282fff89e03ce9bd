// The real-Keras jobs for the round trip, for one input: build the model from the input's own
// architecture and load the original and our weights-only files into it; load_model our .keras and
// our full .h5 (which need no second load into the input's model: the full .h5 keeps the input's
// config, and the .keras values are compared by layer path with the same oracle); and, for a config
// Keras 1/2 wrote (Keras 3 may not rebuild it), load the original and our other files into the model
// Keras builds from OUR .keras, whose config is rewritten for Keras 3. Every job dumps what Keras holds.
import path from 'node:path';
import { isKerasThreeConfig } from '../../src/formats/keras/write/kerasThreeConfig';
import type { OutputLayout } from '../../src/model/modelSpec';
import type { KerasJob } from '../support/keras';
import { outputStem, type RoundTrip } from '../formats/roundTripOutputs';

/** Indexes into the batch, per what was loaded. */
export interface LoadSet {
  original?: number;
  outputs: Partial<Record<OutputLayout, number>>;
}

export interface InputJobs {
  trip: RoundTrip;
  /** Where Keras takes the architecture from: the input (.keras, full .h5) or its JSON; null: nowhere. */
  architecture: string | null;
  /** Loads into the model built from `architecture`. */
  viaInput: LoadSet;
  /** `load_model` of our full-model outputs. */
  loadModel: Partial<Record<'keras3-archive' | 'keras-legacy-model', number>>;
  /** Loads into the model built from our .keras (inputs whose config Keras 1/2 wrote). */
  viaOurArchive: LoadSet | null;
}

export interface KerasPlan {
  jobs: KerasJob[];
  inputs: InputJobs[];
}

function architectureOf(trip: RoundTrip): string | null {
  if (trip.input.arch) return trip.input.arch;
  const { format } = trip.spec;
  return format === 'keras3-archive' || format === 'keras-legacy-model' ? trip.input.weights : null;
}

/** Keras 3 rebuilds what Keras 3 wrote (its legacy .h5 config has no `module`, but its version says so). */
function writtenByKerasOneOrTwo(trip: RoundTrip): boolean {
  const config = trip.spec.modelConfig;
  return config !== null && !isKerasThreeConfig(config) && !/^3\./.test(trip.spec.kerasVersion ?? '');
}

export function planKerasJobs(trips: RoundTrip[], dumpDir: string): KerasPlan {
  const jobs: KerasJob[] = [];
  const add = (job: KerasJob, tag: string): number => {
    jobs.push({ ...job, dump: path.join(dumpDir, `${jobs.length}.${tag}.h5`) });
    return jobs.length - 1;
  };
  const loadSet = (model: string, trip: RoundTrip, layouts: OutputLayout[], stem: string): LoadSet => {
    const set: LoadSet = {
      original: add({ model, weights: trip.input.weights }, `${stem}.original`),
      outputs: {},
    };
    for (const layout of layouts) {
      const file = trip.outputs[layout];
      if (file) set.outputs[layout] = add({ model, weights: file }, `${stem}.${layout}`);
    }
    return set;
  };
  const inputs = trips.map((trip): InputJobs => {
    const stem = outputStem(trip.input);
    const architecture = architectureOf(trip);
    const weightsOnly: OutputLayout[] = ['keras-legacy-weights', 'keras3-weights'];
    const entry: InputJobs = {
      trip,
      architecture,
      viaInput: architecture ? loadSet(architecture, trip, weightsOnly, stem) : { outputs: {} },
      loadModel: {},
      viaOurArchive: null,
    };
    for (const layout of ['keras3-archive', 'keras-legacy-model'] as const) {
      const file = trip.outputs[layout];
      if (file) entry.loadModel[layout] = add({ loadModel: true, weights: file }, `${stem}.load-${layout}`);
    }
    const ours = trip.outputs['keras3-archive'];
    if (ours && writtenByKerasOneOrTwo(trip)) {
      const layouts: OutputLayout[] = ['keras-legacy-weights', 'keras-legacy-model', 'keras3-weights'];
      entry.viaOurArchive = loadSet(ours, trip, layouts, `${stem}.ours`);
    }
    return entry;
  });
  return { jobs, inputs };
}
