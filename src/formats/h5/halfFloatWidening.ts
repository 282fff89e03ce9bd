// h5wasm 0.10.3 cannot create 2-byte float datasets ("Float size not supported") nor OPAQUE ones
// (Keras 3's bfloat16 storage): measured, not guessed. Both half formats widen to float32 without any
// loss, and Keras casts stored values to the variable's dtype on load (Keras 2 `np.asarray(v, dtype)`,
// Keras 3 `variable.assign`), so the loaded variables are bit-identical to the half-precision input.

/** IEEE binary16 bit patterns -> float32 values, exactly (subnormals, infinities, NaN included). */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = (h & 0x8000) << 16;
    const exponent = (h >>> 10) & 0x1f;
    let mantissa = h & 0x3ff;
    if (exponent === 0x1f) {
      out[i] = sign | 0x7f800000 | (mantissa << 13);
    } else if (exponent !== 0) {
      out[i] = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa === 0) {
      out[i] = sign;
    } else {
      // Subnormal half: normalise the mantissa; every such value is a normal float32.
      let e = 113;
      while ((mantissa & 0x400) === 0) {
        mantissa <<= 1;
        e -= 1;
      }
      out[i] = sign | (e << 23) | ((mantissa & 0x3ff) << 13);
    }
  }
  return new Float32Array(out.buffer);
}

/** bfloat16 bit patterns -> float32 values: bfloat16 is the upper half of a float32. */
export function bfloat16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}
