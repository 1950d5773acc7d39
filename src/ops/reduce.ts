// Reductions over axes (sum, mean, max), each a chain of single-axis kernel calls.
import type { ReduceOp } from '../backend/backend.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape, type Shape } from '../shapes.ts';
import { compute, expectDType, normAxis, record } from './core.ts';
import { broadcastTo } from './shape.ts';
import { div, equal, mul } from './elementwise.ts';

export type Axes = number | number[] | undefined;

function normAxes(op: string, axes: Axes, rank: number): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = (Array.isArray(axes) ? axes : [axes]).map((a) => normAxis(op, a, rank));
  if (new Set(list).size !== list.length) throw new Error(`${op}: repeated axis in ${JSON.stringify(axes)}`);
  return list.sort((a, b) => a - b);
}

/** Reduces the given axes, keeping them as size-1 dims. */
function reduceKeep(op: ReduceOp, x: Tensor, axes: number[]): Tensor {
  let cur = x;
  for (const axis of axes) {
    const shape = cur.shape;
    let outer = 1, inner = 1;
    for (let i = 0; i < axis; i++) outer *= shape[i];
    for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
    const outShape = shape.map((d, i) => (i === axis ? 1 : d));
    const next = compute(op, outShape, [cur], (b, out, [xs]) => b.reduce(op, xs, out, outer, shape[axis], inner));
    if (cur !== x) cur.dispose();
    cur = next;
  }
  return cur === x ? x.view(x.shape) : cur;
}

function dropAxes(t: Tensor, axes: number[], keepDims: boolean): Tensor {
  if (keepDims) return t;
  const v = t.view(t.shape.filter((_, i) => !axes.includes(i)));
  t.dispose();
  return v;
}

/** Sum over axes (all by default). */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  expectDType('sum', x, 'f32');
  const list = normAxes('sum', axes, x.rank);
  const y = dropAxes(reduceKeep('sum', x, list), list, keepDims);
  return record(y, 'sum', [x], (dy) => {
    const kept = dy.view(x.shape.map((d, i) => (list.includes(i) ? 1 : d)));
    const g = broadcastTo(kept, x.shape);
    kept.dispose();
    return [g];
  });
}

/** Mean over axes (all by default). */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const list = normAxes('mean', axes, x.rank);
  let count = 1;
  for (const a of list) count *= x.shape[a];
  const s = sum(x, list, keepDims);
  const m = mul(s, 1 / count);
  s.dispose();
  return m;
}

/** Maximum over axes (all by default); ties share the gradient evenly. */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  expectDType('max', x, 'f32');
  const list = normAxes('max', axes, x.rank);
  if (list.some((a) => x.shape[a] === 0)) throw new Error(`max: cannot take the maximum over an empty axis of ${formatShape(x.shape)}`);
  const keptMax = reduceKeep('max', x, list);
  const y = dropAxes(keptMax, list, keepDims);
  return record(y, 'max', [x], (dy) => {
    const keptShape = keptMax.shape;
    const yKept = y.view(keptShape), dyKept = dy.view(keptShape);
    const mask = equal(x, yKept);
    const ties = reduceKeep('sum', mask, list);
    const share = div(mask, ties);
    const g = mul(share, dyKept);
    for (const t of [mask, ties, share, dyKept, yKept]) t.dispose();
    return [g];
  });
}

/** Sums dy down to `shape` (undoing broadcasting): leading axes and size-1 axes are reduced. */
export function sumTo(dy: Tensor, shape: Shape): Tensor {
  const extra = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < extra || (shape[i - extra] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return dy.view(shape);
  const r = reduceKeep('sum', dy, axes);
  const v = r.view(shape);
  r.dispose();
  return v;
}
