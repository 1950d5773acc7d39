import { engine } from '../engine.ts';
import { concat, mul, reshape, sum } from '../ops/index.ts';
import type { Tensor } from '../tensor.ts';

/**
 * Scales the gradients so their global L2 norm is at most maxNorm (PyTorch's clip_grad_norm_).
 * Returns the norm before clipping; reads one value back from the backend.
 */
export async function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Promise<number> {
  const withGrad = [...params].filter((p) => p.grad);
  if (withGrad.length === 0) return 0;
  const total = engine.noGrad(() =>
    engine.tidy(() => sum(concat(withGrad.map((p) => reshape(sum(mul(p.grad!, p.grad!)), [1]))))),
  );
  const norm = Math.sqrt(await total.item());
  total.dispose();
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    engine.noGrad(() => {
      for (const p of withGrad) {
        const scaled = mul(p.grad!, scale).keep();
        p.grad!.dispose();
        p.grad = scaled;
      }
    });
  }
  return norm;
}
