// Shapes: the type, the element count and the printed form. A leaf module: it imports nothing.

/** A tensor's dimensions, outermost first (row-major); [] is a scalar. */
export type Shape = readonly number[];

/** The number of elements of a tensor of `shape` (1 for a scalar, 0 when any dimension is 0). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `shape` as it appears in error messages: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
