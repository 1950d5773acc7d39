// What every op needs: input checks, output allocation and recording on the autograd tape.
import type { Backend, DType, ReduceOp, Storage } from '../backend/backend.ts';
import { engine } from '../engine.ts';
import { Tensor } from '../tensor.ts';
import { formatShape, type Shape } from '../shapes.ts';

/** The backend shared by all inputs of `op`; clear errors for disposed or mixed-backend inputs. */
export function backendOf(op: string, ...inputs: Tensor[]): Backend {
  const backend = inputs[0].storageOf(op).backend;
  for (const t of inputs) {
    const b = t.storageOf(op).backend;
    if (b !== backend) {
      if (b.name === backend.name) {
        throw new Error(`${op}: inputs live on two different ${b.name} backends (${describe(backend)} and ${describe(b)}): a second init() with other options started a new backend, and tensors made before it stay on the first; move them with await tensor.moveTo(backend) or model.to(), or call init() with the first options`);
      }
      throw new Error(`${op}: inputs live on different backends (${backend.name} and ${b.name}): create them after one init({ backend }), or move them with await tensor.moveTo(backend) or model.to()`);
    }
  }
  return backend;
}

/** A backend as a user would tell two apart: its name and thread count. */
function describe(b: Backend): string {
  const { threads, simd } = b.info().details;
  return threads === undefined ? b.name : `${b.name} with ${threads} thread${threads === 1 ? '' : 's'}${simd ? `, ${simd}` : ''}`;
}

export function expectDType(op: string, t: Tensor, dtype: DType, what = 'input'): void {
  if (t.dtype !== dtype) throw new Error(`${op}: ${what} must be ${dtype}, got ${t.dtype} ${formatShape(t.shape)}`);
}

/** A fresh uninitialised tensor on `backend`. */
export function empty(shape: Shape, dtype: DType, backend: Backend = engine.backend): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`tensor: invalid shape ${formatShape(shape)}`);
  }
  let size = 1;
  for (const d of shape) size *= d;
  return new Tensor(shape, dtype, backend.alloc(size, dtype));
}

/** Runs `kernel` into a new f32 tensor of `shape` on the inputs' backend. */
export function compute(op: string, shape: Shape, inputs: Tensor[], kernel: (b: Backend, out: Storage, ins: Storage[]) => void): Tensor {
  const backend = backendOf(op, ...inputs);
  const out = empty(shape, 'f32', backend);
  kernel(backend, out.storageOf(op), inputs.map((t) => t.storageOf(op)));
  return out;
}

/**
 * Puts `out` on the tape when grad is on and an input needs it. `backward` maps dy to one gradient per
 * input (null where none), written with the public ops: autograd runs it under noGrad inside a tidy, so
 * its intermediates are freed. It must return new tensors (a view will do), never dy itself.
 */
export function record(out: Tensor, op: string, inputs: Tensor[], backward: (dy: Tensor) => (Tensor | null)[]): Tensor {
  if (!engine.gradEnabled || !inputs.some((t) => t.requiresGrad)) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, backward };
  for (const t of inputs) t.retainForGraph();
  return out;
}

/** Copies `src` (read through strides from `offset`) into a new tensor of `shape`. */
export function gather(op: string, src: Tensor, shape: Shape, strides: number[], offset: number): Tensor {
  const backend = backendOf(op, src);
  const out = empty(shape, src.dtype, backend);
  backend.copyStrided(src.storageOf(op), out.storageOf(op), [...shape], strides, offset, stridesOf(shape), 0);
  return out;
}

/** Reduces the given (sorted) axes of x one kernel call each, keeping them as size-1 dims; no autograd. */
export function reduceAxes(op: ReduceOp, x: Tensor, axes: number[]): Tensor {
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

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Normalises a possibly negative axis, with a clear error when out of range. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** [min, max] of integer values ([0, 0] when empty), by a loop: spreading a large array into Math.min overflows the stack. */
export function valueRange(values: ArrayLike<number>): [number, number] {
  if (values.length === 0) return [0, 0];
  let lo = values[0], hi = values[0];
  for (let i = 1; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    else if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}
