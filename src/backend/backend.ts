// The kernel table every backend implements. One name everywhere: the method name here is the
// AssemblyScript export, the WGSL entry point and the op name on the autograd tape.
// Kernels never allocate their outputs: the engine allocates `out` and passes it in. ARCHITECTURE.md, sections 4-5.

/** Element type of a tensor: `'f32'` (IEEE binary32, every value and gradient) or `'i32'` (class labels, indices). */
export type DType = 'f32' | 'i32';
/**
 * A backend: `'js'` (plain-TS reference kernels), `'wasm'` (AssemblyScript SIMD over Web Workers), `'webgpu'` (compute shaders).
 */
export type BackendName = 'js' | 'wasm' | 'webgpu';

/** The op names, from the op table (src/backend/op-table.ts). */
import type { BinaryOp, ReduceOp, UnaryOp } from './op-table.ts';
export type { BinaryOp, ReduceOp, UnaryOp };
/**
 * Activation fused into the block-linear forward, by PyTorch's names: 'gelu' is `nn.GELU()`, z·Φ(z) with
 * the Gaussian CDF (erf); 'gelu_tanh' is `nn.GELU(approximate='tanh')`.
 */
export type Activation = 'none' | 'relu' | 'gelu' | 'gelu_tanh';

/** GELU's tanh approximation, 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))): its two constants. */
export const GELU_SCALE = Math.sqrt(2 / Math.PI);
export const GELU_CUBIC = 0.044715;

/** Opaque handle to `size` elements of `dtype` owned by one backend. */
export interface Storage {
  readonly size: number;
  readonly dtype: DType;
  readonly backend: Backend;
}

/**
 * How the block GEMMs read their operands. 'f16' (AMP): x, W and dY are rounded to binary16 before they
 * are multiplied (round half to even), products accumulate in f32; storages, outputs, bias and db stay f32.
 */
export type Precision = 'f32' | 'f16';

/** Shape of one block-linear call: x [B, G*I], w [G, O, I], bias [G*O], y [B, G*O]; its GEMMs' precision (default 'f32'). */
export interface BlockShape {
  /** Batch rows. */
  B: number;
  /** Blocks (groups): the weight has G diagonal blocks. */
  G: number;
  /** Input features per block. */
  I: number;
  /** Output features per block. */
  O: number;
  /** How the GEMMs read their operands (default 'f32'). */
  precision?: Precision;
}

/**
 * One 2-D window walk (NCHW): input x [N, C, H, W], output positions [OH, OW]; window (oh, ow) reads
 * rows oh·strideH − padH + ky·dilationH (ky < KH) and likewise for columns. Conv1d is the H = KH = 1 case.
 */
export interface PatchShape {
  N: number;
  C: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

/** A pooling window walk; `adaptive` windows are [⌊o·H/OH⌋, ⌈(o+1)·H/OH⌉) (AdaptiveAvgPool2d) instead of kernel/stride/padding. */
export interface PoolShape extends PatchShape {
  adaptive: boolean;
  /** avg: divide by the window clipped to the padded input (PyTorch's count_include_pad) instead of its valid part. */
  countIncludePad: boolean;
}

export interface SgdAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True on the first step with this momentum buffer: it is set to the gradient, not blended. */
  firstStep: boolean;
}

export interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weight directly instead of adding it to the gradient. */
  decoupled: boolean;
  /** 1-based step count, for bias correction. */
  step: number;
}

/** What `backendInfo()` returns: the backend in use and facts about it. */
export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** Free-form facts: thread count, adapter name, why threads are off… */
  details: Record<string, string | number | boolean>;
}

/** @internal The kernel table a backend implements: the engine calls it, programs use the ops. */
export interface Backend {
  readonly name: BackendName;
  info(): BackendInfo;

  alloc(size: number, dtype: DType): Storage;
  free(s: Storage): void;
  /** Bytes currently allocated by live storages. */
  allocatedBytes(): number;
  /** Copies data's first s.size values into s: the caller may change or reuse data afterwards. */
  upload(s: Storage, data: Float32Array | Int32Array): void;
  download(s: Storage): Promise<Float32Array | Int32Array>;
  /** Synchronous read, where the backend can do one (not WebGPU). */
  readonly downloadSync?: (s: Storage) => Float32Array | Int32Array;
  /** Why the device is gone (WebGPU device loss), or null while it works. Backends that cannot be lost omit it. */
  readonly lostReason?: string | null;
  /** Resolves when every queued kernel has finished; rejects (once) with device errors of ops not yet reported. */
  flush(): Promise<void>;
  /** Releases every resource of the backend. */
  dispose(): void;
  /**
   * Wakes the backend's kernel worker threads with no work, so that they poll for the next kernel for a while
   * (about 0.3 ms) instead of sleeping: a server calls it as each request arrives. Backends without worker threads omit it.
   */
  wakeWorkers?(): void;

  fill(out: Storage, value: number): void;
  unary(op: UnaryOp, x: Storage, out: Storage): void;
  /** out[i] = x[i] (op) s. */
  scalar(op: BinaryOp, x: Storage, s: number, out: Storage): void;
  /** Broadcasting binary op: strides are element strides into a and b for each axis of outShape (0 = broadcast). */
  binary(op: BinaryOp, a: Storage, b: Storage, out: Storage, outShape: number[], aStrides: number[], bStrides: number[]): void;
  /** x viewed as [outer, n, inner] reduced over n into out [outer, inner]. */
  reduce(op: ReduceOp, x: Storage, out: Storage, outer: number, n: number, inner: number): void;
  /** dst[dstOffset + Σ idx·dstStrides] = src[srcOffset + Σ idx·srcStrides] for every index of shape. */
  copyStrided(src: Storage, dst: Storage, shape: number[], srcStrides: number[], srcOffset: number, dstStrides: number[], dstOffset: number): void;
  /**
   * Row-wise softmax (or log-softmax) of x viewed as [rows, cols]; with `logOut` (and log false), the
   * log-softmax into it too, from the same row maxima and sums: the bits of a second call with log true.
   */
  softmax(x: Storage, out: Storage, rows: number, cols: number, log: boolean, logOut?: Storage | null): void;
  /** out [n, classes] f32 = one-hot of i32 labels [n]. */
  oneHot(labels: Storage, out: Storage, n: number, classes: number): void;
  /**
   * crossEntropy's gradient in one pass: with s = dy·factor (dy 0-d f32; factor −1/N), out = hot·s − exp(logProbs)·s
   * elementwise over f32 logProbs, hot (the labels' one-hot) and out of one size, each product and the difference
   * rounded to f32 as this backend's scalar, binary and unary kernels round them: the bits of those kernels chained.
   */
  crossEntropyGrad(dy: Storage, factor: number, logProbs: Storage, hot: Storage, out: Storage): void;

  /**
   * y = act(x·Wᵀ + b) per block; `preActivation`, when given, also receives x·Wᵀ + b (GELU's gradient
   * needs it; ReLU's reads y).
   */
  blockLinear(x: Storage, w: Storage, bias: Storage | null, out: Storage, shape: BlockShape, activation: Activation, preActivation?: Storage | null): void;
  /** dx = dy·W per block. */
  blockLinearInputGrad(dy: Storage, w: Storage, dx: Storage, shape: BlockShape): void;
  /** dW = dyᵀ·x per block (overwrites dw). The bias gradient Σ_b dy is the `reduce` kernel's, called by ops/blocklinear.ts. */
  blockLinearWeightGrad(dy: Storage, x: Storage, dw: Storage, shape: BlockShape): void;
  /**
   * Both of the above from one dy (either output null: not computed), the same values; the wasm backend runs
   * the two GEMMs as one job, side by side on its threads.
   */
  blockLinearGrads(dy: Storage, x: Storage, w: Storage, dx: Storage | null, dw: Storage | null, shape: BlockShape): void;

  /**
   * Patch extraction: cols [N·OH·OW, C·KH·KW] with cols[(n·OH + oh)·OW + ow, (c·KH + ky)·KW + kx] = x[n, c, ih, iw]
   * (0 outside the input). Grouped convolution is then the block GEMM over cols, weight [G, O, Cg·KH·KW].
   */
  im2col(x: Storage, cols: Storage, shape: PatchShape): void;
  /**
   * Optional: blockLinear(im2col(x), w, bias, out, block) without writing the patches (block.B = N·OH·OW,
   * block.I = C/G·KH·KW; f32). A backend that reads patches in place inside its GEMM offers it.
   */
  patchLinear?(x: Storage, w: Storage, bias: Storage | null, out: Storage, shape: PatchShape, block: BlockShape): void;
  /** Optional, offered with patchLinear: blockLinearWeightGrad(dy, im2col(x), dw, block) without writing the patches. */
  patchLinearWeightGrad?(dy: Storage, x: Storage, dw: Storage, shape: PatchShape, block: BlockShape): void;
  /** The adjoint of im2col: dx[n, c, h, w] = Σ of the cols entries that read x[n, c, h, w] (overwrites dx). */
  col2im(cols: Storage, dx: Storage, shape: PatchShape): void;
  /** out [N, C, OH, OW] = window maxima (NaN wins); argmax (i32) = the first maximum's h·W + w in its plane. */
  maxPool2d(x: Storage, out: Storage, argmax: Storage, shape: PoolShape): void;
  /** dx[n, c, h, w] = Σ dy over the windows whose argmax is (h, w) (overwrites dx). */
  maxPool2dGrad(dy: Storage, argmax: Storage, dx: Storage, shape: PoolShape): void;
  /** out [N, C, OH, OW] = window means (divisor per PoolShape.countIncludePad, or the adaptive window's size). */
  avgPool2d(x: Storage, out: Storage, shape: PoolShape): void;
  /** The adjoint of avgPool2d (overwrites dx). */
  avgPool2dGrad(dy: Storage, dx: Storage, shape: PoolShape): void;

  /** In-place SGD update of param (and its momentum buffer). */
  sgdStep(param: Storage, grad: Storage, momentum: Storage | null, attrs: SgdAttrs): void;
  /** In-place Adam/AdamW update of param and its moments m, v. */
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, attrs: AdamAttrs): void;
}

/**
 * @internal Throws unless `size` (elements) is a whole number ≥ 0: every backend's alloc checks it first, so that a NaN,
 * fractional or negative count names itself instead of failing deeper (an empty typed array, a NaN memory growth).
 */
export function checkAllocSize(backend: BackendName, size: number): void {
  if (!Number.isInteger(size) || size < 0) throw new Error(`${backend} backend: cannot allocate ${size} elements (a whole number ≥ 0 is needed)`);
}

/** blockLinearGrads as its two GEMMs one after the other: for backends with nothing to gain from one job. */
export function blockLinearGradsInTurn(b: Backend, dy: Storage, x: Storage, w: Storage, dx: Storage | null, dw: Storage | null, shape: BlockShape): void {
  if (dx) b.blockLinearInputGrad(dy, w, dx, shape);
  if (dw) b.blockLinearWeightGrad(dy, x, dw, shape);
}
