// Shape ops: views (reshape) and strided copies (transpose, slice, concat, the estimator rearrange).
import { type Tensor } from '../tensor.ts';
import { formatShape, type Shape, sizeOf } from '../shapes.ts';
import { backendOf, empty, gather, normAxis, record, stridesOf } from './core.ts';

/**
 * The same values in a new shape, no copy (a view), as torch.reshape (PyTorch 1.13); one dimension may be −1,
 * inferred from the size. Any dtype. Gradient dy reshaped back.
 * @throws Error when the shape has more than one −1 or does not hold x's number of elements, or x was disposed.
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new Error(`reshape: more than one -1 in ${formatShape(shape)}`);
  const rest = sizeOf(known);
  const final = shape.map((d) => (d === -1 ? x.size / rest : d));
  if (sizeOf(final) !== x.size || final.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  }
  const y = x.view(final);
  return record(y, 'reshape', [x], (dy) => [dy.view(x.shape)]);
}

/**
 * x with its axes permuted (a copy): output axis i is x's axis perm[i], as torch.permute (PyTorch 1.13); by
 * default the axes reversed (x.T for a matrix). Any dtype.
 * @throws Error when perm is not a permutation of x's axes, or x was disposed.
 */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  const p = perm ?? [...x.shape.keys()].reverse();
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(`transpose: ${JSON.stringify(perm)} is not a permutation of the axes of ${formatShape(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const y = gather('transpose', x, p.map((a) => x.shape[a]), p.map((a) => strides[a]), 0);
  const inverse = p.map((_, i) => p.indexOf(i));
  return record(y, 'transpose', [x], (dy) => [transpose(dy, inverse)]);
}

/**
 * x[start:end] along `axis` (negative from the end), a copy, as torch.narrow(x, axis, start, end − start)
 * (PyTorch 1.13). Any dtype; gradient dy placed back into zeros.
 * @throws Error when the axis is out of range or not 0 ≤ start ≤ end ≤ the axis' size, or x was disposed.
 */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis('slice', axis, x.rank);
  if (!(0 <= start && start <= end && end <= x.shape[a])) {
    throw new Error(`slice: range [${start}, ${end}) is outside axis ${a} of ${formatShape(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const shape = x.shape.map((d, i) => (i === a ? end - start : d));
  const y = gather('slice', x, shape, strides, start * strides[a]);
  return record(y, 'slice', [x], (dy) => {
    const g = empty(x.shape, 'f32', dy.backend);
    g.backend.fill(g.storageOf('slice'), 0);
    g.backend.copyStrided(dy.storageOf('slice'), g.storageOf('slice'), shape, stridesOf(shape), 0, strides, start * strides[a]);
    return [g];
  });
}

/**
 * The tensors joined along `axis` (default 0, negative from the end), as torch.cat (PyTorch 1.13); every
 * other dimension and the dtype must match. Gradient: each input's slice of dy.
 * @throws Error when the list is empty, shapes or dtypes differ off the axis, the axis is out of range, the
 *   tensors live on different backends, or one was disposed.
 */
export function concat(tensors: Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error('concat: no tensors given');
  const first = tensors[0];
  const a = normAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i]) || t.dtype !== first.dtype) {
      throw new Error(`concat: ${formatShape(t.shape)} ${t.dtype} does not match ${formatShape(first.shape)} ${first.dtype} off axis ${a}`);
    }
  }
  const backend = backendOf('concat', ...tensors);
  const shape = first.shape.map((d, i) => (i === a ? tensors.reduce((s, t) => s + t.shape[a], 0) : d));
  const out = empty(shape, first.dtype, backend);
  const outStrides = stridesOf(shape);
  let at = 0;
  const starts: number[] = [];
  for (const t of tensors) {
    starts.push(at);
    backend.copyStrided(t.storageOf('concat'), out.storageOf('concat'), [...t.shape], stridesOf(t.shape), 0, outStrides, at * outStrides[a]);
    at += t.shape[a];
  }
  if (first.dtype === 'i32' && tensors.every((t) => t.intRange)) {
    out.intRange = [Math.min(...tensors.map((t) => t.intRange![0])), Math.max(...tensors.map((t) => t.intRange![1]))];
  }
  return record(out, 'concat', tensors, (dy) => tensors.map((t, k) => (t.requiresGrad ? slice(dy, a, starts[k], starts[k] + t.shape[a]) : null)));
}

/**
 * Packed-Ensembles' estimator rearrange: (B, M*C) -> (M*B, C), estimator-major
 * (rows 0..B-1 are estimator 0), as einops' "b (m c) -> (m b) c".
 * @throws Error when y is not 2-D or M does not divide its columns, or y was disposed.
 */
export function rearrangeEstimators(y: Tensor, numEstimators: number): Tensor {
  const [B, MC] = y.shape;
  if (y.rank !== 2 || MC % numEstimators !== 0) {
    throw new Error(`rearrangeEstimators: expected [B, M*C] with M = ${numEstimators} dividing the features, got ${formatShape(y.shape)}`);
  }
  const C = MC / numEstimators;
  const r = reshape(y, [B, numEstimators, C]);
  const t = transpose(r, [1, 0, 2]);
  const out = reshape(t, [numEstimators * B, C]);
  r.dispose();
  t.dispose();
  return out;
}

/**
 * `times` copies of x stacked along axis 0: [times·N, …] (labels repeated estimator-major), as
 * torch.cat([x] * times). Any dtype.
 * @throws Error when times is below 1 (no tensors to join), or x was disposed.
 */
export function repeat(x: Tensor, times: number): Tensor {
  return concat(Array.from({ length: times }, () => x), 0);
}

/**
 * torch.flatten (PyTorch 1.13): axes startDim..endDim (inclusive, negative from the end) merged into one; a
 * view with its gradient. A 0-d tensor becomes [1].
 * @throws Error when an axis is out of range or startDim comes after endDim, or x was disposed.
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const a = normAxis('flatten', startDim, x.rank), b = normAxis('flatten', endDim, x.rank);
  if (a > b) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim} for ${formatShape(x.shape)}`);
  return reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)]);
}
