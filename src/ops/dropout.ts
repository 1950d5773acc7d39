// Dropout: zero elements (or whole channels) with probability p and scale the rest by 1/(1 − p), in training only.
import type { Rng } from '../random.ts';
import { formatShape, sizeOf } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { backendOf, empty, expectDType } from './core.ts';
import { rngOrDefault } from './create.ts';
import { mul } from './elementwise.ts';
import { reshape } from './shape.ts';

/** Options of `dropout` and `dropout2d`, as the `training` argument of PyTorch's `F.dropout` (1.13), plus the RNG. */
export interface DropoutOptions {
  /** Default true; false returns the input's values unchanged. */
  training?: boolean;
  /** Source of the mask; default: the RNG that `seed` resets. */
  rng?: Rng;
}

function masked(op: string, x: Tensor, p: number, maskShape: number[], options: DropoutOptions): Tensor {
  expectDType(op, x, 'f32');
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${p}`);
  if (!(options.training ?? true) || p === 0) return reshape(x, x.shape); // identity (a view, with its gradient)
  const rng = rngOrDefault(options.rng);
  const keep = p === 1 ? 0 : 1 / (1 - p);
  const values = new Float32Array(sizeOf(maskShape));
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform() < p ? 0 : keep;
  const backend = backendOf(op, x);
  const mask = empty(maskShape, 'f32', backend);
  backend.upload(mask.storageOf(op), values);
  const y = mul(x, mask);
  mask.dispose();
  return y;
}

/**
 * torch.nn.functional.dropout: each element of x (any shape, f32) is zeroed with probability p, the rest scaled
 * by 1/(1 − p); the gradient passes through the same mask. Throws on p outside [0, 1].
 */
export function dropout(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  return masked('dropout', x, p, [...x.shape], options);
}

/**
 * torch.nn.functional.dropout2d: whole channels of x [N, C, H, W] zeroed with probability p, the rest scaled
 * by 1/(1 − p). Throws on another rank or p outside [0, 1].
 */
export function dropout2d(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  if (x.rank !== 4) throw new Error(`dropout2d: input must be [N, C, H, W], got ${formatShape(x.shape)}`);
  return masked('dropout2d', x, p, x.shape.map((d, i) => (i < 2 ? d : 1)), options);
}
