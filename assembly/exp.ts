// e^x four lanes at a time: x = n·ln 2 + r with n = x·log₂e rounded (|r| ≤ ln 2 / 2), e^r a degree-7 Taylor
// polynomial in r, times 2^n built in the exponent bits: within 1 ulp of e^x rounded to f32 (a sweep of every 97th
// f32 from −104 to 89: at most 0.998 ulp), as PyTorch's vectorised CPU exp (1 ulp). Read by the elementwise exp
// and sigmoid, softmax, tanh and erf.

const LOG2E = f32x4.splat(1.44269504);
const LN2_HI = f32x4.splat(0.693359375);
const LN2_LO = f32x4.splat(-2.12194440e-4);
const ONE = f32x4.splat(1);
const HALF = f32x4.splat(0.5);
const BIAS = i32x4.splat(127);
const ONE_I = i32x4.splat(1);
const EXP_MIN = f32x4.splat(-104); // e^-104 rounds to 0 in f32, as does everything below it
const EXP_MAX = f32x4.splat(89); // e^89 overflows to +Inf in f32, as does everything above it

/** e^r for r = x − n·ln 2: 1 + (r + r²·q(r)), q the Taylor series of (e^r − 1 − r)/r² to r⁵ (the terms left out: under 10⁻⁸ of e^r). */
@inline
function expReduced(x: v128, n: v128): v128 {
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, LN2_HI)), f32x4.mul(n, LN2_LO));
  let q = f32x4.splat(1.0 / 5040);
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(1.0 / 720));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(1.0 / 120));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(1.0 / 24));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(1.0 / 6));
  q = f32x4.add(f32x4.mul(q, r), HALF);
  // the 1 added last: every rounding before it is scaled down by |r + r²·q| ≤ 0.42
  return f32x4.add(ONE, f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q)));
}

/** 2^k for i32 lanes k in [-126, 127]. */
@inline
function pow2(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, BIAS), 23);
}

/**
 * y + 1.5·2²³ for |y| < 2²²: y rounded to the nearest whole number (ties to even, as f32x4.nearest), held in
 * the low mantissa bits; `whole` reads it back as f32, `wholeBits` as i32 (no float-to-int conversion, which
 * V8 emits as a saturating sequence).
 */
const ROUNDER = f32x4.splat(12582912);
@inline function whole(shifted: v128): v128 { return f32x4.sub(shifted, ROUNDER); }
@inline function wholeBits(shifted: v128): v128 { return i32x4.sub(shifted, ROUNDER); }

/** e^x for x in [0, 88] (NaN stays NaN). */
@inline
export function expSmall(x: v128): v128 {
  const shifted = f32x4.add(f32x4.mul(x, LOG2E), ROUNDER);
  return f32x4.mul(expReduced(x, whole(shifted)), pow2(wholeBits(shifted)));
}

/**
 * e^x for every f32 (−Inf gives 0, +Inf gives +Inf, NaN stays NaN), subnormal results included: 2^n is applied
 * as two halves, each a normal number, so the last product rounds into the subnormals (or overflows) as it should.
 */
@inline
export function exp4(x: v128): v128 {
  // pmax/pmin return their first operand unless the second compares greater/less, so NaN stays; each is one
  // instruction where max/min need a NaN-and-zero fix-up sequence
  x = f32x4.pmin(f32x4.pmax(x, EXP_MIN), EXP_MAX);
  const shifted = f32x4.add(f32x4.mul(x, LOG2E), ROUNDER), k = wholeBits(shifted);
  const half = i32x4.shr_s(i32x4.add(k, ONE_I), 1); // ⌈k / 2⌉
  return f32x4.mul(f32x4.mul(expReduced(x, whole(shifted)), pow2(half)), pow2(i32x4.sub(k, half)));
}
