// Elementwise binary ops, with NumPy broadcasting (or a plain number); the unary ops are in unary.ts. Each gradient
// is written with the public ops: autograd runs it under noGrad inside a tidy, which frees its intermediates.
import type { BinaryOp } from '../backend/backend.ts';
import { type Tensor } from '../tensor.ts';
import { broadcastShapes, broadcastStrides, sumTo } from './broadcast.ts';
import { backendOf, compute, expectDType, record } from './core.ts';

function scalarOp(op: BinaryOp, x: Tensor, s: number): Tensor {
  expectDType(op, x, 'f32');
  return compute(op, x.shape, [x], (b, out, [xs]) => b.scalar(op, xs, s, out));
}

function tensorOp(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  expectDType(op, a, 'f32', 'first input');
  expectDType(op, b, 'f32', 'second input');
  const shape = broadcastShapes(op, a.shape, b.shape);
  backendOf(op, a, b);
  return compute(op, shape, [a, b], (k, out, [as, bs]) =>
    k.binary(op, as, bs, out, shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)),
  );
}

/**
 * a + b elementwise, as torch.add (PyTorch 1.13): f32 tensors broadcast together (NumPy rules), or b a
 * number. Gradient dy to each input, summed over its broadcast axes.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function add(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return record(scalarOp('add', a, b), 'add', [a], (dy) => [dy.view(dy.shape)]);
  return record(tensorOp('add', a, b), 'add', [a, b], (dy) => [sumTo(dy, a.shape), sumTo(dy, b.shape)]);
}

/**
 * a − b elementwise, as torch.sub (PyTorch 1.13): f32 tensors broadcast together, or b a number.
 * Gradient dy to a, −dy to b, each summed over its broadcast axes.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return add(a, -b);
  return record(tensorOp('sub', a, b), 'sub', [a, b], (dy) => [sumTo(dy, a.shape), sumTo(mul(dy, -1), b.shape)]);
}

/**
 * a · b elementwise, as torch.mul (PyTorch 1.13): f32 tensors broadcast together, or b a number.
 * Gradient dy·b to a, dy·a to b, each summed over its broadcast axes.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return record(scalarOp('mul', a, b), 'mul', [a], (dy) => [mul(dy, b)]);
  return record(tensorOp('mul', a, b), 'mul', [a, b], (dy) => [
    a.requiresGrad ? sumTo(mul(dy, b), a.shape) : null,
    b.requiresGrad ? sumTo(mul(dy, a), b.shape) : null,
  ]);
}

/**
 * a / b elementwise, as torch.div (PyTorch 1.13, IEEE: x/0 is ±Infinity, 0/0 NaN): f32 tensors broadcast
 * together, or b a number. Gradient dy/b to a, −dy·a/b² to b.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function div(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return mul(a, 1 / b);
  const y = tensorOp('div', a, b);
  return record(y, 'div', [a, b], (dy) => [
    a.requiresGrad ? sumTo(div(dy, b), a.shape) : null,
    b.requiresGrad ? sumTo(mul(mul(dy, div(y, b)), -1), b.shape) : null, // -dy·a/b²
  ]);
}

/**
 * max(a, b) elementwise, as torch.maximum (PyTorch 1.13): f32 tensors broadcast together; ties split the
 * gradient evenly.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum('max', a, b);
}
/**
 * min(a, b) elementwise, as torch.minimum (PyTorch 1.13): f32 tensors broadcast together; ties split the
 * gradient evenly.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum('min', a, b);
}

function extremum(op: 'max' | 'min', a: Tensor, b: Tensor): Tensor {
  const y = tensorOp(op, a, b);
  return record(y, op === 'max' ? 'maximum' : 'minimum', [a, b], (dy) => {
    const maskA = add(op === 'max' ? greater(a, b) : greater(b, a), mul(equal(a, b), 0.5)); // where a is the result (half of it on ties)
    const maskB = add(mul(maskA, -1), 1);
    // dy·mask halves the ties; masked() then zeroes where the other input won (PyTorch's masked_fill), never 0·∞.
    return [sumTo(masked(mul(dy, maskA), maskA), a.shape), sumTo(masked(mul(dy, maskB), maskB), b.shape)];
  });
}

/**
 * xᵖ elementwise for a constant exponent p, as torch.pow(x, p) (PyTorch 1.13): f32 x of any shape, same
 * shape out (NaN for a negative x and a non-integer p). Gradient dy·p·xᵖ⁻¹.
 * @throws Error when `x` is not f32 or was disposed.
 */
export function pow(x: Tensor, p: number): Tensor {
  return record(scalarOp('pow', x, p), 'pow', [x], (dy) => [mul(mul(dy, pow(x, p - 1)), p)]);
}

/**
 * 1 where a > b, else 0, as f32 (torch.gt gives bool; PyTorch 1.13): f32 tensors broadcast together, or b a
 * number; NaN compares false. No gradient.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function greater(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? scalarOp('gt', a, b) : tensorOp('gt', a, b);
}
/**
 * 1 where a == b, else 0, as f32 (torch.eq gives bool; PyTorch 1.13): f32 tensors broadcast together, or b a
 * number; NaN equals nothing. No gradient.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function equal(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? scalarOp('eq', a, b) : tensorOp('eq', a, b);
}

/** a where mask ≠ 0, else 0: a selection, never a·0 (which is NaN for an infinite a); no gradient. */
export function masked(a: Tensor, mask: Tensor): Tensor {
  return tensorOp('mask', a, mask);
}

/**
 * 0 where x ≤ 0, else dy (a NaN x passes dy), f32, broadcasting together: ReLU's gradient in one kernel, as
 * torch.ops.aten.threshold_backward(dy, x, 0) computes it (PyTorch 1.13); a selection, so an infinite dy where
 * x ≤ 0 gives 0, not NaN. No gradient.
 * @throws Error when an input is not f32, the shapes cannot be broadcast together, the inputs live on different backends, or one was disposed.
 */
export function thresholdBackward(dy: Tensor, x: Tensor): Tensor {
  return tensorOp('thresholdBackward', dy, x);
}
