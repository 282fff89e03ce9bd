import { describe, expect, it } from 'vitest';
import { GraftError, type DType, type Tensor, type TensorExpr } from '../../model';
import { evaluateTensor, type TensorIO } from './evaluateTensor';
import { float16BitsToNumber, numberToFloat16Bits } from './halfFloat';
import { describeExpr } from './describeExpr';
import { dtypeOf, shapeOf } from './shapeOf';

/** A store of named tensors standing in for a weights file. */
function storeIO(
  source: Record<string, Tensor>,
  target: Record<string, Tensor> = {},
): TensorIO & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readSource: async (path) => {
      reads.push(path);
      if (!source[path]) throw new Error(`no ${path}`);
      return source[path];
    },
    readTarget: async (path) => {
      if (!target[path]) throw new Error(`no target ${path}`);
      return target[path];
    },
  };
}

const f32 = (shape: number[], values: number[]): Tensor => ({
  shape,
  dtype: 'float32',
  data: Float32Array.from(values),
});
const read = (path: string, shape: number[], dtype: DType = 'float32'): TensorExpr => ({
  op: 'read',
  path,
  shape,
  dtype,
});
const values = (tensor: Tensor): number[] => Array.from(tensor.data as Float32Array);

// a = [[0, 1, 2], [3, 4, 5]] : shape (2, 3)
const a = f32([2, 3], [0, 1, 2, 3, 4, 5]);
const readA = read('a', [2, 3]);

describe('evaluateTensor: data movement', () => {
  it('read returns a copy, not the reader buffer', async () => {
    const io = storeIO({ a });
    const out = await evaluateTensor(readA, io);
    expect(values(out)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.data).not.toBe(a.data);
    (out.data as Float32Array)[0] = 99;
    expect(a.data[0]).toBe(0);
  });

  it('take by range and by indices (in the given order)', async () => {
    const io = storeIO({ a });
    const byRange = await evaluateTensor(
      { op: 'take', axis: 1, index: { kind: 'range', start: 1, length: 2 }, input: readA },
      io,
    );
    expect(byRange.shape).toEqual([2, 2]);
    expect(values(byRange)).toEqual([1, 2, 4, 5]);
    const byIndices = await evaluateTensor(
      { op: 'take', axis: 1, index: { kind: 'indices', indices: [2, 0] }, input: readA },
      io,
    );
    expect(values(byIndices)).toEqual([2, 0, 5, 3]);
    const rows = await evaluateTensor(
      { op: 'take', axis: 0, index: { kind: 'indices', indices: [1] }, input: readA },
      io,
    );
    expect(rows.shape).toEqual([1, 3]);
    expect(values(rows)).toEqual([3, 4, 5]);
  });

  it('take of long runs (copied as views) keeps every value', async () => {
    const big = f32(
      [3, 40],
      Array.from({ length: 120 }, (_, i) => i),
    );
    const out = await evaluateTensor(
      { op: 'take', axis: 0, index: { kind: 'indices', indices: [2, 0] }, input: read('big', [3, 40]) },
      storeIO({ big }),
    );
    expect(values(out)).toEqual([
      ...Array.from({ length: 40 }, (_, i) => 80 + i),
      ...Array.from({ length: 40 }, (_, i) => i),
    ]);
  });

  it('transpose follows numpy perm semantics', async () => {
    const out = await evaluateTensor({ op: 'transpose', perm: [1, 0], input: readA }, storeIO({ a }));
    expect(out.shape).toEqual([3, 2]);
    expect(values(out)).toEqual([0, 3, 1, 4, 2, 5]);
    // (2, 3, 4) -> perm (2, 0, 1): out[k, i, j] = in[i, j, k]
    const t = f32(
      [2, 3, 4],
      Array.from({ length: 24 }, (_, i) => i),
    );
    const out3 = await evaluateTensor(
      { op: 'transpose', perm: [2, 0, 1], input: read('t', [2, 3, 4]) },
      storeIO({ t }),
    );
    expect(out3.shape).toEqual([4, 2, 3]);
    const at = (k: number, i: number, j: number) => out3.data[(k * 2 + i) * 3 + j];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(at(k, i, j)).toBe((i * 3 + j) * 4 + k);
  });

  it('flip reverses the listed axes', async () => {
    const io = storeIO({ a });
    expect(values(await evaluateTensor({ op: 'flip', axes: [1], input: readA }, io))).toEqual([
      2, 1, 0, 5, 4, 3,
    ]);
    expect(values(await evaluateTensor({ op: 'flip', axes: [0, 1], input: readA }, io))).toEqual([
      5, 4, 3, 2, 1, 0,
    ]);
  });

  it('reshape keeps the order of elements', async () => {
    const out = await evaluateTensor({ op: 'reshape', shape: [3, 2], input: readA }, storeIO({ a }));
    expect(out.shape).toEqual([3, 2]);
    expect(values(out)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.data).not.toBe(a.data);
  });

  it('concat along inner and outer axes', async () => {
    const b = f32([2, 1], [10, 11]);
    const io = storeIO({ a, b });
    const inner = await evaluateTensor({ op: 'concat', axis: 1, inputs: [readA, read('b', [2, 1])] }, io);
    expect(inner.shape).toEqual([2, 4]);
    expect(values(inner)).toEqual([0, 1, 2, 10, 3, 4, 5, 11]);
    const outer = await evaluateTensor({ op: 'concat', axis: 0, inputs: [readA, readA] }, io);
    expect(values(outer)).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
  });

  it('pad with zeros places the input at the offset', async () => {
    const out = await evaluateTensor(
      { op: 'pad', axis: 1, size: 5, offset: 1, fill: { kind: 'zeros' }, input: readA },
      storeIO({ a }),
    );
    expect(out.shape).toEqual([2, 5]);
    expect(values(out)).toEqual([0, 0, 1, 2, 0, 0, 3, 4, 5, 0]);
  });

  it("pad with the target's values fills only the new positions", async () => {
    const own = f32([3, 3], [9, 9, 9, 8, 8, 8, 7, 7, 7]);
    const io = storeIO({ a }, { own });
    const out = await evaluateTensor(
      {
        op: 'pad',
        axis: 0,
        size: 3,
        offset: 0,
        fill: { kind: 'target' },
        fillFrom: { op: 'target', path: 'own', shape: [3, 3], dtype: 'float32' },
        input: readA,
      },
      io,
    );
    expect(values(out)).toEqual([0, 1, 2, 3, 4, 5, 7, 7, 7]);
    expect(own.data[0]).toBe(9);
  });

  it('replicate repeats positions and divides copies by their count', async () => {
    const io = storeIO({ a });
    const copies = await evaluateTensor(
      { op: 'replicate', axis: 1, sources: [0, 1, 2, 1], divide: false, input: readA },
      io,
    );
    expect(values(copies)).toEqual([0, 1, 2, 1, 3, 4, 5, 4]);
    const divided = await evaluateTensor(
      { op: 'replicate', axis: 1, sources: [0, 1, 2, 1], divide: true, input: readA },
      io,
    );
    expect(values(divided)).toEqual([0, 0.5, 2, 0.5, 3, 2, 5, 2]);
    const thrice = await evaluateTensor(
      { op: 'replicate', axis: 0, sources: [1, 1, 1, 0], divide: true, input: readA },
      io,
    );
    expect(values(thrice)).toEqual(
      [1, 4 / 3, 5 / 3, 1, 4 / 3, 5 / 3, 1, 4 / 3, 5 / 3, 0, 1, 2].map(Math.fround),
    );
  });

  it('zeros, add, scale and cast', async () => {
    const io = storeIO({ a });
    const zeros = await evaluateTensor({ op: 'zeros', shape: [2, 2], dtype: 'int32' }, io);
    expect(zeros.data).toBeInstanceOf(Int32Array);
    expect(Array.from(zeros.data as Int32Array)).toEqual([0, 0, 0, 0]);
    expect(values(await evaluateTensor({ op: 'add', inputs: [readA, readA, readA] }, io))).toEqual([
      0, 3, 6, 9, 12, 15,
    ]);
    expect(values(await evaluateTensor({ op: 'scale', factor: -0.5, input: readA }, io))).toEqual([
      -0, -0.5, -1, -1.5, -2, -2.5,
    ]);
    const asInt = await evaluateTensor(
      { op: 'cast', dtype: 'int8', input: { op: 'scale', factor: 1.75, input: readA } },
      io,
    );
    expect(asInt.data).toBeInstanceOf(Int8Array);
    expect(Array.from(asInt.data as Int8Array)).toEqual([0, 1, 3, 5, 7, 8]);
    const asInt64 = await evaluateTensor({ op: 'cast', dtype: 'int64', input: readA }, io);
    expect(Array.from(asInt64.data as BigInt64Array)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  });

  it('caches repeated reads of one dataset within one evaluation', async () => {
    const io = storeIO({ a });
    await evaluateTensor(
      { op: 'concat', axis: 0, inputs: [readA, { op: 'flip', axes: [0], input: readA }] },
      io,
    );
    expect(io.reads).toEqual(['a']);
  });
});

describe('evaluateTensor: float16 and bfloat16', () => {
  // Bits chosen to include a NaN with payload, -0, infinities, subnormals and the largest finite value.
  const halfBits = Uint16Array.from([
    0x3c00, 0x7e01, 0x8000, 0x7c00, 0xfc00, 0x0001, 0x7bff, 0x3555, 0xc000, 0x03ff, 0x7d55, 0x1234,
  ]);
  const half: Tensor = { shape: [3, 4], dtype: 'float16', data: halfBits };
  const readHalf = read('h', [3, 4], 'float16');

  it('pure data movement keeps every bit, NaN payloads included', async () => {
    const io = storeIO({ h: half });
    const chain: TensorExpr = {
      op: 'take',
      axis: 0,
      index: { kind: 'indices', indices: [0, 1, 2] },
      input: {
        op: 'reshape',
        shape: [3, 4],
        input: {
          op: 'transpose',
          perm: [1, 0],
          input: {
            op: 'flip',
            axes: [0, 1],
            input: { op: 'flip', axes: [0, 1], input: { op: 'transpose', perm: [1, 0], input: readHalf } },
          },
        },
      },
    };
    const out = await evaluateTensor(chain, io);
    expect(out.dtype).toBe('float16');
    expect(out.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(out.data as Uint16Array)).toEqual(Array.from(halfBits));
    const padded = await evaluateTensor(
      { op: 'pad', axis: 1, size: 6, offset: 2, fill: { kind: 'zeros' }, input: readHalf },
      io,
    );
    expect(Array.from((padded.data as Uint16Array).slice(2, 6))).toEqual(Array.from(halfBits.slice(0, 4)));
    const cat = await evaluateTensor({ op: 'concat', axis: 0, inputs: [readHalf, readHalf] }, io);
    expect(Array.from(cat.data as Uint16Array)).toEqual([...halfBits, ...halfBits]);
    const copies = await evaluateTensor(
      { op: 'replicate', axis: 1, sources: [1, 1], divide: false, input: readHalf },
      io,
    );
    expect(Array.from(copies.data as Uint16Array)).toEqual([0x7e01, 0x7e01, 0x0001, 0x0001, 0x03ff, 0x03ff]);
  });

  it('arithmetic decodes, computes and rounds back to float16', async () => {
    const h = {
      shape: [4],
      dtype: 'float16' as const,
      data: Uint16Array.from([0x3c00, 0x4000, 0x3555, 0x0001]),
    }; // 1, 2, ~1/3, 2^-24
    const io = storeIO({ h });
    const readH = read('h', [4], 'float16');
    const halved = await evaluateTensor({ op: 'scale', factor: 0.5, input: readH }, io);
    // 1/3 in float16 is 0x3555 (0.33325195); half of it is exact: 0x3155. 2^-24 / 2 ties to even -> 0.
    expect(Array.from(halved.data as Uint16Array)).toEqual([0x3800, 0x3c00, 0x3155, 0x0000]);
    const sum = await evaluateTensor({ op: 'add', inputs: [readH, readH] }, io);
    expect(Array.from(sum.data as Uint16Array)).toEqual([0x4000, 0x4400, 0x3955, 0x0002]);
    const widened = await evaluateTensor({ op: 'cast', dtype: 'float32', input: readH }, io);
    expect(Array.from(widened.data as Float32Array)).toEqual([1, 2, 0.333251953125, 2 ** -24]);
    const divided = await evaluateTensor(
      { op: 'replicate', axis: 0, sources: [1, 1, 0], divide: true, input: readH },
      io,
    );
    expect(Array.from(divided.data as Uint16Array)).toEqual([0x3c00, 0x3c00, 0x3c00]);
  });

  it('casting float32 to float16 rounds to nearest, ties to even, and saturates to infinity', async () => {
    const x = f32([6], [2049, 2051, 65504, 65520, 1e-8, -3.0e-8]);
    const out = await evaluateTensor({ op: 'cast', dtype: 'float16', input: read('x', [6]) }, storeIO({ x }));
    // 2049 ties between 2048 (0x6800) and 2050 (0x6801): even wins. 2051 ties between 2050 and 2052: 0x6802.
    // 65520 is the midpoint between 65504 and 65536 (out of range): rounds up to infinity.
    // 1e-8 is below half the smallest subnormal (2^-25 ~ 2.98e-8): +0. -3.0e-8 rounds to -2^-24 (0x8001).
    expect(Array.from(out.data as Uint16Array)).toEqual([0x6800, 0x6802, 0x7bff, 0x7c00, 0x0000, 0x8001]);
  });

  it('bfloat16 arithmetic and exact movement', async () => {
    // 1.0 = 0x3f80, 3.140625 = 0x4049, -2 = 0xc000
    const b = { shape: [3], dtype: 'bfloat16' as const, data: Uint16Array.from([0x3f80, 0x4049, 0xc000]) };
    const io = storeIO({ b });
    const readB = read('b', [3], 'bfloat16');
    const moved = await evaluateTensor({ op: 'flip', axes: [0], input: readB }, io);
    expect(Array.from(moved.data as Uint16Array)).toEqual([0xc000, 0x4049, 0x3f80]);
    const doubled = await evaluateTensor({ op: 'scale', factor: 2, input: readB }, io);
    expect(Array.from(doubled.data as Uint16Array)).toEqual([0x4000, 0x40c9, 0xc080]);
    const widened = await evaluateTensor({ op: 'cast', dtype: 'float32', input: readB }, io);
    expect(Array.from(widened.data as Float32Array)).toEqual([1, 3.140625, -2]);
    const x = f32([2], [Math.PI, 1 + 2 ** -8]);
    const narrowed = await evaluateTensor(
      { op: 'cast', dtype: 'bfloat16', input: read('x', [2]) },
      storeIO({ x }),
    );
    // 1 + 2^-8 is exactly halfway between 1 (0x3f80) and 1 + 2^-7 (0x3f81): even wins.
    expect(Array.from(narrowed.data as Uint16Array)).toEqual([0x4049, 0x3f80]);
  });

  it('float16 encoding round-trips every finite value', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const isNaN = ((bits >> 10) & 0x1f) === 0x1f && (bits & 0x3ff) !== 0;
      if (isNaN) continue;
      if (numberToFloat16Bits(float16BitsToNumber(bits)) !== bits)
        throw new Error(`bits 0x${bits.toString(16)} do not round-trip`);
    }
    expect(float16BitsToNumber(0x3c00)).toBe(1);
    expect(float16BitsToNumber(0x7bff)).toBe(65504);
    expect(float16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(Number.isNaN(float16BitsToNumber(0x7e01))).toBe(true);
  });
});

describe('shapeOf, dtypeOf, describeExpr and validation', () => {
  it('infers shapes of nested expressions', () => {
    const expr: TensorExpr = {
      op: 'pad',
      axis: 0,
      size: 4,
      offset: 1,
      fill: { kind: 'zeros' },
      input: {
        op: 'take',
        axis: 1,
        index: { kind: 'range', start: 0, length: 2 },
        input: { op: 'transpose', perm: [1, 0], input: read('x', [5, 2]) },
      },
    };
    expect(shapeOf(expr)).toEqual([4, 2]);
    expect(dtypeOf(expr)).toBe('float32');
    expect(describeExpr(expr)).toBe(
      'pad(take(transpose(read "x" float32[5, 2], perm [1, 0]), axis 1, 0:2), axis 0 to 4 at 1, fill zeros)',
    );
  });

  it('rejects broken expressions with a GraftError before reading', async () => {
    const io = storeIO({ a });
    const bad: TensorExpr[] = [
      { op: 'take', axis: 1, index: { kind: 'indices', indices: [3] }, input: readA },
      { op: 'take', axis: 2, index: { kind: 'indices', indices: [0] }, input: readA },
      { op: 'reshape', shape: [4], input: readA },
      { op: 'concat', axis: 0, inputs: [readA, read('b', [2, 2])] },
      { op: 'pad', axis: 1, size: 3, offset: 1, fill: { kind: 'zeros' }, input: readA },
      { op: 'pad', axis: 1, size: 4, offset: 0, fill: { kind: 'target' }, input: readA },
      { op: 'transpose', perm: [0, 0], input: readA },
      { op: 'add', inputs: [readA, { op: 'cast', dtype: 'float64', input: readA }] },
    ];
    for (const expr of bad) {
      await expect(evaluateTensor(expr, io), describeExpr(expr)).rejects.toBeInstanceOf(GraftError);
    }
    expect(io.reads).toEqual([]);
  });

  it('rejects a reader that returns the wrong dtype or size', async () => {
    await expect(evaluateTensor(read('a', [2, 3], 'float16'), storeIO({ a }))).rejects.toThrow(
      /expected float16/,
    );
    await expect(evaluateTensor(read('a', [7]), storeIO({ a }))).rejects.toThrow(/6 values/);
    await expect(
      evaluateTensor(
        { op: 'target', path: 'a', shape: [2, 3], dtype: 'float32' },
        { readSource: async () => a },
      ),
    ).rejects.toThrow(/no target file/);
  });
});

describe('ownership of read buffers', () => {
  const stored: Tensor = { shape: [2, 2], dtype: 'float32', data: new Float32Array([1, 2, 3, 4]) };
  const read: TensorExpr = { op: 'read', path: 'w', shape: [2, 2], dtype: 'float32' };
  it('copies a plain read by default, so a cached buffer is never handed out', async () => {
    const out = await evaluateTensor(read, { readSource: async () => stored });
    expect(out.data).not.toBe(stored.data);
    expect(Array.from(out.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });
  it('hands a fresh read out as it is when the reader says reads are fresh', async () => {
    const out = await evaluateTensor(read, { readSource: async () => stored, freshReads: true });
    expect(out.data).toBe(stored.data);
  });
});
