/**
 * Calls fn with one flat offset per stride set for every index of shape, in row-major order.
 * The JS kernels' single strided walker (broadcasting, transposes, slices and concatenation).
 */
export function forEachIndex(
  shape: number[],
  strides: [number[], number[]],
  offsets: [number, number],
  fn: (a: number, b: number) => void,
): void {
  const rank = shape.length;
  if (shape.some((d) => d === 0)) return;
  const idx = new Array<number>(rank).fill(0);
  let [a, b] = offsets;
  const [sa, sb] = strides;
  for (;;) {
    fn(a, b);
    let axis = rank - 1;
    while (axis >= 0) {
      idx[axis]++;
      a += sa[axis];
      b += sb[axis];
      if (idx[axis] < shape[axis]) break;
      a -= sa[axis] * shape[axis];
      b -= sb[axis] * shape[axis];
      idx[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}
