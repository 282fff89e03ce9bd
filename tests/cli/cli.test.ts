// The CLI as a user runs it: exit codes, one-line errors, the --json shapes the README promises, and
// files an independent reader (h5py) agrees with.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main';
import { h5Datasets, h5pyAvailable, inspectWithH5py } from '../support/h5py';
import { repoRoot, sharedAvailable, sharedFixture } from '../support/fixtures';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await main(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const work = mkdtempSync(path.join(tmpdir(), 'graft-cli-'));

describe('graft errors', () => {
  it('usage errors exit 1 with one error line', async () => {
    for (const argv of [
      ['frob'],
      ['inspect'],
      ['inspect', 'a', 'b'],
      ['inspect', '--bogus', 'x'],
      ['apply', 'a', 'b'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: \S/);
    }
  });
  it('a missing file and a text file are named', async () => {
    expect((await run('inspect', path.join(work, 'nope.h5'))).stderr).toMatch(
      /^error: file .*nope\.h5 does not exist$/,
    );
    const txt = path.join(work, 'notes.h5');
    writeFileSync(txt, 'just some notes\n');
    const r = await run('inspect', txt);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: notes.h5: this is a text file, not a Keras model file; choose a Keras .h5, .weights.h5 or .keras file, or a model JSON from model.to_json().',
    );
  });
  it('the installed bin prints the same single line and exit code (npx graft)', () => {
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin/graft.mjs'), 'inspect', path.join(work, 'missing.keras')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: file .*missing\.keras does not exist/);
    expect(r.stdout).toBe('');
  });
});

describe.skipIf(!sharedAvailable())(
  'graft inspect --json on shared fixtures (skipped without ../shared/fixtures)',
  () => {
    it('prints exactly one JSON object with the promised fields', async () => {
      const r = await run('inspect', sharedFixture('real', 'mlc-tiny__pretrainedResnet.h5'), '--json');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.format).toBe('keras-legacy-model');
      expect(json.kerasVersion).toBe('2.4.0');
      expect(json.backend).toBe('tensorflow');
      expect(json.layers).toHaveLength(30); // MANIFEST: 30 layers, 48 weights
      expect(json.layers.reduce((n: number, l: { weights: unknown[] }) => n + l.weights.length, 0)).toBe(48);
      const add = json.layers.find((l: { className: string }) => l.className === 'Add');
      expect(add.inbound).toHaveLength(2);
      expect(json.layers[1].weights[0]).toMatchObject({
        name: 'kernel',
        shape: [3, 3, 3, 16],
        dtype: 'float32',
      });
    });
    it('pairs a weights-only file with its architecture', async () => {
      const r = await run(
        'inspect',
        sharedFixture('real', 'kotlindl__toyresnet_weights.h5'),
        '--arch',
        sharedFixture('real', 'kotlindl__toyresnet_modelConfig.json'),
        '--json',
      );
      const json = JSON.parse(r.stdout);
      expect(json.format).toBe('keras-legacy-weights');
      expect(json.layers.map((l: { className: string }) => l.className)).toContain('Add');
    });
    it('every shared file inspects (exit 0) — text and JSON', async () => {
      for (const dir of ['real', 'keras-apps'] as const) {
        for (const f of readdirSync(path.dirname(sharedFixture(dir, 'x')))) {
          if (f.endsWith('.md') || f.includes('truth')) continue;
          const r = await run('inspect', sharedFixture(dir, f));
          expect(r.code, `${f}: ${r.stderr}`).toBe(0);
          expect(r.stdout).toContain(`file:     ${f}`);
        }
      }
    });
  },
);

describe.skipIf(!sharedAvailable() || !h5pyAvailable())('graft convert, checked with h5py', () => {
  it('Keras 1 LSTM -> legacy .h5 in the Keras 2 layout (gate order i,f,c,o)', async () => {
    const input = sharedFixture('real', 'dl4j-testres__lstm_theano_1.h5');
    const out = path.join(work, 'lstm.h5');
    const r = await run('convert', input, out);
    expect(r.code, r.stderr).toBe(0);
    // Independent expectation: numpy concatenation of the Keras 1 per-gate arrays in i,f,c,o order.
    const script = `
import h5py, numpy as np, json, sys
src = h5py.File(sys.argv[1], 'r')['model_weights/lstm_1']
get = lambda n: src[n][()]
kernel = np.concatenate([get('lstm_1_W_i'), get('lstm_1_W_f'), get('lstm_1_W_c'), get('lstm_1_W_o')], axis=-1)
out = h5py.File(sys.argv[2], 'r')
grp = out['model_weights/lstm_1']
names = [n.decode() for n in grp.attrs['weight_names']]
ours = grp[names[0]][()]
print(json.dumps({"equal": bool(np.array_equal(kernel, ours)), "version": out['model_weights'].attrs['keras_version'].decode(), "names": names}))
`;
    const check = spawnSync('/usr/bin/python3', ['-c', script, input, out], { encoding: 'utf8' });
    const result = JSON.parse(check.stdout);
    expect(result.equal).toBe(true);
    expect(result.version).not.toBe('1');
    expect(result.names).toHaveLength(3);
  });
  it('legacy .h5 + JSON -> .weights.h5: every tensor bit-identical (sha256 by h5py)', async () => {
    const input = sharedFixture('keras-apps', 'resmini_source.h5');
    const out = path.join(work, 'resmini.weights.h5');
    const r = await run('convert', input, out, '--arch', sharedFixture('keras-apps', 'resmini_source.json'));
    expect(r.code, r.stderr).toBe(0);
    const before = new Map(h5Datasets(inspectWithH5py(input)).map((d) => [d.sha256, d.path]));
    const after = h5Datasets(inspectWithH5py(out)).filter((d) => d.path.startsWith('/layers/'));
    expect(after).toHaveLength(228);
    for (const d of after) expect(before.has(d.sha256), d.path).toBe(true);
  });
  it('refuses to write a Keras 3 file without an architecture, and leaves nothing behind', async () => {
    const out = path.join(work, 'vgg.weights.h5');
    const r = await run('convert', sharedFixture('keras-apps', 'vggmini_source.h5'), out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs the architecture.*--arch/);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!sharedAvailable())('graft map / apply', () => {
  it('map --json gives links, statuses and coverage; -o writes a mapping apply can reuse', async () => {
    const dir = (f: string) => sharedFixture('keras-apps', f);
    const mappingFile = path.join(work, 'm.json');
    const r = await run(
      'map',
      dir('resmini_source.h5'),
      dir('resmini_conv4x2_target.h5'),
      '--source-arch',
      dir('resmini_source.json'),
      '--json',
      '-o',
      mappingFile,
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.coverage).toBeGreaterThan(0.99);
    const truth = JSON.parse(readFileSync(dir('resmini_conv4x2_target.h5.truth.json'), 'utf8'));
    for (const pair of truth.pairs) {
      const link = json.links.find((l: { target: string }) => l.target === pair.target_layer);
      expect(link?.source, pair.target_layer).toBe(pair.source_layer);
    }
    expect(JSON.parse(readFileSync(mappingFile, 'utf8')).version).toBe(1);
    const out = path.join(work, 'resmini-grafted.h5');
    const applied = await run(
      'apply',
      dir('resmini_source.h5'),
      dir('resmini_conv4x2_target.h5'),
      '--source-arch',
      dir('resmini_source.json'),
      '--mapping',
      mappingFile,
      '-o',
      out,
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
  it('apply refuses an invalid mapping with a clear error and writes nothing', async () => {
    const dir = (f: string) => sharedFixture('keras-apps', f);
    const bad = path.join(work, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        version: 1,
        links: [
          { target: 'no_such_layer', source: 'conv1_conv', origin: 'manual', confidence: 1, locked: true },
        ],
        cuts: [],
        unlinked: [],
        defaults: { select: 'l1', grow: 'zeros', unlinked: 'keep' },
      }),
    );
    const out = path.join(work, 'never.h5');
    const r = await run(
      'apply',
      dir('resmini_source.h5'),
      dir('resmini_conv4x2_target.h5'),
      '--source-arch',
      dir('resmini_source.json'),
      '--mapping',
      bad,
      '-o',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*no_such_layer/);
    expect(existsSync(out)).toBe(false);
  });
});
