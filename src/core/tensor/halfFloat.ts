// float16 / bfloat16 <-> number. Encoding rounds to nearest, ties to even, directly from a double so a
// result is rounded once (going through float32 first could round twice for products).

const FLOAT16_EXPONENT_BITS = 5;
const FLOAT16_MANTISSA_BITS = 10;
const BFLOAT16_EXPONENT_BITS = 8;
const BFLOAT16_MANTISSA_BITS = 7;

let float16Table: Float32Array | null = null;

/** All 65,536 float16 values as float32 (exact: float16 is a subset of float32). */
function float16Values(): Float32Array {
  if (float16Table) return float16Table;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++)
    table[bits] = decodeSmallFloat(bits, FLOAT16_EXPONENT_BITS, FLOAT16_MANTISSA_BITS);
  float16Table = table;
  return table;
}

function decodeSmallFloat(bits: number, exponentBits: number, mantissaBits: number): number {
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  const sign = bits >> (exponentBits + mantissaBits) ? -1 : 1;
  const exponent = (bits >> mantissaBits) & maxExponent;
  const mantissa = bits & ((1 << mantissaBits) - 1);
  if (exponent === 0) return sign * mantissa * 2 ** (1 - bias - mantissaBits);
  if (exponent === maxExponent) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 2 ** mantissaBits) * 2 ** (exponent - bias);
}

function encodeSmallFloat(value: number, exponentBits: number, mantissaBits: number): number {
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  const signBit = 1 << (exponentBits + mantissaBits);
  if (Number.isNaN(value)) return (maxExponent << mantissaBits) | (1 << (mantissaBits - 1));
  const sign = value < 0 || Object.is(value, -0) ? signBit : 0;
  const magnitude = Math.abs(value);
  if (magnitude === 0) return sign;
  if (magnitude === Infinity) return sign | (maxExponent << mantissaBits);
  let exponent = Math.floor(Math.log2(magnitude));
  // log2 can be off by one near powers of two.
  if (2 ** exponent > magnitude) exponent--;
  else if (2 ** (exponent + 1) <= magnitude) exponent++;
  const minExponent = 1 - bias;
  if (exponent < minExponent) exponent = minExponent;
  // Scaling by a power of two is exact, so the rounding below is the only rounding.
  const scaled = magnitude * 2 ** (mantissaBits - exponent);
  let mantissa = Math.floor(scaled);
  const remainder = scaled - mantissa;
  if (remainder > 0.5 || (remainder === 0.5 && mantissa % 2 === 1)) mantissa++;
  if (mantissa >= 2 ** (mantissaBits + 1)) {
    mantissa /= 2;
    exponent++;
  }
  const biasedExponent = mantissa < 2 ** mantissaBits ? 0 : exponent + bias;
  if (biasedExponent >= maxExponent) return sign | (maxExponent << mantissaBits);
  return sign | (biasedExponent << mantissaBits) | (mantissa & ((1 << mantissaBits) - 1));
}

export function float16BitsToNumber(bits: number): number {
  return float16Values()[bits & 0xffff];
}

export function numberToFloat16Bits(value: number): number {
  return encodeSmallFloat(value, FLOAT16_EXPONENT_BITS, FLOAT16_MANTISSA_BITS);
}

export function bfloat16BitsToNumber(bits: number): number {
  return decodeSmallFloat(bits & 0xffff, BFLOAT16_EXPONENT_BITS, BFLOAT16_MANTISSA_BITS);
}

export function numberToBfloat16Bits(value: number): number {
  return encodeSmallFloat(value, BFLOAT16_EXPONENT_BITS, BFLOAT16_MANTISSA_BITS);
}

/** Decodes a whole array of float16 bits; exact. */
export function float16ArrayToFloat32(bits: Uint16Array): Float32Array {
  const table = float16Values();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/** Decodes a whole array of bfloat16 bits; exact (bfloat16 is the top half of a float32). */
export function bfloat16ArrayToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return out;
}
