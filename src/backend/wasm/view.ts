// Strided views for the binary and copy kernels: axes merged where memory allows, padded to rank 6.

export const VIEW_RANK = 6;
/** i32 words of a view: the shape and two stride sets. */
export const VIEW_WORDS = 3 * VIEW_RANK;

// The merged view under construction, reused by every call (one view is written at a time, per kernel call).
const mergedShape: number[] = [], mergedA: number[] = [], mergedB: number[] = [];

/**
 * Writes a view's words into `words` from index `at`: its shape padded to rank 6 with leading 1s, then the
 * strides of each of the two operands, with size-1 axes dropped and neighbours merged where both operands
 * are contiguous across them.
 * @throws Error when more than 6 axes remain after merging.
 */
export function writeView(shape: number[], a: number[], b: number[], words: Int32Array, at: number): void {
  let rank = 0;
  for (let ax = 0; ax < shape.length; ax++) {
    const d = shape[ax];
    if (d === 1) continue;
    if (rank > 0 && mergedA[rank - 1] === a[ax] * d && mergedB[rank - 1] === b[ax] * d) {
      mergedShape[rank - 1] *= d;
      mergedA[rank - 1] = a[ax];
      mergedB[rank - 1] = b[ax];
    } else {
      mergedShape[rank] = d;
      mergedA[rank] = a[ax];
      mergedB[rank] = b[ax];
      rank++;
    }
  }
  if (rank > VIEW_RANK) throw new Error(`wasm backend: strided kernels support rank ≤ ${VIEW_RANK} after merging axes, got ${rank}`);
  const pad = VIEW_RANK - rank;
  for (let ax = 0; ax < VIEW_RANK; ax++) {
    const inView = ax >= pad;
    words[at + ax] = inView ? mergedShape[ax - pad] : 1;
    words[at + VIEW_RANK + ax] = inView ? mergedA[ax - pad] : 0;
    words[at + 2 * VIEW_RANK + ax] = inView ? mergedB[ax - pad] : 0;
  }
}
