// The register-resident wasm SIMD peak of one core: the kernel module's own `simdPeak` loop
// (assembly/peak.ts), its fastest run (a shared machine can only slow it down), re-measured during the
// benchmark so that the best figure of the whole run is kept.
import { compileKernels, type Kernels } from '../../src/backend/wasm/module.ts';
import { timeRuns, type TimingOptions } from './timing.ts';

/** Flops per iteration of assembly/peak.ts: 12 chains of f32x4 multiply-add = 12 × 4 × 2. */
const FLOPS_PER_ITERATION = 96;
const ITERATIONS = 1 << 22;

export interface Peak {
  flavour: string;
  gflops: number;
}

export class PeakProbe {
  private best = 0;

  private constructor(readonly flavour: string, private readonly kernels: Kernels) {}

  static async start(): Promise<PeakProbe> {
    const { module, flavour } = await compileKernels(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const kernels = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Kernels;
    return new PeakProbe(flavour, kernels);
  }

  /** Measures once more; returns the best GFLOP/s so far. */
  async measure(timing: TimingOptions): Promise<number> {
    const ms = (await timeRuns(() => this.kernels.simdPeak(ITERATIONS, 1), timing)).fastest;
    this.best = Math.max(this.best, (FLOPS_PER_ITERATION * ITERATIONS) / (ms * 1e6));
    return this.best;
  }

  result(): Peak {
    return { flavour: this.flavour, gflops: this.best };
  }
}
