// Expected tensors computed by numpy + Debian h5py, so a test compares our TensorExprs with an
// implementation that shares none of our code. Also: checksums of our own tensors in the same form.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Tensor } from '../../src/model/tensorExpr';

const SYSTEM_PYTHON = '/usr/bin/python3';

/** What the oracle reports for one array: shape, dtype string and sha256 of its C-order bytes. */
export interface ArrayDigest {
  shape: number[];
  dtype: string;
  sha256: string;
}

const ORACLE = `
import hashlib, json, sys
import h5py, numpy as np
path, exprs = sys.argv[1], json.loads(sys.argv[2])
out = {}
with h5py.File(path, 'r') as f:
    d = lambda p: np.asarray(f[p][()])
    for key, expr in exprs.items():
        v = np.ascontiguousarray(eval(expr, {'np': np, 'd': d}))
        out[key] = {'shape': list(v.shape), 'dtype': v.dtype.str, 'sha256': hashlib.sha256(v.tobytes()).hexdigest()}
print(json.dumps(out))
`;

/**
 * Evaluates numpy expressions over one HDF5 file; `d('/path')` is a dataset's value.
 * Example: `{ kernel: "np.concatenate([d('/a'), d('/b')], -1)" }`.
 */
export function numpyDigests(file: string, exprs: Record<string, string>): Record<string, ArrayDigest> {
  const run = spawnSync(SYSTEM_PYTHON, ['-c', ORACLE, file, JSON.stringify(exprs)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`numpy oracle failed on ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, ArrayDigest>;
}

/** Runs a Python/h5py script with arguments (to write a test input file). */
export function runH5pyScript(script: string, args: string[]): void {
  const run = spawnSync(SYSTEM_PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`h5py script failed: ${run.stderr}`);
}

export function tensorSha256(tensor: Tensor): string {
  const d = tensor.data;
  return createHash('sha256')
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest('hex');
}

/** Sum of all elements as float64 (numeric dtypes only). */
export function tensorSum(tensor: Tensor): number {
  const data = tensor.data as ArrayLike<number | bigint>;
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += Number(data[i]);
  return sum;
}
