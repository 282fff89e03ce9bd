import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { badInputIndex, generatedFixtures, sharedAvailable, sharedFixture } from './fixtures';
import {
  H5InspectError,
  h5Dataset,
  h5Datasets,
  h5Group,
  h5pyAvailable,
  inspectWithH5py,
  type H5Value,
} from './h5py';

const work = mkdtempSync(path.join(tmpdir(), 'graft-h5py-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** h5dump (hdf5-tools) is a third reader, so string-type claims are checked against the C library's own dump. */
function h5dumpAttribute(file: string, attribute: string): string | null {
  const run = spawnSync('h5dump', ['-A', '-a', attribute, file], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout : null;
}

function flatNumbers(value: H5Value): number[] {
  if (Array.isArray(value)) return value.flatMap(flatNumbers);
  if (typeof value !== 'number') throw new Error(`expected a number, got ${JSON.stringify(value)}`);
  return [value];
}

function inspectExitCode(file: string): number | null {
  try {
    inspectWithH5py(file);
    return 0;
  } catch (error) {
    if (error instanceof H5InspectError) return error.exitCode;
    throw error;
  }
}

describe.skipIf(!h5pyAvailable())('h5_inspect.py (h5py as independent reader)', () => {
  describe.skipIf(!sharedAvailable())('on shared real files', () => {
    const resnet = sharedFixture('real', 'mlc-tiny__pretrainedResnet.h5');
    const emg = sharedFixture('real', 'emg-hand__model.h5');

    it('reports tf 2.4 layer_names as a fixed-length NULLPAD ASCII string array, as h5dump does', () => {
      const attr = h5Group(inspectWithH5py(resnet), '/model_weights').attrs.layer_names;
      expect(attr.type).toMatchObject({ class: 'string', vlen: false, strpad: 'nullpad', cset: 'ascii' });
      expect(attr.type.shape).toEqual([30]); // MANIFEST: 30 layers
      expect(attr.value).toContain('input_1');
      const dumped = h5dumpAttribute(resnet, '/model_weights/layer_names');
      if (dumped !== null) {
        expect(dumped).toContain('STRPAD H5T_STR_NULLPAD');
        expect(dumped).toContain(`STRSIZE ${attr.type.itemsize};`);
        expect(dumped).toContain('DATASPACE  SIMPLE { ( 30 ) / ( 30 ) }');
      }
    });

    it('reports Keras 3.8 legacy layer_names as a variable-length string array, as h5dump does', () => {
      const attr = h5Group(inspectWithH5py(emg), '/model_weights').attrs.layer_names;
      expect(attr.type).toMatchObject({ class: 'string', vlen: true });
      expect(attr.value).toEqual([
        'dense',
        'batch_normalization',
        'dropout',
        'dense_1',
        'batch_normalization_1',
        'dropout_1',
        'dense_2',
        'dense_3',
      ]);
      const dumped = h5dumpAttribute(emg, '/model_weights/layer_names');
      if (dumped !== null) expect(dumped).toContain('STRSIZE H5T_VARIABLE');
    });

    it('checksums a dataset consistently with its values recomputed in JavaScript', () => {
      const kernelPath = '/model_weights/conv2d/conv2d/kernel:0';
      const dump = inspectWithH5py(resnet, { values: [kernelPath] });
      const kernel = h5Dataset(dump, kernelPath);
      expect(kernel.dtype).toBe('<f4');
      expect(kernel.layout).toBe('contiguous');
      expect(kernel.filters).toEqual([]);
      const values = flatNumbers(dump.values![kernelPath]);
      expect(values.length).toBe(kernel.shape!.reduce((a, b) => a * b, 1));
      const sum = values.reduce((a, b) => a + b, 0);
      const absSum = values.reduce((a, b) => a + Math.abs(b), 0);
      expect(kernel.sum as number).toBeCloseTo(sum, 9);
      expect(kernel.abs_sum as number).toBeCloseTo(absSum, 9);
      expect(kernel.first).toEqual(values.slice(0, 4));
      const bytes = Buffer.from(new Float32Array(values).buffer);
      expect(kernel.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(dump.links).toEqual([]);
    });

    it('opens the weights member of a .keras zip and lists the members fflate sees', () => {
      const file = sharedFixture('real', 'afm-textclf__my_model.keras');
      const dump = inspectWithH5py(file);
      const members = Object.keys(unzipSync(readFileSync(file)));
      expect(dump.format).toBe('zip');
      expect(dump.zip!.members.map((m) => m.name).sort()).toEqual(members.sort());
      expect(dump.zip!.members.every((m) => m.compress_type === 'stored')).toBe(true);
      expect(dump.zip!.metadata).toMatchObject({ keras_version: '3.3.3' }); // MANIFEST: written by 3.3.3
      expect(dump.zip!.config).toMatchObject({ class_name: 'Sequential' });
      const weights = unzipSync(readFileSync(file))['model.weights.h5'];
      expect(dump.size).toBe(weights.length);
      expect(h5Group(dump, 'layers/embedding/vars')).toBeDefined();
      expect(h5Dataset(dump, 'layers/embedding/vars/0').shape).toEqual([10001, 16]); // MANIFEST: Embedding(10001,16)
    });

    it('exits 3 for a truncated copy of a real file', () => {
      const truncated = path.join(work, 'truncated.h5');
      writeFileSync(truncated, readFileSync(resnet).subarray(0, 100_000));
      expect(inspectExitCode(truncated)).toBe(3);
    });
  });

  it('exits 2 for text, empty files and JSON', () => {
    const text = path.join(work, 'notes.h5');
    writeFileSync(text, 'just words\n');
    const empty = path.join(work, 'empty.h5');
    writeFileSync(empty, '');
    const json = path.join(work, 'model.json');
    writeFileSync(json, '{"class_name": "Sequential"}');
    expect([text, empty, json].map(inspectExitCode)).toEqual([2, 2, 2]);
  });

  it('lists soft and external links, which visititems skips', () => {
    const file = path.join(work, 'links.h5');
    const script = [
      'import h5py, sys',
      'f = h5py.File(sys.argv[1], "w")',
      'f.create_dataset("g/data", data=[1.0, 2.0])',
      'f["g/soft"] = h5py.SoftLink("/g/data")',
      'f["ext"] = h5py.ExternalLink("other.h5", "/x")',
      'f.close()',
    ].join('\n');
    expect(spawnSync('/usr/bin/python3', ['-c', script, file]).status).toBe(0);
    const dump = inspectWithH5py(file);
    expect(dump.links).toEqual([
      { path: '/ext', type: 'external', target: '/x', file: 'other.h5' },
      { path: '/g/soft', type: 'soft', target: '/g/data' },
    ]);
    expect(h5Datasets(dump).map((d) => d.path)).toEqual(['/g/data']);
  });

  it('caches per file version: a rewritten file is dumped again', () => {
    const file = path.join(work, 'cache.h5');
    const write = (value: number) =>
      spawnSync('/usr/bin/python3', [
        '-c',
        `import h5py, sys; f = h5py.File(sys.argv[1], "w"); f["x"] = [${value}.0] * ${value}; f.close()`,
        file,
      ]);
    write(2);
    const first = inspectWithH5py(file);
    expect(inspectWithH5py(file)).toBe(first);
    write(3);
    const second = inspectWithH5py(file);
    expect(second).not.toBe(first);
    expect(h5Dataset(second, 'x').sum).toBe(9);
  });

  describe('on the generated bad inputs', () => {
    const bad = generatedFixtures('bad');
    const dir = bad.dir ?? '';

    it.skipIf(bad.dir === null)('exit codes follow the kind of damage', () => {
      const index = badInputIndex(dir);
      const expected: Record<string, number> = {
        'text.txt': 2,
        'image.png': 2,
        'empty.h5': 2,
        'not_keras.json': 2,
        'weights_not_hdf5.keras': 2,
        'truncated.h5': 3,
        'truncated.keras': 3,
      };
      for (const entry of index.files) {
        expect(existsSync(path.join(dir, entry.file)), entry.file).toBe(true);
        expect(inspectExitCode(path.join(dir, entry.file)), entry.file).toBe(expected[entry.file] ?? 0);
      }
      expect(index.files.map((f) => f.file)).toEqual(expect.arrayContaining(Object.keys(expected)));
    });

    it.skipIf(bad.dir === null)('sees the LZF filter and the chunked layout', () => {
      const dump = inspectWithH5py(path.join(dir, 'lzf_weights.h5'));
      const kernel = h5Dataset(dump, 'dense/dense/kernel:0');
      expect(kernel.layout).toBe('chunked');
      expect(kernel.filters.map((f) => f.name)).toEqual(['lzf']);
      expect(kernel.sha256).toMatch(/^[0-9a-f]{64}$/);
      const control = inspectWithH5py(path.join(dir, 'control_weights.h5'));
      expect(h5Dataset(control, 'dense/dense/kernel:0').layout).toBe('contiguous');
      expect(h5Group(control, '/').attrs.layer_names.type).toMatchObject({ vlen: false, strpad: 'nullpad' });
    });

    it.skipIf(bad.dir === null)('the PNG is a real PNG and the zip without config.json has none', () => {
      const png = readFileSync(path.join(dir, 'image.png'));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const missing = inspectWithH5py(path.join(dir, 'missing_config.keras'));
      expect(missing.zip!.config).toBeNull();
      expect(missing.zip!.members.map((m) => m.name)).not.toContain('config.json');
    });
  });

  it('copying a file keeps its checksums (dumps depend on content, not name)', () => {
    const source = path.join(work, 'orig.h5');
    spawnSync('/usr/bin/python3', [
      '-c',
      'import h5py, numpy, sys; f = h5py.File(sys.argv[1], "w"); f["w"] = numpy.arange(6, dtype="<f4"); f.close()',
      source,
    ]);
    const copy = path.join(work, 'copy.h5');
    copyFileSync(source, copy);
    expect(h5Dataset(inspectWithH5py(copy), 'w').sha256).toBe(h5Dataset(inspectWithH5py(source), 'w').sha256);
    expect(h5Dataset(inspectWithH5py(copy), 'w').sum).toBe(15);
  });
});
