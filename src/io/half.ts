// 16-bit floats as safetensors stores them: IEEE binary16 (F16) and bfloat16 (BF16), from and to f32 bits.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f32 value of binary16 bits (exact: every f16 is an f32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The binary16 bits nearest to x (round half to even; overflow to ±Infinity; NaN stays NaN). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff, frac = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (frac ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    const m = frac | 0x800000, shift = 14 - e;
    return sign | roundShift(m, shift);
  }
  return sign | ((e << 10) + roundShift(frac, 13)); // a carry out of the fraction bumps the exponent
}

/** m >> shift, rounded half to even. */
function roundShift(m: number, shift: number): number {
  const q = m >>> shift, rest = m - q * 2 ** shift, half = 2 ** (shift - 1);
  return rest > half || (rest === half && q & 1) ? q + 1 : q;
}

/** The f32 value of bfloat16 bits (the top half of an f32). */
export function bfloat16ToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}

/** The bfloat16 bits nearest to x (round half to even; NaN stays NaN). */
export function floatToBfloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40;
  return roundShift(bits, 16);
}

/**
 * dst[i] = the f32 value of the binary16 nearest to src[i]: halfToFloat(floatToHalf(src[i])) for a whole
 * array at once, on the bits (the f16 inputs of the block GEMMs; src and dst may be the same array).
 */
export function roundToHalf(src: Float32Array, dst: Float32Array): void {
  const from = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const to = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) {
    const bits = from[i], a = bits & 0x7fffffff, sign = bits & 0x80000000;
    if (a > 0x7f800000) to[i] = bits; // NaN
    else if (a >= 0x477ff000) to[i] = (sign | 0x7f800000) >>> 0; // 65520 and above round to infinity
    else if (a >= 0x38800000) to[i] = (sign | ((a + 0xfff + ((a >>> 13) & 1)) & ~0x1fff)) >>> 0; // normal: 10 fraction bits
    else {
      // Subnormal halves are the multiples of 2^-24: adding 0.5 leaves f32 exactly that resolution.
      const v = Math.fround(Math.fround(Math.abs(src[i]) + 0.5) - 0.5);
      dst[i] = sign ? -v : v;
    }
  }
}
