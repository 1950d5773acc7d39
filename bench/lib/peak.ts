// The register-resident wasm SIMD peak of one core: the kernel module's own `simdPeak` loop
// (assembly/peak.ts), timed with the benchmark's protocol.
import { compileKernels, type Kernels } from '../../src/backend/wasm/module.ts';
import { timeMs, type TimingOptions } from './timing.ts';

/** Flops per iteration of assembly/peak.ts: 12 chains of f32x4 multiply-add = 12 × 4 × 2. */
const FLOPS_PER_ITERATION = 96;
const ITERATIONS = 1 << 22;

export interface Peak {
  flavour: string;
  gflops: number;
}

export async function measurePeak(timing: TimingOptions): Promise<Peak> {
  const { module, flavour } = await compileKernels(true);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const kernels = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Kernels;
  const ms = await timeMs(() => kernels.simdPeak(ITERATIONS, 1), timing);
  return { flavour, gflops: (FLOPS_PER_ITERATION * ITERATIONS) / (ms * 1e6) };
}
