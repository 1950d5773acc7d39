// out[i] = the f32 value of the binary16 nearest to x[i] (round half to even, overflow to ±Infinity, NaN kept):
// the f16 inputs of the block GEMMs, on the bits, bit for bit as roundToHalf in src/io/half.ts.

const ABS = i32x4.splat(0x7fffffff);
const SIGN = i32x4.splat(0x80000000);
const INF = i32x4.splat(0x7f800000);
const ROUND = i32x4.splat(0xfff);
const KEEP = i32x4.splat(~0x1fff);
const LSB = i32x4.splat(1);
const HALF = f32x4.splat(0.5);
const TO_INF = i32x4.splat(0x477ff000); // 65520 and above round to infinity
const NORMAL = i32x4.splat(0x38800000); // 2^-14, the smallest normal half

@inline
function roundOne(bits: u32): u32 {
  const a = bits & 0x7fffffff, sign = bits & 0x80000000;
  if (a > 0x7f800000) return bits; // NaN
  if (a >= 0x477ff000) return sign | 0x7f800000;
  if (a >= 0x38800000) return sign | ((a + 0xfff + ((a >> 13) & 1)) & ~0x1fff); // 10 fraction bits
  // Subnormal halves are the multiples of 2^-24: adding 0.5 leaves f32 exactly that resolution.
  return sign | reinterpret<u32>(reinterpret<f32>(a) + <f32>0.5 - <f32>0.5);
}

export function roundHalf(x: usize, out: usize, start: i32, end: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const bits = v128.load(x + o), a = v128.and(bits, ABS), sign = v128.and(bits, SIGN);
    const normal = v128.and(i32x4.add(i32x4.add(a, ROUND), v128.and(i32x4.shr_u(a, 13), LSB)), KEEP);
    const subnormal = f32x4.sub(f32x4.add(a, HALF), HALF); // a as f32 is |x|
    let r = v128.bitselect(normal, subnormal, i32x4.ge_u(a, NORMAL));
    r = v128.bitselect(INF, r, i32x4.ge_u(a, TO_INF));
    r = v128.or(r, sign);
    v128.store(out + o, v128.bitselect(bits, r, i32x4.gt_u(a, INF))); // NaN stays as it was
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    store<u32>(out + o, roundOne(load<u32>(x + o)));
  }
}
