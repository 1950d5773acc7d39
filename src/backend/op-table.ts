// The op table: the one source of every name the three backends share. The op lists number the op codes
// (the index in the list), the wasm jobs list the task kinds and their descriptor slots, and the WebGPU
// uniforms list each kernel's uniform struct. scripts/build-wasm.ts generates the AssemblyScript constants
// from it (assembly/table.generated.ts) and scripts/build-shaders.ts the WGSL prelude (OP_EXP…, the uniform
// structs), so a code, a slot or a field is written in one place. See ARCHITECTURE.md, section 4, and its checklist
// "Adding an op".

/**
 * Elementwise unary ops, in code order. `domain` is where the test suites draw inputs ('positive' for ops
 * whose value is NaN below 0).
 */
export const unaryTable = {
  neg: { domain: 'real' },
  exp: { domain: 'real' },
  log: { domain: 'positive' },
  tanh: { domain: 'real' },
  sigmoid: { domain: 'real' },
  relu: { domain: 'real' },
  sqrt: { domain: 'positive' },
  abs: { domain: 'real' },
  erf: { domain: 'real' },
  softplus: { domain: 'real' },
} as const;

/**
 * Elementwise binary ops, in code order; comparisons (`gt`, `eq`) yield 1 or 0. `mask` is a where b ≠ 0,
 * else 0: a selection that never multiplies, so an infinite a outside the mask gives 0, not 0·∞ = NaN.
 * `thresholdBackward` is 0 where b ≤ 0, else a (so a NaN b passes a): ReLU's gradient as PyTorch's
 * threshold_backward with threshold 0 computes it, in one pass, never multiplying.
 */
export const binaryOps = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'gt', 'eq', 'mask', 'thresholdBackward'] as const;
/** Reductions along one axis, in code order. */
export const reduceOps = ['sum', 'max'] as const;

export type UnaryOp = keyof typeof unaryTable;
export type BinaryOp = (typeof binaryOps)[number];
export type ReduceOp = (typeof reduceOps)[number];
export const unaryOps = Object.keys(unaryTable) as UnaryOp[];

function codeOf(kind: string, list: readonly string[], op: string): number {
  const code = list.indexOf(op);
  if (code < 0) throw new Error(`unknown ${kind} op '${op}' (known: ${list.join(', ')})`);
  return code;
}

/** The code of a unary op (its index in `unaryTable`); throws on an unknown name. */
export const unaryCode = (op: UnaryOp): number => codeOf('unary', unaryOps, op);
/** The code of a binary op (its index in `binaryOps`); throws on an unknown name. */
export const binaryCode = (op: BinaryOp): number => codeOf('binary', binaryOps, op);
/** The code of a reduction (its index in `reduceOps`); throws on an unknown name. */
export const reduceCode = (op: ReduceOp): number => codeOf('reduce', reduceOps, op);

/**
 * A window walk (src/backend/backend.ts, PatchShape then PoolShape's two flags as 0/1): the words the window
 * kernels read, in this order, as descriptor slots of their wasm jobs and fields of the WebGPU WindowParams.
 */
const windowWalk = {
  N: 'i32', C: 'i32', H: 'i32', W: 'i32', KH: 'i32', KW: 'i32', OH: 'i32', OW: 'i32', strideH: 'i32', strideW: 'i32',
  padH: 'i32', padW: 'i32', dilationH: 'i32', dilationW: 'i32', adaptive: 'i32', countIncludePad: 'i32',
} as const;
export type WindowWalk = Record<keyof typeof windowWalk, number>;

/**
 * The wasm backend's jobs: the kind is the index here, and each kind's descriptor holds slot 0 = the kind,
 * then these named slots in order ('f32' slots carry an f32's bit pattern, the others an i32 or a byte
 * address). Range jobs (all but gemm) start with `units` and `chunk`: task t covers [t·chunk, (t+1)·chunk).
 */
export const wasmJobs = {
  gemm: {
    tilesM: 'i32', tilesN: 'i32', MT: 'i32', NT: 'i32', KC: 'i32', MC: 'i32', M: 'i32', N: 'i32', K: 'i32',
    a: 'i32', aG: 'i32', ars: 'i32', acs: 'i32', b: 'i32', bG: 'i32', brs: 'i32', bcs: 'i32',
    c: 'i32', cG: 'i32', crs: 'i32', bias: 'i32', biasG: 'i32', act: 'i32', scratch: 'i32', panel: 'i32', zoff: 'i32', patches: 'i32', patchesAreB: 'i32',
  },
  fill: { units: 'i32', chunk: 'i32', out: 'i32', value: 'f32' },
  unary: { units: 'i32', chunk: 'i32', op: 'i32', x: 'i32', out: 'i32' },
  scalar: { units: 'i32', chunk: 'i32', op: 'i32', x: 'i32', s: 'f32', out: 'i32' },
  binary: { units: 'i32', chunk: 'i32', op: 'i32', a: 'i32', b: 'i32', out: 'i32' },
  copy: { units: 'i32', chunk: 'i32', src: 'i32', dst: 'i32' },
  // the optimizers' scalars are computed on the host in f64 (src/backend/optimizer-constants.ts)
  sgd: {
    units: 'i32', chunk: 'i32', param: 'i32', grad: 'i32', momentumBuf: 'i32', lr: 'f32', momentum: 'f32', oneMinusDampening: 'f32',
    nesterov: 'i32', weightDecay: 'f32', firstStep: 'i32',
  },
  adam: {
    units: 'i32', chunk: 'i32', param: 'i32', grad: 'i32', m: 'i32', v: 'i32', beta1: 'f32', oneMinusBeta1: 'f32', beta2: 'f32',
    oneMinusBeta2: 'f32', eps: 'f32', l2: 'f32', decay: 'f32', stepSize: 'f32', biasCorrection2Sqrt: 'f32',
  },
  softmax: { units: 'i32', chunk: 'i32', x: 'i32', out: 'i32', cols: 'i32', log: 'i32', logOut: 'i32' },
  crossEntropyGrad: { units: 'i32', chunk: 'i32', dy: 'i32', factor: 'f32', logProbs: 'i32', hot: 'i32', out: 'i32' },
  half: { units: 'i32', chunk: 'i32', src: 'i32', dst: 'i32' },
  // the window kernels take the address of their walk's first slot (N)
  im2col: { units: 'i32', chunk: 'i32', x: 'i32', cols: 'i32', ...windowWalk },
  col2im: { units: 'i32', chunk: 'i32', cols: 'i32', dx: 'i32', ...windowWalk },
  maxPool2d: { units: 'i32', chunk: 'i32', x: 'i32', out: 'i32', argmax: 'i32', ...windowWalk },
  maxPool2dGrad: { units: 'i32', chunk: 'i32', dy: 'i32', argmax: 'i32', dx: 'i32', ...windowWalk },
  avgPool2d: { units: 'i32', chunk: 'i32', x: 'i32', out: 'i32', ...windowWalk },
  avgPool2dGrad: { units: 'i32', chunk: 'i32', dy: 'i32', dx: 'i32', ...windowWalk },
} as const satisfies Record<string, Record<string, 'i32' | 'f32'>>;

export type WasmJob = keyof typeof wasmJobs;
export type WasmJobArgs<K extends WasmJob> = Record<keyof (typeof wasmJobs)[K], number>;
export const wasmJobKinds = Object.keys(wasmJobs) as WasmJob[];
/** Slots a descriptor may use (kind included); the strided view follows them in the control area. */
export const WASM_DESC_SLOTS = 32;

/** A WGSL uniform field's type: a 4-byte scalar, or the strided walk of shaders/common.wgsl. */
export type UniformType = 'u32' | 'i32' | 'f32' | 'Walk';

/**
 * Each WGSL uniform struct (the `var<uniform>` of binding 0), its fields in order. The WGSL prelude declares
 * them; the WebGPU backend writes them by field name (src/backend/webgpu/uniforms.ts).
 */
export const gpuUniforms = {
  ElementwiseParams: { n: 'u32', s: 'f32', bits: 'u32', walk: 'Walk' },
  CopyParams: { n: 'u32', walk: 'Walk' },
  ReduceParams: { outer: 'u32', n: 'u32', inner: 'u32' },
  SoftmaxParams: { rows: 'u32', cols: 'u32', log: 'u32', logOut: 'u32' },
  OneHotParams: { total: 'u32', classes: 'u32' },
  HalfParams: { n: 'u32' },
  GemmShape: { B: 'u32', G: 'u32', I: 'u32', O: 'u32' },
  WindowParams: { n: 'u32', ...windowWalk },
  // the optimizers' scalars are computed on the host in f64 (src/backend/optimizer-constants.ts)
  SgdParams: { n: 'u32', lr: 'f32', momentum: 'f32', oneMinusDampening: 'f32', weightDecay: 'f32', nesterov: 'u32', firstStep: 'u32', hasMomentum: 'u32' },
  AdamParams: {
    n: 'u32', beta1: 'f32', oneMinusBeta1: 'f32', beta2: 'f32', oneMinusBeta2: 'f32', eps: 'f32', l2: 'f32', decay: 'f32', stepSize: 'f32',
    biasCorrection2Sqrt: 'f32',
  },
} as const satisfies Record<string, Record<string, UniformType>>;

export type GpuUniform = keyof typeof gpuUniforms;

/**
 * The named constant of an op code in WGSL: OP_ + the name in upper snake case (OP_EXP, OP_ADD) for the
 * unary and binary ops, REDUCE_ + the name for reductions (REDUCE_MAX is not binary max's code).
 */
export function opConstant(kind: 'unary' | 'binary' | 'reduce', op: string): string {
  return `${kind === 'reduce' ? 'REDUCE' : 'OP'}_${op.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}
