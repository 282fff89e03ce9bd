// Our .keras of the two shared Keras 1 files, judged by real Keras 3: load_model builds the rewritten
// config (kerasOneLayerConfig.ts), every variable equals the numpy conversion of the original file
// (keras2-conversion-oracle.py, Keras 2.2.4's rules), and the model computes what Keras 1 computed,
// held against a numpy forward pass straight from the original file and the original Keras 1 config
// (keras-one-forward.py). Keras 3's hard_sigmoid is not Keras 1's: the LSTM's outputs show it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { convertWithNumpy, type KerasTwoConversion } from '../formats/kerasTwoConversion';
import { writeRoundTrip } from '../formats/roundTripOutputs';
import { h5pyAvailable } from '../support/h5py';
import { ensureKeras } from '../support/keras';
import { sharedAvailable, sharedFixture } from '../support/fixtures';

const keras = ensureKeras();
const why = !keras.ok
  ? `real Keras unavailable: ${keras.reason}`
  : !sharedAvailable()
    ? 'no ../shared/fixtures'
    : !h5pyAvailable()
      ? '/usr/bin/python3 has no h5py (the numpy conversion oracle needs it)'
      : '';
const SCRIPT = path.resolve(__dirname, 'keras-one-forward.py');

interface Case {
  label: string;
  weights: string;
  arch?: string;
}

const CASES: Case[] = [
  {
    label: 'real/keras2cpp__my_nn_weights.h5',
    weights: sharedFixture('real', 'keras2cpp__my_nn_weights.h5'),
    arch: sharedFixture('real', 'keras2cpp__my_nn_arch.json'),
  },
  {
    label: 'real/dl4j-testres__lstm_theano_1.h5',
    weights: sharedFixture('real', 'dl4j-testres__lstm_theano_1.h5'),
  },
];

type Forward =
  | {
      ok: true;
      variables: Record<string, string[]>;
      output_shape: number[];
      output_abs_max: number;
      reference: { keras1: number; keras3_hard_sigmoid: number };
    }
  | { ok: false; error: string };

let work = '';
const results = new Map<string, { forward: Forward; oracle: KerasTwoConversion }>();

beforeAll(async () => {
  if (why) return;
  work = mkdtempSync(path.join(tmpdir(), 'graft-keras1-forward-'));
  const host = await createNodeH5Host();
  const jobs = [];
  for (const c of CASES) {
    const trip = await writeRoundTrip(host, c, work);
    const archive = trip.outputs['keras3-archive'];
    if (!archive) throw new Error(`${c.label}: no .keras written: ${String(trip.refused['keras3-archive'])}`);
    jobs.push({ keras: archive, weights: c.weights, arch: c.arch ?? null, batch: 3, seed: 7 });
  }
  const jobsFile = path.join(work, 'jobs.json');
  writeFileSync(jobsFile, JSON.stringify(jobs));
  const run = spawnSync((keras as { python: string }).python, [SCRIPT, jobsFile], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.status !== 0) throw new Error(`keras-one-forward.py failed: ${run.stderr.slice(-3000)}`);
  const forward = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Forward[];
  CASES.forEach((c, k) =>
    results.set(c.label, { forward: forward[k], oracle: convertWithNumpy(c.weights, c.arch) }),
  );
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function loaded(label: string) {
  const { forward, oracle } = results.get(label)!;
  expect(forward, `${label}: load_model of our .keras`).toMatchObject({ ok: true });
  return { forward: forward as Extract<Forward, { ok: true }>, oracle };
}

/** sha256 of every weight the numpy conversion gives, by layer. */
const oracleHashes = (oracle: KerasTwoConversion) =>
  Object.fromEntries(Object.entries(oracle.layers).map(([layer, ws]) => [layer, ws.map((w) => w.sha256)]));

describe.skipIf(why !== '')(
  `Keras 1 files through our .keras in real Keras 3${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('keras2cpp (Convolution2D th): loads, holds the converted weights, computes what Keras 1 computed', () => {
      const { forward, oracle } = loaded(CASES[0].label);
      expect(forward.variables).toEqual(oracleHashes(oracle));
      expect(Object.keys(forward.variables)).toEqual([
        'convolution2d_1',
        'convolution2d_2',
        'dense_1',
        'dense_2',
      ]);
      expect(forward.output_shape).toEqual([3, 10]);
      expect(forward.output_abs_max).toBeGreaterThan(0);
      // float32 Keras against a float64 reference: rounding only. A channels_last layout, an unconverted
      // kernel or a flattening in another order would be off by far more.
      expect(forward.reference.keras1).toBeLessThan(1e-5);
    });

    it('lstm_theano_1 (Keras 1 LSTM): loads, holds the concatenated gates, runs them in the Keras 2 order', () => {
      const { forward, oracle } = loaded(CASES[1].label);
      expect(forward.variables).toEqual(oracleHashes(oracle));
      expect(forward.output_shape).toEqual([3, 6]);
      // With Keras 3's own hard_sigmoid the numpy Keras 1 LSTM matches: gates and their order are right.
      expect(forward.reference.keras3_hard_sigmoid).toBeLessThan(1e-5);
    });

    it("known limit: Keras 3's hard_sigmoid (x/6 + 0.5) is not Keras 1/2's (0.2x + 0.5), so the LSTM computes another function", () => {
      const { forward } = loaded(CASES[1].label);
      expect(forward.reference.keras1).toBeGreaterThan(1e-3);
    });
  },
);
