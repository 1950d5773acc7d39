// Parameter initialisation as PyTorch does it for linear layers.
import { rand } from '../ops/create.ts';
import type { Rng } from '../random.ts';
import type { Tensor } from '../tensor.ts';

/**
 * kaiming_uniform_(a = √5) as nn.Linear uses it: U(-1/√fanIn, 1/√fanIn), the same bound PyTorch
 * uses for the bias. For a packed weight, fanIn is one block's input width.
 */
export function uniformParameter(shape: number[], fanIn: number, rng?: Rng): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return rand(shape, -bound, bound, { requiresGrad: true, rng });
}
