// Broadcasting and its inverse: NumPy's shape rule, the strides that read a tensor broadcast, broadcastTo,
// and sumTo, which sums a gradient back down to the shape that was broadcast. Depends on the core only, so
// the elementwise, reduce and shape ops can all use it.
import type { Tensor } from '../tensor.ts';
import { formatShape, type Shape } from '../shapes.ts';
import { gather, record, reduceAxes, stridesOf } from './core.ts';

/** The shape a and b broadcast to (NumPy's rule); throws naming both shapes when they cannot. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides reading `shape` broadcast to `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((d, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]));
}

/**
 * Repeats x along broadcast axes to `shape` (a copy), as torch.broadcast_to (PyTorch 1.13). Gradient dy summed
 * back to x's shape.
 * @throws Error when x cannot broadcast to `shape`, or x was disposed.
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (target.join() !== shape.join()) throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const y = gather('broadcastTo', x, shape, broadcastStrides(x.shape, shape), 0);
  return record(y, 'broadcastTo', [x], (dy) => [sumTo(dy, x.shape)]);
}

/**
 * Sums dy down to `shape` (undoing broadcasting): leading axes and size-1 axes are reduced. No autograd.
 * @throws Error when dy is not f32 or was disposed.
 */
export function sumTo(dy: Tensor, shape: Shape): Tensor {
  const extra = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < extra || (shape[i - extra] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return dy.view(shape);
  const r = reduceAxes('sum', dy, axes);
  const v = r.view(shape);
  r.dispose();
  return v;
}
