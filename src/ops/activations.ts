// Activations composed from the elementwise ops, so their gradients come from those ops' gradients.
import { GELU_CUBIC, GELU_SCALE } from '../backend/backend.ts';
import { engine } from '../engine.ts';
import type { Tensor } from '../tensor.ts';
import { add, mul, tanh } from './elementwise.ts';

/**
 * GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), elementwise on an f32 tensor of any
 * shape. PyTorch's `torch.nn.functional.gelu(x, approximate='tanh')` (1.12+). Throws on a non-f32 input.
 */
export function gelu(x: Tensor): Tensor {
  return engine.tidy(() => {
    const x3 = mul(mul(x, x), x);
    const inner = mul(add(x, mul(x3, GELU_CUBIC)), GELU_SCALE);
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}
