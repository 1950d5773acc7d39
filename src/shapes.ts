// Shapes: the type, the element count, equality and the printed form. A leaf module: it imports nothing.

/** A tensor's dimensions, outermost first (row-major); [] is a scalar. */
export type Shape = readonly number[];

/** The number of elements of a tensor of `shape` (1 for a scalar, 0 when any dimension is 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether two shapes have the same dimensions. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/** `shape` as it appears in error messages: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
