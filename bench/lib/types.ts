// The shapes of benchmark results (bench/results/<backend>.json).

/** blockLinearSimd: blockLinear on the plain-SIMD build (what hosts without relaxed SIMD run, Node < 22 among them). */
export type Strategy = 'blockLinear' | 'blockLinearSimd' | 'mask' | 'loop' | 'blockDiag' | 'tfjs' | 'jax' | 'ort' | 'peak';
export type Pass = 'forward' | 'forward+backward';

export interface Point {
  M: number;
  F: number;
  B: number;
}

export interface Row extends Point {
  threads: number;
  strategy: Strategy;
  pass: Pass;
  /** Median of the runs. */
  ms: number;
  gflops: number;
  /** The fastest run. */
  bestMs: number;
  bestGflops: number;
}

/** Backend bytes at the fullest moment of one forward+backward step of an engine strategy. */
export interface MemoryRow extends Point {
  strategy: Strategy;
  bytes: number;
}

/** A peer (or the PyTorch reference) that could not run at some thread count, and why. */
export interface Absent {
  strategy: Strategy | 'pytorch';
  threads: number;
  reason: string;
}

/** PyTorch CPU running bench/torch_blockdiag.py's ways of computing the layer, forward+backward. */
export interface TorchRow extends Point {
  threads: number;
  /**
   * tuned: the faster of the capped thread pools (see torchLaunches); as shipped: PyTorch's default thread
   * settings, `python3 bench/torch_blockdiag.py T` with no thread variables (measured at T = every core).
   */
  launch: 'tuned' | 'as shipped';
  method: string;
  ms: number;
  gflops: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  loadAverage: number[];
  date: string;
  backend: Record<string, string | number | boolean>;
  /** Measured register-resident wasm SIMD GFLOP/s of one core. */
  peakPerCoreGflops: number;
  peakFlavour: string;
  /** Which SIMD build the process runs, and how it came to. */
  simdBuild: string;
  /** Measured streaming bandwidth (GB/s) through the backend at the largest thread count. */
  bandwidthGBs: number;
  /** The thread count of that measurement. */
  bandwidthThreads: number;
}

export interface BenchResult {
  backend: 'wasm';
  command: string;
  quick: boolean;
  runs: number;
  machine: Machine;
  rows: Row[];
  memory: MemoryRow[];
  absent: Absent[];
  pytorch: TorchRow[];
}
