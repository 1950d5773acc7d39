// Creating tensors from values, constants and the seedable RNG.
import type { DType } from '../backend/backend.ts';
import { Rng } from '../random.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape, type Shape, sizeOf } from '../shapes.ts';
import { empty, valueRange } from './core.ts';

/** Options of the tensor constructors (`tensor`, `full`, `zeros`, `ones`). */
export interface CreateOptions {
  /** Element type: 'f32' or 'i32'. Default 'f32' ('i32' for `tensor` of an Int32Array). */
  dtype?: DType;
  /** Make the new tensor a leaf that `backward()` fills a `grad` for. Default false. */
  requiresGrad?: boolean;
}

/** Nested arrays of numbers, as `tensor([[1, 2], [3, 4]])` takes them (rectangular). */
export type Nested = number | Nested[];

function flatten(values: Nested, shape: number[], out: number[], depth = 0): void {
  if (Array.isArray(values)) {
    if (shape.length <= depth) shape.push(values.length);
    else if (shape[depth] !== values.length) throw new Error(`tensor: ragged nested array (length ${values.length} at depth ${depth}, expected ${shape[depth]})`);
    for (const v of values) flatten(v, shape, out, depth + 1);
  } else {
    if (depth !== shape.length) throw new Error('tensor: ragged nested array');
    out.push(values);
  }
}

/**
 * A tensor from a typed array (with a shape) or nested arrays: `tensor([[1, 2], [3, 4]])`. Float32Array
 * and number arrays give f32, Int32Array gives i32 (or set `options.dtype`).
 * @throws Error on a ragged nested array, or a shape whose size is not the number of values.
 */
export function tensor(values: Float32Array | Int32Array | ArrayLike<number> | Nested, shape?: Shape, options: CreateOptions = {}): Tensor {
  let flat: ArrayLike<number>;
  let finalShape: Shape;
  if (ArrayBuffer.isView(values) || (shape && Array.isArray(values) && !values.some(Array.isArray))) {
    flat = values as ArrayLike<number>;
    finalShape = shape ?? [flat.length];
  } else if (typeof values === 'number' || Array.isArray(values)) {
    const inferred: number[] = [];
    const out: number[] = [];
    flatten(values as Nested, inferred, out);
    flat = out;
    finalShape = shape ?? inferred;
  } else {
    flat = values as ArrayLike<number>;
    finalShape = shape ?? [flat.length];
  }
  if (sizeOf(finalShape) !== flat.length) {
    throw new Error(`tensor: ${flat.length} values do not fill shape ${formatShape(finalShape)} (${sizeOf(finalShape)} elements)`);
  }
  const dtype = options.dtype ?? (values instanceof Int32Array ? 'i32' : 'f32');
  // A typed array of the dtype goes to the backend as it is (every backend's upload copies it): `from` would
  // walk it element by element, most of the cost of a large batch's tensor.
  const data = dtype === 'i32' ? (flat instanceof Int32Array ? flat : Int32Array.from(flat)) : flat instanceof Float32Array ? flat : Float32Array.from(flat);
  const t = empty(finalShape, dtype);
  upload('tensor', t, data);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/** Writes host values into a fresh tensor, recording an i32 tensor's range (for label checks without readback). */
function upload(op: string, t: Tensor, data: Float32Array | Int32Array): void {
  t.backend.upload(t.storageOf(op), data);
  if (data instanceof Int32Array) t.intRange = valueRange(data);
}

/**
 * A tensor of `shape` filled with `value`, as torch.full (PyTorch 1.13); f32 unless `options.dtype` says
 * 'i32' (the value then truncated).
 * @throws Error when a dimension is not a whole number ≥ 0, or the backend cannot hold the tensor.
 */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  const t = empty(shape, options.dtype ?? 'f32');
  t.backend.fill(t.storageOf('full'), value);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/**
 * A tensor of `shape` filled with 0, as torch.zeros (PyTorch 1.13); f32 unless `options.dtype` says 'i32'.
 * @throws Error when a dimension is not a whole number ≥ 0.
 */
export const zeros = (shape: Shape, options?: CreateOptions): Tensor => full(shape, 0, options);
/**
 * A tensor of `shape` filled with 1, as torch.ones (PyTorch 1.13); f32 unless `options.dtype` says 'i32'.
 * @throws Error when a dimension is not a whole number ≥ 0.
 */
export const ones = (shape: Shape, options?: CreateOptions): Tensor => full(shape, 1, options);
/**
 * An f32 tensor of `t`'s shape, on `t`'s backend, filled with 1, as torch.ones_like (PyTorch 1.13).
 * @throws Error when `t` was disposed.
 */
export const onesLike = (t: Tensor): Tensor => fullOn(t, 1);
/**
 * An f32 tensor of `t`'s shape, on `t`'s backend, filled with 0, as torch.zeros_like (PyTorch 1.13).
 * @throws Error when `t` was disposed.
 */
export const zerosLike = (t: Tensor): Tensor => fullOn(t, 0);

function fullOn(like: Tensor, value: number): Tensor {
  const t = empty(like.shape, 'f32', like.backend);
  t.backend.fill(t.storageOf('full'), value);
  return t;
}

let defaultRng = new Rng(0);

/**
 * Reseeds the generator used by randn/rand, dropout and parameter initialisation when no Rng is passed, as
 * torch.manual_seed: the same seed gives the same draws (a 32-bit seed; the value is taken modulo 2³²).
 */
export function seed(value: number): void {
  defaultRng = new Rng(value);
}

/** The given Rng, or the default one that `seed` resets (for ops that draw on the host, such as dropout). */
export function rngOrDefault(rng?: Rng): Rng {
  return rng ?? defaultRng;
}

/** Options of `randn` and `rand`: the generator to draw from, and the tensor's dtype and grad flag. */
export interface RandomOptions extends CreateOptions {
  /** The generator to draw from (advanced by the draws). Default: the library's own, which `seed()` resets. */
  rng?: Rng;
}

/**
 * A tensor of `shape` of standard normal draws N(0, 1) (Box–Muller), as torch.randn (PyTorch 1.13, not its
 * stream of numbers); from `options.rng`, else the library's generator that `seed()` resets.
 * @throws Error when a dimension is not a whole number ≥ 0, or the backend cannot hold the tensor (before any draw).
 */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  return sampled('randn', shape, options, (rng) => rng.normal());
}

/**
 * A tensor of `shape` of uniform draws in [low, high) (default [0, 1)), as torch.rand scaled (PyTorch 1.13, not
 * its stream of numbers); from `options.rng`, else the library's generator that `seed()` resets.
 * @throws Error when a dimension is not a whole number ≥ 0, or the backend cannot hold the tensor (before any draw).
 */
export function rand(shape: Shape, low = 0, high = 1, options: RandomOptions = {}): Tensor {
  return sampled('rand', shape, options, (rng) => low + (high - low) * rng.uniform());
}

/** A tensor of draws; its storage comes first, so one too large for the backend fails before any sampling. */
function sampled(op: string, shape: Shape, options: RandomOptions, draw: (rng: Rng) => number): Tensor {
  const t = empty(shape, options.dtype ?? 'f32');
  const rng = options.rng ?? defaultRng;
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = draw(rng);
  upload(op, t, t.dtype === 'i32' ? Int32Array.from(data) : data);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}
