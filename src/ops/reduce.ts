// Reductions over axes (sum, mean, max), each a chain of single-axis kernel calls.
import type { ReduceOp } from '../backend/backend.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape, type Shape } from '../shapes.ts';
import { expectDType, normAxis, record, reduceAxes } from './core.ts';
import { broadcastTo } from './broadcast.ts';
import { div, equal, mul } from './elementwise.ts';

/**
 * The axes a reduction runs over: one axis, a list of distinct axes, or `undefined` for every axis. Negative
 * axes count from the end (−1 is the last), as PyTorch's `dim`; an axis out of range or repeated throws.
 */
export type Axes = number | number[] | undefined;

function normAxes(op: string, axes: Axes, rank: number): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = (Array.isArray(axes) ? axes : [axes]).map((a) => normAxis(op, a, rank));
  if (new Set(list).size !== list.length) throw new Error(`${op}: repeated axis in ${JSON.stringify(axes)}`);
  return list.sort((a, b) => a - b);
}

function dropAxes(t: Tensor, axes: number[], keepDims: boolean): Tensor {
  if (keepDims) return t;
  const v = t.view(t.shape.filter((_, i) => !axes.includes(i)));
  t.dispose();
  return v;
}

/**
 * Sum of f32 x over `axes` (every axis by default), as torch.sum(x, dim, keepdim) (PyTorch 1.13): the
 * reduced axes are dropped, or kept with size 1 when `keepDims`; a 0-d tensor when every axis is reduced.
 * An empty axis sums to 0. Gradient dy broadcast back to x's shape.
 * @throws Error when x is not f32 or was disposed, or an axis is out of range or repeated.
 */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  expectDType('sum', x, 'f32');
  const list = normAxes('sum', axes, x.rank);
  const y = dropAxes(reduceAxes('sum', x, list), list, keepDims);
  return record(y, 'sum', [x], (dy) => [broadcastTo(dy.view(x.shape.map((d, i) => (list.includes(i) ? 1 : d))), x.shape)]);
}

/**
 * Mean of f32 x over `axes` (every axis by default), as torch.mean(x, dim, keepdim) (PyTorch 1.13): shapes as
 * `sum`; NaN over an empty axis. Gradient dy / count broadcast back to x's shape.
 * @throws Error when x is not f32 or was disposed, or an axis is out of range or repeated.
 */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const list = normAxes('mean', axes, x.rank);
  let count = 1;
  for (const a of list) count *= x.shape[a];
  const s = sum(x, list, keepDims);
  const m = mul(s, 1 / count);
  s.dispose();
  return m;
}

/**
 * Maximum of f32 x over `axes` (every axis by default), as torch.amax(x, dim, keepdim) (PyTorch 1.13): shapes
 * as `sum`; ties share the gradient evenly, as amax's.
 * @throws Error when x is not f32 or was disposed, an axis is out of range or repeated, or a reduced axis is empty.
 */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  expectDType('max', x, 'f32');
  const list = normAxes('max', axes, x.rank);
  if (list.some((a) => x.shape[a] === 0)) throw new Error(`max: cannot take the maximum over an empty axis of ${formatShape(x.shape)}`);
  const keptMax = reduceAxes('max', x, list);
  const y = dropAxes(keptMax, list, keepDims);
  const keptShape = keptMax.shape;
  return record(y, 'max', [x], (dy) => {
    const mask = equal(x, y.view(keptShape));
    return [mul(div(mask, reduceAxes('sum', mask, list)), dy.view(keptShape))]; // dy shared among the ties
  });
}
