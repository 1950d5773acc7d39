// The kernel table every backend implements. One name everywhere: the method name here is the
// AssemblyScript export, the WGSL entry point and the op name on the autograd tape.
// Kernels never allocate their outputs: the engine allocates `out` and passes it in.

export type DType = 'f32' | 'i32';
export type BackendName = 'js' | 'wasm' | 'webgpu';

export type UnaryOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sigmoid' | 'relu' | 'sqrt' | 'abs';
/** Elementwise binary ops; comparisons (`gt`, `eq`) yield 1 or 0. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'pow' | 'gt' | 'eq';
export type ReduceOp = 'sum' | 'max';
/** Activation fused into the block-linear forward; 'gelu' is PyTorch's GELU with approximate='tanh'. */
export type Activation = 'none' | 'relu' | 'gelu';

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
  B: number;
  G: number;
  I: number;
  O: number;
  precision?: Precision;
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

export interface BackendInfo {
  name: BackendName;
  /** Free-form facts: thread count, adapter name, why threads are off… */
  details: Record<string, string | number | boolean>;
}

export interface Backend {
  readonly name: BackendName;
  info(): BackendInfo;

  alloc(size: number, dtype: DType): Storage;
  free(s: Storage): void;
  /** Bytes currently allocated by live storages. */
  allocatedBytes(): number;
  upload(s: Storage, data: Float32Array | Int32Array): void;
  download(s: Storage): Promise<Float32Array | Int32Array>;
  /** Synchronous read, where the backend can do one (not WebGPU). */
  readonly downloadSync?: (s: Storage) => Float32Array | Int32Array;
  /** Why the device is gone (WebGPU device loss), or null while it works. Backends that cannot be lost omit it. */
  readonly lostReason?: string | null;
  /** Resolves when every queued kernel has finished. */
  flush(): Promise<void>;
  /** Releases every resource of the backend. */
  dispose(): void;

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
  /** Row-wise softmax (or log-softmax) of x viewed as [rows, cols]. */
  softmax(x: Storage, out: Storage, rows: number, cols: number, log: boolean): void;
  /** out [n, classes] f32 = one-hot of i32 labels [n]. */
  oneHot(labels: Storage, out: Storage, n: number, classes: number): void;

  /**
   * y = act(x·Wᵀ + b) per block; `preActivation`, when given, also receives x·Wᵀ + b (GELU's gradient
   * needs it; ReLU's reads y).
   */
  blockLinear(x: Storage, w: Storage, bias: Storage | null, out: Storage, shape: BlockShape, activation: Activation, preActivation?: Storage | null): void;
  /** dx = dy·W per block. */
  blockLinearInputGrad(dy: Storage, w: Storage, dx: Storage, shape: BlockShape): void;
  /** dW = dyᵀ·x per block and db = Σ_b dy (overwrites dw and db). */
  blockLinearWeightGrad(dy: Storage, x: Storage, dw: Storage, db: Storage | null, shape: BlockShape): void;

  /** In-place SGD update of param (and its momentum buffer). */
  sgdStep(param: Storage, grad: Storage, momentum: Storage | null, attrs: SgdAttrs): void;
  /** In-place Adam/AdamW update of param and its moments m, v. */
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, attrs: AdamAttrs): void;
}
