// GELU with the tanh approximation, 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))), four lanes at a time: the
// fused activation of the forward GEMM. 1 + tanh(u) is formed as 2/(e^(-2u) + 1) for u < 0 (2 − 2/(e^(2u) + 1)
// otherwise), so the small values on the negative side keep their relative precision.

const LOG2E = f32x4.splat(1.44269504);
const LN2_HI = f32x4.splat(0.693359375);
const LN2_LO = f32x4.splat(-2.12194440e-4);
const ONE = f32x4.splat(1);
const TWO = f32x4.splat(2);
const HALF = f32x4.splat(0.5);
const EXP_MAX = f32x4.splat(88); // e^88 is finite in f32; past it 1 − |tanh| is taken as 0, as the reference's tanh gives
const SCALE = f32x4.splat(0.7978845608); // √(2/π)
const CUBIC = f32x4.splat(0.044715);
const BIAS = i32x4.splat(127);

/** e^x for x in [0, 88] (NaN stays NaN): x = n·ln 2 + r, |r| ≤ ln 2 / 2, a degree-6 Taylor polynomial in r times 2^n. */
@inline
function expSmall(x: v128): v128 {
  const n = f32x4.nearest(f32x4.mul(x, LOG2E));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, LN2_HI)), f32x4.mul(n, LN2_LO));
  let p = f32x4.splat(1.0 / 720);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), HALF);
  p = f32x4.add(f32x4.mul(p, r), ONE);
  p = f32x4.add(f32x4.mul(p, r), ONE);
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), BIAS), 23); // 2^n, n in [0, 127]
  return f32x4.mul(p, scale);
}

@inline
export function gelu4(z: v128): v128 {
  const u = f32x4.mul(f32x4.add(z, f32x4.mul(CUBIC, f32x4.mul(f32x4.mul(z, z), z))), SCALE);
  const twoU = f32x4.add(f32x4.abs(u), f32x4.abs(u));
  const e = expSmall(f32x4.min(twoU, EXP_MAX));
  const q = v128.andnot(f32x4.div(TWO, f32x4.add(e, ONE)), f32x4.gt(twoU, EXP_MAX)); // 1 − |tanh(u)|
  const onePlusTanh = v128.bitselect(q, f32x4.sub(TWO, q), f32x4.lt(u, f32x4.splat(0)));
  return f32x4.mul(f32x4.mul(z, HALF), onePlusTanh);
}
