// scripts/py/h5_inspect.py over many files in ONE Debian-h5py process, asynchronously: starting Python
// with h5py + numpy costs a fifth of a second per file, and a test with hundreds of files can keep
// working on its own side while h5py reads. Same dumps as inspectWithH5py (tests/support/h5py.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../support/fixtures';
import type { H5Dump } from '../support/h5py';

const SYSTEM_PYTHON = '/usr/bin/python3';

const BATCH = `
import json, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import h5_inspect
out = {}
for name in json.load(sys.stdin):
    try:
        out[name] = {"dump": h5_inspect.inspect(name, "model.weights.h5", [])}
    except h5_inspect.InspectFailure as err:
        out[name] = {"error": str(err)}
json.dump(out, sys.stdout, allow_nan=False, separators=(",", ":"))
`;

type BatchResult = Record<string, { dump: H5Dump; error?: undefined } | { error: string }>;

/**
 * Dumps every file (a `.keras` archive: its model.weights.h5, with the zip listing). Resolves with
 * the dumps by the path as given; rejects if Python fails or any file cannot be dumped.
 */
export function inspectManyWithH5py(files: string[]): Promise<Map<string, H5Dump>> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, ['-c', BATCH, path.join(repoRoot, 'scripts/py')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`h5py batch exited ${code}: ${Buffer.concat(stderr).toString('utf8')}`));
        return;
      }
      const result = JSON.parse(Buffer.concat(stdout).toString('utf8')) as BatchResult;
      const failures = Object.entries(result).filter(([, r]) => r.error !== undefined);
      if (failures.length) {
        reject(new Error(`h5py could not dump: ${failures.map(([f, r]) => `${f}: ${r.error}`).join('; ')}`));
        return;
      }
      resolve(new Map(files.map((file) => [file, (result[file] as { dump: H5Dump }).dump])));
    });
    child.stdin.end(JSON.stringify(files));
  });
}
