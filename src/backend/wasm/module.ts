// The compiled kernel module: picks the relaxed-SIMD build where the host validates it, else plain SIMD,
// each in a shared-memory variant (threads) and an unshared one (no SharedArrayBuffer).
import * as builds from './generated.ts';

export type Flavour = 'relaxed-simd' | 'simd';

/** The kernel exports, as called from TypeScript (pointers are byte addresses, booleans 0/1). */
export interface Kernels {
  heapBase(): number;
  runTasks(ctrl: number, thread: number): void;
  blockGemm(a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, crs: number,
    bias: number, act: number, zoff: number, K: number, m0: number, m1: number, n0: number, n1: number, KC: number, MC: number, patches: number, patchesAreB: boolean, scratch: number): void;
  fill(out: number, value: number, start: number, end: number): void;
  unary(op: number, x: number, out: number, start: number, end: number): void;
  scalar(op: number, x: number, s: number, out: number, start: number, end: number): void;
  binary(op: number, a: number, b: number, out: number, view: number, start: number, end: number): void;
  copyStrided(src: number, dst: number, view: number, start: number, end: number): void;
  reduce(op: number, x: number, out: number, outer: number, n: number, inner: number): void;
  softmax(x: number, out: number, cols: number, log: number, logOut: number, r0: number, r1: number): void;
  oneHot(labels: number, out: number, n: number, classes: number): void;
  crossEntropyGrad(dy: number, factor: number, logProbs: number, hot: number, out: number, start: number, end: number): void;
  sgdStep(p: number, g: number, m: number, lr: number, momentum: number, oneMinusDampening: number, nesterov: number,
    weightDecay: number, firstStep: number, start: number, end: number): void;
  adamStep(p: number, g: number, m: number, v: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    eps: number, l2: number, decay: number, stepSize: number, biasCorrection2Sqrt: number, start: number, end: number): void;
  im2col(x: number, cols: number, walk: number, start: number, end: number): void;
  col2im(cols: number, dx: number, walk: number, start: number, end: number): void;
  maxPool2d(x: number, out: number, argmax: number, walk: number, start: number, end: number): void;
  maxPool2dGrad(dy: number, argmax: number, dx: number, walk: number, start: number, end: number): void;
  avgPool2d(x: number, out: number, walk: number, start: number, end: number): void;
  avgPool2dGrad(dy: number, dx: number, walk: number, start: number, end: number): void;
  simdPeak(iterations: number, seed: number): number;
  roundHalf(x: number, out: number, start: number, end: number): void;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export interface KernelModule {
  module: WebAssembly.Module;
  flavour: Flavour;
  /** Why the plain-SIMD build runs instead of the relaxed one (absent when relaxed SIMD runs). */
  relaxedOff?: string;
}

/** Whether this host validates the relaxed-SIMD build (without compiling it). */
export function validatesRelaxedSimd(): boolean {
  return WebAssembly.validate(decode(builds.relaxedUnsharedWasm));
}

/** Compiles the fastest build the host validates (plain SIMD when `relaxed` is false), shared-memory or not. */
export async function compileKernels(shared: boolean, relaxed = true): Promise<KernelModule> {
  let relaxedOff = 'relaxedSimd: false was requested';
  if (relaxed) {
    const bytes = decode(shared ? builds.relaxedWasm : builds.relaxedUnsharedWasm);
    if (WebAssembly.validate(bytes)) return { module: await WebAssembly.compile(bytes), flavour: 'relaxed-simd' };
    relaxedOff = 'this host does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)';
  }
  const simd = decode(shared ? builds.simdWasm : builds.simdUnsharedWasm);
  if (!WebAssembly.validate(simd)) throw new Error('wasm backend: this host does not support WebAssembly SIMD');
  return { module: await WebAssembly.compile(simd), flavour: 'simd', relaxedOff };
}
