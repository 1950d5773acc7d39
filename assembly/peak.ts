// A register-resident multiply-add loop for measuring the SIMD peak of one core (benchmarks only):
// 12 independent accumulator chains (enough to hide a mul+add latency), 96 flops per iteration, no memory.
import { madd } from './simd';

export function simdPeak(iterations: i32, seed: f32): f32 {
  const m = f32x4.splat(<f32>0.999), x = f32x4.splat(seed);
  let c0 = x, c1 = x, c2 = x, c3 = x, c4 = x, c5 = x, c6 = x, c7 = x, c8 = x, c9 = x, c10 = x, c11 = x;
  for (let k = 0; k < iterations; k++) {
    c0 = madd(c0, m, x); c1 = madd(c1, m, x); c2 = madd(c2, m, x); c3 = madd(c3, m, x);
    c4 = madd(c4, m, x); c5 = madd(c5, m, x); c6 = madd(c6, m, x); c7 = madd(c7, m, x);
    c8 = madd(c8, m, x); c9 = madd(c9, m, x); c10 = madd(c10, m, x); c11 = madd(c11, m, x);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11))), 0);
}
