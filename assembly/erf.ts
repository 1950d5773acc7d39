// erf four lanes at a time, the one AssemblyScript erf: the elementwise kernel's and any fused epilogue's
// (GELU's exact form, 0.5·z·(1 + erf(z/√2)), reads it too). Below |x| = 1 the odd Taylor series x·P(x²)
// (12 terms, relative error under 3 ulp); from 1 to 4, 1 − Q(1/|x|)·e^(−x²) with Q a degree-8 least-squares
// fit of erfc(a)·e^(a²) (absolute error under 1e-7, about 1 ulp of values near 1); past 4, erf is ±1 in f32.
// Odd: the magnitude gets the sign of x; NaN stays NaN, ±Inf gives ±1.
import { expSmall } from './exp';

const ONE = f32x4.splat(1);
const FOUR = f32x4.splat(4);
const FOUR_SQUARED = f32x4.splat(16); // e^(a²) is needed up to a = 4 only
const SIGN = i32x4.splat(0x80000000);

/** 2/√π · Σ (−1)^n z^n / (n!·(2n + 1)), z = x², by Horner. */
@inline
function series(z: v128): v128 {
  let p = f32x4.splat(-1.2290555240213052e-9);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.4807192805221803e-8));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-1.6365844146548625e-7));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.6462114444948384e-6));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-1.4925650248187594e-5));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.2055332626914605e-4));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-8.548327023163438e-4));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(5.223977845162153e-3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-2.686617150902748e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.1283791810274124e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.7612637877464294e-1));
  return f32x4.add(f32x4.mul(p, z), f32x4.splat(1.128379225730896));
}

/** erfc(a)·e^(a²) for a in [1, 4], as a polynomial in u = 1/a. */
@inline
function tailFactor(u: v128): v128 {
  let p = f32x4.splat(-7.106618955731392e-3);
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(1.684301346540451e-2));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(4.8705413937568665e-2));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(-2.714609205722809e-1));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(5.181747078895569e-1));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(-4.8105913400650024e-1));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(4.4517580419778824e-2));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(5.586768984794617e-1));
  return f32x4.add(f32x4.mul(p, u), f32x4.splat(2.926261513493955e-4));
}

/** The error function erf(x) of each lane (torch.erf). */
@inline
export function erf4(x: v128): v128 {
  const a = f32x4.abs(x), a2 = f32x4.mul(a, a);
  const near = f32x4.mul(a, series(a2));
  const far = f32x4.sub(ONE, f32x4.div(tailFactor(f32x4.div(ONE, a)), expSmall(f32x4.min(a2, FOUR_SQUARED))));
  let r = v128.bitselect(near, far, f32x4.lt(a, ONE));
  r = v128.bitselect(ONE, r, f32x4.ge(a, FOUR)); // NaN compares false: it stays NaN
  return v128.or(r, v128.and(x, SIGN));
}
