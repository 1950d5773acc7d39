// Row-wise softmax and log-softmax.

/** Softmax (or log-softmax) of rows [r0, r1) of x viewed as [rows, cols]. */
export function softmax(x: usize, out: usize, cols: i32, log: bool, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const a = x + <usize>r * <usize>cols * 4, o = out + <usize>r * <usize>cols * 4;
    let mx: f32 = -Infinity;
    for (let c = 0; c < cols; c++) mx = max(mx, load<f32>(a + (<usize>c << 2)));
    let sum: f64 = 0;
    for (let c = 0; c < cols; c++) {
      const e = Mathf.exp(load<f32>(a + (<usize>c << 2)) - mx);
      if (!log) store<f32>(o + (<usize>c << 2), e); // kept for the scaling below: one exp per element
      sum += e;
    }
    if (log) {
      const logSum = <f32>Math.log(sum);
      for (let c = 0; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(a + (<usize>c << 2)) - mx - logSum);
    } else {
      const inv = <f32>(1 / sum); // the log of the sum is a row's cost of its own: softmax skips it
      for (let c = 0; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(o + (<usize>c << 2)) * inv);
    }
  }
}
