// What the wasm grid's tables mean, in a user's terms: each strategy's name and what it is, what a ratio
// means, and which figures matter. Printed before the tables and written above them in BENCHMARKS.md.
import type { Strategy } from './types.ts';

/** The column name of each strategy in the tables. */
export const strategyName: Record<Strategy, string> = {
  blockLinear: 'blockLinear',
  blockLinearSimd: 'blockLinear plain SIMD',
  mask: 'masked dense',
  loop: 'loop of M linears',
  blockDiag: 'block-diag matrix',
  tfjs: 'tfjs',
  jax: 'jax-js',
  ort: 'onnxruntime-web',
  peak: 'wasm SIMD peak',
};

/** The legend, one entry per line (markdown-friendly, readable as plain text). */
export function legend(torchScript: string): string[] {
  return [
    'What is measured: one block-diagonal linear layer y = x·Wᵀ + b, M blocks of F × F, batch B = 128, "forward" (inference) and',
    '"forward+backward" (one training step: the gradients of x, W and b). Figures are GFLOP/s of useful work (forward 2·B·M·F² FLOPs,',
    'forward+backward 3× that), the median of the runs after a warm-up: higher is faster.',
    '',
    'The ways of computing it:',
    `- **${strategyName.blockLinear}**: blockgrad's operation (packed [M, F, F] weight, one block GEMM per pass), through autograd as a user calls it.`,
    `- **${strategyName.blockLinearSimd}**: the same on the kernel build for hosts without relaxed SIMD (Node 20 by default, older browsers).`,
    `- **${strategyName.loop}**, **${strategyName.mask}**, **${strategyName.blockDiag}**: what you would write without a block-diagonal operation,`,
    '  with this engine: M separate linears on slices; a dense weight multiplied by a block mask; the dense block-diagonal matrix built',
    '  each step. They show what blockLinear saves.',
    `- **${strategyName.tfjs}** (tfjs-backend-wasm), **${strategyName.jax}** (wasm device, jit) and **${strategyName.ort}** (our ONNX export,`,
    '  forward only: it has no training): other libraries for the web, each with its best batched matmul.',
    `- **PyTorch**: native CPU code (AVX2), \`${torchScript}\`, the fastest of its ways (loop, grouped conv1d, masked dense, block-diag; bmm,`,
    '  the batched matmul blockLinear also uses, in its own column) with its thread pools set for the thread count; "PyTorch default',
    '  threads" is the same script with PyTorch\'s default thread settings.',
    `- **${strategyName.peak}**: the measured top speed of wasm SIMD arithmetic on this machine at that thread count; nothing in wasm is faster.`,
    '',
    'A ratio "blockLinear / X" is blockLinear\'s GFLOP/s over X\'s at the same point, threads and pass: 2.00x means blockLinear does the',
    'same work in half the time; below 1.00x, X is faster.',
    '',
    'Which figures matter: for training, forward+backward at your model\'s (M, F) and your thread count (a browser tab with cross-origin',
    'isolation gets every core); for serving, forward. Small layers such as (16, 64) are where per-call overhead shows.',
  ];
}
