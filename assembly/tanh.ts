// tanh four lanes at a time, and the piece GELU shares with it: 1 − |tanh(u)| = 2/(e^(2|u|) + 1), which keeps
// its relative precision where tanh nears ±1. Near 0, where 1 − q would cancel, tanh is a Taylor series.

import { expSmall } from './exp';

const ONE = f32x4.splat(1);
const TWO = f32x4.splat(2);
const EXP_MAX = f32x4.splat(88); // e^88 is finite in f32; past it 1 − |tanh| is 0 in f32 anyway
const SERIES_MAX = f32x4.splat(0.3); // below: the series (error < 1e-9); above: 1 − q (error about 1e-7 relative)
const SIGN = i32x4.splat(0x80000000);

/** 1 − |tanh(u)| = 2/(e^(2|u|) + 1); 0 where e^(2|u|) would overflow; NaN for NaN. */
@inline
export function tanhTail(u: v128): v128 {
  const twoA = f32x4.add(f32x4.abs(u), f32x4.abs(u));
  const q = f32x4.div(TWO, f32x4.add(expSmall(f32x4.min(twoA, EXP_MAX)), ONE));
  return v128.andnot(q, f32x4.gt(twoA, EXP_MAX));
}

@inline
export function tanh4(u: v128): v128 {
  const a = f32x4.abs(u), a2 = f32x4.mul(a, a);
  let p = f32x4.splat(-1382.0 / 155925);
  p = f32x4.add(f32x4.mul(p, a2), f32x4.splat(62.0 / 2835));
  p = f32x4.add(f32x4.mul(p, a2), f32x4.splat(-17.0 / 315));
  p = f32x4.add(f32x4.mul(p, a2), f32x4.splat(2.0 / 15));
  p = f32x4.add(f32x4.mul(p, a2), f32x4.splat(-1.0 / 3));
  const series = f32x4.add(a, f32x4.mul(f32x4.mul(a, a2), p));
  const t = v128.bitselect(series, f32x4.sub(ONE, tanhTail(a)), f32x4.lt(a, SERIES_MAX));
  return v128.or(t, v128.and(u, SIGN)); // odd: |t| with the sign of u (NaN: t is already NaN)
}
