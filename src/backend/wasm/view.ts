// Strided views for the binary and copy kernels: axes merged where memory allows, padded to rank 6.

export const VIEW_RANK = 6;
/** i32 words of a view: the shape and two stride sets. */
export const VIEW_WORDS = 3 * VIEW_RANK;

/** shape and one stride set per operand, with size-1 axes dropped and contiguous neighbours merged. */
export function coalesce(shape: number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  shape.forEach((d, ax) => {
    if (d === 1) return;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[ax] * d)) {
      outShape[last] *= d;
      strides.forEach((s, k) => (outStrides[k][last] = s[ax]));
    } else {
      outShape.push(d);
      strides.forEach((s, k) => outStrides[k].push(s[ax]));
    }
  });
  return { shape: outShape, strides: outStrides };
}

/** The i32 words of a view: shape[6], then strides[6] for each of the two operands. */
export function viewWords(shape: number[], a: number[], b: number[]): Int32Array {
  const c = coalesce(shape, [a, b]);
  const rank = c.shape.length;
  if (rank > VIEW_RANK) throw new Error(`wasm backend: strided kernels support rank ≤ ${VIEW_RANK} after merging axes, got ${rank}`);
  const words = new Int32Array(VIEW_WORDS);
  const pad = VIEW_RANK - rank;
  words.fill(1, 0, VIEW_RANK);
  for (let ax = 0; ax < rank; ax++) {
    words[pad + ax] = c.shape[ax];
    words[VIEW_RANK + pad + ax] = c.strides[0][ax];
    words[2 * VIEW_RANK + pad + ax] = c.strides[1][ax];
  }
  return words;
}
