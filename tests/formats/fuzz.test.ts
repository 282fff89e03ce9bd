// A small, seeded fuzz run over damaged copies of real files: whatever the damage, opening and reading
// either works or fails with a GraftError — never a TypeError, an HDF5 dump or a hang. `GRAFT_FUZZ=N`
// runs N cases per file instead of the default handful (the bigger run the brief plans for).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readModel } from '../../src/formats/readModel';
import { isGraftError } from '../../src/model/errors';
import { badInputIndex, generatedFixtures, SHARED, sharedAvailable } from '../support/fixtures';

const CASES = Number(process.env.GRAFT_FUZZ ?? 40);

/** mulberry32: a tiny deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Damage the way real files get damaged: cut short, a run of flipped bytes, a zeroed block, garbage appended. */
function damage(original: Uint8Array, seed: number): { bytes: Uint8Array; what: string } {
  const rnd = random(seed);
  const bytes = original.slice();
  const at = (limit: number) => Math.floor(rnd() * limit);
  switch (seed % 4) {
    case 0: {
      const length = at(bytes.length);
      return { bytes: bytes.subarray(0, length), what: `truncated to ${length}` };
    }
    case 1: {
      // Headers and metadata live near the start of small files; bias the damage there.
      const start = at(Math.min(bytes.length, 1 << (8 + at(10))));
      const count = 1 + at(16);
      for (let i = start; i < Math.min(bytes.length, start + count); i++) bytes[i] ^= 1 + at(255);
      return { bytes, what: `${count} bytes flipped at ${start}` };
    }
    case 2: {
      const start = at(bytes.length);
      bytes.fill(0, start, start + 64 + at(4096));
      return { bytes, what: `zeroed from ${start}` };
    }
    default: {
      const extra = new Uint8Array(1 + at(2048)).map(() => at(256));
      const joined = new Uint8Array(bytes.length + extra.length);
      joined.set(bytes);
      joined.set(extra, bytes.length);
      return { bytes: joined, what: `${extra.length} bytes appended` };
    }
  }
}

const bad = generatedFixtures('bad');
const inputs: string[] = [];
if (sharedAvailable()) {
  inputs.push(
    path.join(SHARED, 'real', 'dl4j-testres__lstm_theano_1.h5'),
    path.join(SHARED, 'real', 'keras2cpp__my_nn_weights.h5'),
    path.join(SHARED, 'real', 'synth-data-gen__gan.h5'),
  );
}
if (bad.dir) {
  for (const f of badInputIndex(bad.dir).files.filter((f) => f.code === null))
    inputs.push(path.join(bad.dir, f.file));
}

describe.skipIf(inputs.length === 0)(
  `fuzz: damaged copies of ${inputs.length} real files, ${CASES} cases each`,
  () => {
    for (const input of inputs) {
      it(`${path.basename(input)}: every damaged copy opens or fails with a GraftError`, async () => {
        const host = await createNodeH5Host();
        const original = new Uint8Array(readFileSync(input));
        const outcomes = { opened: 0, refused: 0 };
        for (let seed = 1; seed <= CASES; seed++) {
          const { bytes, what } = damage(original, seed);
          const name = `fuzz-${seed}-${path.basename(input)}`;
          try {
            const model = await readModel(host, { weights: { kind: 'bytes', bytes, name } });
            try {
              for (const layer of model.spec.layers) {
                for (const w of layer.weights)
                  if (w.values?.op === 'read') await model.readDataset(w.values.path);
              }
            } finally {
              model.close();
            }
            outcomes.opened += 1;
          } catch (error) {
            const message = (error as Error)?.message ?? String(error);
            expect(isGraftError(error), `seed ${seed} (${what}) threw a non-GraftError: ${message}`).toBe(
              true,
            );
            expect(message.startsWith(name), `seed ${seed}: message does not name the file: ${message}`).toBe(
              true,
            );
            expect(message).not.toMatch(/HDF5-DIAG|#0\d\d:/);
            outcomes.refused += 1;
          }
        }
        expect(outcomes.opened + outcomes.refused).toBe(CASES);
      });
    }
  },
);
