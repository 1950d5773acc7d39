// One-hot encoding of i32 labels.

/** out [n, classes] = one-hot of the i32 labels; a label outside [0, classes) writes nothing past out. */
export function oneHot(labels: usize, out: usize, n: i32, classes: i32): void {
  const total = n * classes;
  memory.fill(out, 0, <usize>total << 2);
  for (let i = 0; i < n; i++) {
    const at = i * classes + load<i32>(labels + (<usize>i << 2));
    if (at >= 0 && at < total) store<f32>(out + (<usize>at << 2), 1);
  }
}
