// Node bridge to keras2-conversion-oracle.py: what Keras 2 makes of a Keras 1 / Theano legacy file,
// per layer and weight, computed by numpy from Keras 2.2.4's own conversion rules.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.join(__dirname, 'keras2-conversion-oracle.py');

export interface ConvertedDigest {
  shape: number[];
  dtype: string;
  sha256: string;
  sum: number;
  abs_sum: number;
}

export interface KerasTwoConversion {
  keras_version: string;
  backend: string | null;
  /** Top-level layers with weights: their weights in Keras 2 order. */
  layers: Record<string, ConvertedDigest[]>;
}

export function convertWithNumpy(file: string, arch?: string): KerasTwoConversion {
  const run = spawnSync('/usr/bin/python3', [SCRIPT, file, ...(arch ? [arch] : [])], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`keras2-conversion-oracle.py ${file} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as KerasTwoConversion;
}
