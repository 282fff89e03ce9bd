// The fuzz cases themselves: seeded damage to a real file, then open it and read every tensor. Runs in
// a worker thread (fuzzWorker.mjs) so a case on which HDF5 loops can be stopped by the watchdog.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import { readModel } from '../../src/formats/readModel';
import { isGraftError } from '../../src/model/errors';

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
export function damage(original: Uint8Array, seed: number): { bytes: Uint8Array; what: string } {
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

/** The name a damaged copy is opened under; messages must start with it. */
export const caseName = (seed: number, input: string) => `fuzz-${seed}-${path.basename(input)}`;

export type CaseEvent =
  | { kind: 'start'; seed: number; what: string }
  | { kind: 'opened'; seed: number }
  | { kind: 'refused'; seed: number; graftError: boolean; message: string };

/** Runs seeds `first..last` on damaged copies of `input`, reporting each case as it starts and ends. */
export async function runFuzzCases(
  input: string,
  first: number,
  last: number,
  report: (event: CaseEvent) => void,
): Promise<void> {
  const host = await createNodeH5Host();
  const original = new Uint8Array(readFileSync(input));
  for (let seed = first; seed <= last; seed++) {
    const { bytes, what } = damage(original, seed);
    report({ kind: 'start', seed, what });
    try {
      const model = await readModel(host, { weights: { kind: 'bytes', bytes, name: caseName(seed, input) } });
      try {
        for (const layer of model.spec.layers) {
          for (const w of layer.weights) if (w.values?.op === 'read') await model.readDataset(w.values.path);
        }
      } finally {
        model.close();
      }
      report({ kind: 'opened', seed });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      report({ kind: 'refused', seed, graftError: isGraftError(error), message });
    }
  }
}
