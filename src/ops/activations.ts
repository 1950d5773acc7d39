// Activations composed from the elementwise ops, so their gradients come from those ops' gradients:
// PyTorch's two GELUs, and the gradient of the fused ones at their stored pre-activation z.
import { GELU_CUBIC, GELU_SCALE } from '../backend/backend.ts';
import { engine } from '../engine.ts';
import type { Tensor } from '../tensor.ts';
import { add, mul } from './elementwise.ts';
import { erf, exp, tanh } from './unary.ts';

/** PyTorch's `approximate` argument of `F.gelu` / `nn.GELU`: 'none' (erf) or 'tanh'. */
export type GeluApproximate = 'none' | 'tanh';

/** Options of `gelu`, as the arguments of PyTorch's `F.gelu` (1.13). */
export interface GeluOptions {
  /** 'none' (default, as PyTorch): 0.5·x·(1 + erf(x/√2)); 'tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  approximate?: GeluApproximate;
}

/** Φ(x) = 0.5·(1 + erf(x/√2)), the Gaussian CDF, as PyTorch's GELU forms it. */
function normalCdf(x: Tensor): Tensor {
  return mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
}

/**
 * PyTorch's `F.gelu(x, approximate)` (torch 1.12+), elementwise on f32 x of any shape: 'none' is
 * x·Φ(x) = 0.5·x·(1 + erf(x/√2)), 'tanh' its tanh approximation. Throws on another `approximate`
 * and on a non-f32 input.
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  return engine.tidy(() => {
    if (approximate === 'none') return mul(x, normalCdf(x));
    const inner = mul(add(x, mul(mul(mul(x, x), x), GELU_CUBIC)), GELU_SCALE);
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}

/**
 * dy · GELU'(z) at the pre-activation z (inside a backward closure, which frees the intermediates):
 * Φ(z) + z·φ(z) for 'none'; for 'tanh', with t = tanh(√(2/π)·(z + 0.044715·z³)),
 * 0.5(1 + t) + 0.5·z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²).
 */
export function geluGrad(z: Tensor, dy: Tensor, approximate: GeluApproximate): Tensor {
  const z2 = mul(z, z);
  if (approximate === 'none') return mul(dy, add(normalCdf(z), mul(mul(z, exp(mul(z2, -0.5))), 1 / Math.sqrt(2 * Math.PI))));
  const t = tanh(mul(add(z, mul(mul(z2, z), GELU_CUBIC)), GELU_SCALE));
  const slope = mul(add(mul(z2, 3 * GELU_CUBIC), 1), GELU_SCALE);
  const oneMinusT2 = add(mul(mul(t, t), -1), 1);
  return mul(dy, add(mul(add(t, 1), 0.5), mul(mul(mul(z, 0.5), oneMinusT2), slope)));
}
