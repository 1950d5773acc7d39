// Row-wise softmax and log-softmax, four columns at a time.
import { exp4 } from './exp';

/**
 * Softmax (or log-softmax) of rows [r0, r1) of x viewed as [rows, cols]; the sum of exponentials in f64.
 * logOut (0: none), with log false: the log-softmax there too, as a call with log true would write it.
 */
export function softmax(x: usize, out: usize, cols: i32, log: bool, logOut: usize, r0: i32, r1: i32): void {
  const whole = cols & ~3;
  for (let r = r0; r < r1; r++) {
    const a = x + <usize>r * <usize>cols * 4, o = out + <usize>r * <usize>cols * 4;
    let m4 = f32x4.splat(-Infinity);
    for (let c = 0; c < whole; c += 4) m4 = f32x4.max(m4, v128.load(a + (<usize>c << 2))); // max keeps NaN, as f32.max
    let mx = max(max(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
    for (let c = whole; c < cols; c++) mx = max(mx, load<f32>(a + (<usize>c << 2)));
    m4 = f32x4.splat(mx);
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (let c = 0; c < cols; c += 4) {
      // the last 1..3 columns: the same lanes' formula on a partial vector, so a value does not depend on its column
      const at = <usize>c << 2, full = c < whole;
      const v = full ? v128.load(a + at) : tail(a + at, cols - c);
      let e = exp4(f32x4.sub(v, m4));
      if (!full) e = v128.and(e, tailMask(cols - c));
      if (!log) {
        if (full) v128.store(o + at, e); // kept for the scaling below: one exp per element
        else for (let j = 0; j < cols - c; j++) store<f32>(o + at + (<usize>j << 2), lane(e, j));
      }
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
    }
    const sum = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1);
    if (log || logOut) logSoftmaxRow(a, log ? o : logOut + <usize>r * <usize>cols * 4, cols, m4, <f32>Math.log(sum));
    if (!log) {
      const inv = <f32>(1 / sum), i4 = f32x4.splat(inv); // the log of the sum is a row's cost of its own: softmax skips it
      let c = 0;
      for (; c < whole; c += 4) v128.store(o + (<usize>c << 2), f32x4.mul(v128.load(o + (<usize>c << 2)), i4));
      for (; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(o + (<usize>c << 2)) * inv);
    }
  }
}

/** A row's log-softmax x − max − log Σ into o, from its max (splat in m4) and logSum. */
@inline
function logSoftmaxRow(a: usize, o: usize, cols: i32, m4: v128, logSum: f32): void {
  const s4 = f32x4.splat(logSum), mx = f32x4.extract_lane(m4, 0);
  let c = 0;
  for (; c + 4 <= cols; c += 4) v128.store(o + (<usize>c << 2), f32x4.sub(f32x4.sub(v128.load(a + (<usize>c << 2)), m4), s4));
  for (; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(a + (<usize>c << 2)) - mx - logSum);
}

/** The first n (1..3) floats at p in a vector's low lanes, zeros above. */
@inline
function tail(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** All-ones in the low n (1..3) lanes. */
@inline
function tailMask(n: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n));
}

@inline
function lane(v: v128, j: i32): f32 {
  if (j == 0) return f32x4.extract_lane(v, 0);
  if (j == 1) return f32x4.extract_lane(v, 1);
  return f32x4.extract_lane(v, 2);
}
