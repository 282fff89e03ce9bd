import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numberToFloat16Bits } from './halfFloat';

// numpy converts float64 -> float16 with its own correctly rounded code: an independent oracle.
const PYTHON = '/usr/bin/python3';
const hasNumpy =
  existsSync(PYTHON) &&
  (() => {
    try {
      execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

describe.skipIf(!hasNumpy)(
  'float16 encoding against numpy (skipped without /usr/bin/python3 + numpy)',
  () => {
    it('agrees on random, tie and edge values', () => {
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const inputs: number[] = [
        0,
        1,
        -1,
        65504,
        65519.99,
        65520,
        1e9,
        -1e9,
        2 ** -24,
        2 ** -25,
        3 * 2 ** -26,
        2 ** -14,
        2049,
        2051,
        0.1,
      ];
      for (let i = 0; i < 2000; i++) inputs.push((random() - 0.5) * 2 ** Math.floor(random() * 44 - 28));
      // Exact midpoints between neighbouring float16 values test ties-to-even.
      for (let i = 0; i < 200; i++) {
        const mantissa = Math.floor(random() * 1024);
        const exponent = Math.floor(random() * 30) - 14;
        inputs.push((1 + (mantissa + 0.5) / 1024) * 2 ** exponent);
      }
      const script =
        'import sys,json,numpy as np; v=json.load(sys.stdin); print(json.dumps([int(b) for b in np.array(v,dtype=np.float64).astype(np.float16).view(np.uint16)]))';
      const expected = JSON.parse(
        execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(inputs) }).toString(),
      ) as number[];
      const ours = inputs.map(numberToFloat16Bits);
      const mismatches = inputs.filter((_, i) => ours[i] !== expected[i]);
      expect(mismatches).toEqual([]);
    });
  },
);
