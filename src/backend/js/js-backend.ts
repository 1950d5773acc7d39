// The plain-TypeScript reference backend: simple loops, the oracle every other backend is tested against.
import type {
  Activation, AdamAttrs, Backend, BackendInfo, BinaryOp, BlockShape, DType, PatchShape, PoolShape, Precision, ReduceOp, SgdAttrs, Storage, UnaryOp,
} from '../backend.ts';
import { blockLinearGradsInTurn, checkAllocSize, GELU_CUBIC, GELU_SCALE } from '../backend.ts';
import { adamConstants, sgdConstants } from '../optimizer-constants.ts';
import { roundToHalf } from '../../io/half.ts';
import { erf } from './erf.ts';
import { forEachIndex } from './strided.ts';
import * as windows from './windows.ts';

class JsStorage implements Storage {
  constructor(readonly backend: JsBackend, readonly dtype: DType, readonly data: Float32Array | Int32Array) {}
  get size(): number {
    return this.data.length;
  }
}

const unaryFns: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => (v > 0 ? v : v === v ? 0 : v), // keeps NaN
  sqrt: Math.sqrt,
  abs: Math.abs,
  erf,
  softplus: (v) => (v > 20 ? v : Math.log1p(Math.exp(v))), // PyTorch's threshold 20: x itself above it
};

const activations: Record<Activation, (v: number) => number> = {
  none: (v) => v,
  relu: unaryFns.relu,
  gelu: (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)),
  gelu_tanh: (v) => 0.5 * v * (1 + Math.tanh(GELU_SCALE * (v + GELU_CUBIC * v * v * v))),
};

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  min: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
  pow: Math.pow,
  gt: (a, b) => (a > b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
  mask: (a, b) => (b !== 0 ? a : 0),
  thresholdBackward: (a, b) => (b <= 0 ? 0 : a),
};

/** The function of an op from one of the tables above, or a clear error for a name not in the op table. */
function fnOf<F>(table: Record<string, F>, kind: string, op: string): F {
  const fn = table[op];
  if (!fn) throw new Error(`unknown ${kind} op '${op}' (known: ${Object.keys(table).join(', ')})`);
  return fn;
}

function f32(s: Storage): Float32Array {
  return (s as JsStorage).data as Float32Array;
}
function i32(s: Storage): Int32Array {
  return (s as JsStorage).data as Int32Array;
}

/** A GEMM operand as the GEMM reads it: a copy rounded to binary16 at precision 'f16'. */
function operand(s: Storage, precision: Precision = 'f32'): Float32Array {
  if (precision === 'f32') return f32(s);
  const rounded = new Float32Array(s.size);
  roundToHalf(f32(s), rounded);
  return rounded;
}

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  private bytes = 0;

  info(): BackendInfo {
    return { name: 'js', details: { kind: 'plain TypeScript reference kernels' } };
  }

  alloc(size: number, dtype: DType): Storage {
    checkAllocSize('js', size);
    this.bytes += size * 4;
    return new JsStorage(this, dtype, dtype === 'i32' ? new Int32Array(size) : new Float32Array(size));
  }
  free(s: Storage): void {
    this.bytes -= s.size * 4;
  }
  allocatedBytes(): number {
    return this.bytes;
  }
  upload(s: Storage, data: Float32Array | Int32Array): void {
    (s as JsStorage).data.set(data);
  }
  download(s: Storage): Promise<Float32Array | Int32Array> {
    return Promise.resolve(this.downloadSync(s));
  }
  readonly downloadSync = (s: Storage): Float32Array | Int32Array => (s as JsStorage).data.slice();
  flush(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {}

  fill(out: Storage, value: number): void {
    (out as JsStorage).data.fill(value);
  }

  unary(op: UnaryOp, x: Storage, out: Storage): void {
    const fn = fnOf(unaryFns, 'unary', op);
    const a = f32(x), o = f32(out);
    for (let i = 0; i < o.length; i++) o[i] = fn(a[i]);
  }

  scalar(op: BinaryOp, x: Storage, s: number, out: Storage): void {
    const fn = fnOf(binaryFns, 'binary', op);
    const a = f32(x), o = f32(out);
    for (let i = 0; i < o.length; i++) o[i] = fn(a[i], s);
  }

  binary(op: BinaryOp, a: Storage, b: Storage, out: Storage, outShape: number[], aStrides: number[], bStrides: number[]): void {
    const fn = fnOf(binaryFns, 'binary', op);
    const av = f32(a), bv = f32(b), o = f32(out);
    let k = 0;
    forEachIndex(outShape, [aStrides, bStrides], [0, 0], (ia, ib) => {
      o[k++] = fn(av[ia], bv[ib]);
    });
  }

  reduce(op: ReduceOp, x: Storage, out: Storage, outer: number, n: number, inner: number): void {
    const a = f32(x), o = f32(out);
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        let acc = op === 'sum' ? 0 : -Infinity;
        for (let r = 0; r < n; r++) {
          const v = a[(p * n + r) * inner + q];
          acc = op === 'sum' ? acc + v : v !== v || acc !== acc ? NaN : Math.max(acc, v);
        }
        o[p * inner + q] = acc;
      }
    }
  }

  copyStrided(src: Storage, dst: Storage, shape: number[], srcStrides: number[], srcOffset: number, dstStrides: number[], dstOffset: number): void {
    const s = (src as JsStorage).data, d = (dst as JsStorage).data;
    forEachIndex(shape, [srcStrides, dstStrides], [srcOffset, dstOffset], (is, id) => {
      d[id] = s[is];
    });
  }

  softmax(x: Storage, out: Storage, rows: number, cols: number, log: boolean, logOut: Storage | null = null): void {
    const a = f32(x), o = f32(out), lo = logOut ? f32(logOut) : null;
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, a[base + c]);
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += Math.exp(a[base + c] - max);
      const logSum = Math.log(sum);
      for (let c = 0; c < cols; c++) {
        o[base + c] = log ? a[base + c] - max - logSum : Math.exp(a[base + c] - max) / sum;
        if (lo) lo[base + c] = a[base + c] - max - logSum;
      }
    }
  }

  crossEntropyGrad(dy: Storage, factor: number, logProbs: Storage, hot: Storage, out: Storage): void {
    const s = Math.fround(f32(dy)[0] * factor), lp = f32(logProbs), h = f32(hot), o = f32(out);
    for (let k = 0; k < o.length; k++) o[k] = Math.fround(h[k] * s) - Math.fround(Math.fround(Math.exp(lp[k])) * s);
  }

  oneHot(labels: Storage, out: Storage, n: number, classes: number): void {
    const l = (labels as JsStorage).data, o = f32(out);
    o.fill(0);
    for (let i = 0; i < n; i++) o[i * classes + l[i]] = 1;
  }

  blockLinear(x: Storage, w: Storage, bias: Storage | null, out: Storage, { B, G, I, O, precision }: BlockShape, activation: Activation, preActivation: Storage | null = null): void {
    const xv = operand(x, precision), wv = operand(w, precision), bv = bias ? f32(bias) : null, y = f32(out);
    const z = preActivation ? f32(preActivation) : null, act = activations[activation];
    for (let b = 0; b < B; b++) {
      for (let g = 0; g < G; g++) {
        for (let o = 0; o < O; o++) {
          let acc = bv ? bv[g * O + o] : 0;
          const xRow = b * G * I + g * I, wRow = (g * O + o) * I;
          for (let i = 0; i < I; i++) acc += xv[xRow + i] * wv[wRow + i];
          const at = b * G * O + g * O + o;
          if (z) z[at] = acc;
          y[at] = act(acc);
        }
      }
    }
  }

  blockLinearInputGrad(dy: Storage, w: Storage, dx: Storage, { B, G, I, O, precision }: BlockShape): void {
    const d = operand(dy, precision), wv = operand(w, precision), out = f32(dx);
    for (let b = 0; b < B; b++) {
      for (let g = 0; g < G; g++) {
        for (let i = 0; i < I; i++) {
          let acc = 0;
          for (let o = 0; o < O; o++) acc += d[b * G * O + g * O + o] * wv[(g * O + o) * I + i];
          out[b * G * I + g * I + i] = acc;
        }
      }
    }
  }

  blockLinearWeightGrad(dy: Storage, x: Storage, dw: Storage, { B, G, I, O, precision }: BlockShape): void {
    const d = operand(dy, precision), xv = operand(x, precision), gw = f32(dw);
    for (let g = 0; g < G; g++) {
      for (let o = 0; o < O; o++) {
        for (let i = 0; i < I; i++) {
          let acc = 0;
          for (let b = 0; b < B; b++) acc += d[b * G * O + g * O + o] * xv[b * G * I + g * I + i];
          gw[(g * O + o) * I + i] = acc;
        }
      }
    }
  }

  blockLinearGrads(dy: Storage, x: Storage, w: Storage, dx: Storage | null, dw: Storage | null, shape: BlockShape): void {
    blockLinearGradsInTurn(this, dy, x, w, dx, dw, shape);
  }

  im2col(x: Storage, cols: Storage, shape: PatchShape): void {
    windows.im2col(f32(x), f32(cols), shape);
  }
  col2im(cols: Storage, dx: Storage, shape: PatchShape): void {
    windows.col2im(f32(cols), f32(dx), shape);
  }
  maxPool2d(x: Storage, out: Storage, argmax: Storage, shape: PoolShape): void {
    windows.maxPool2d(f32(x), f32(out), i32(argmax), shape);
  }
  maxPool2dGrad(dy: Storage, argmax: Storage, dx: Storage, shape: PoolShape): void {
    windows.maxPool2dGrad(f32(dy), i32(argmax), f32(dx), shape);
  }
  avgPool2d(x: Storage, out: Storage, shape: PoolShape): void {
    windows.avgPool2d(f32(x), f32(out), shape);
  }
  avgPool2dGrad(dy: Storage, dx: Storage, shape: PoolShape): void {
    windows.avgPool2dGrad(f32(dy), f32(dx), shape);
  }

  sgdStep(param: Storage, grad: Storage, momentum: Storage | null, a: SgdAttrs): void {
    const p = f32(param), g = f32(grad), m = momentum ? f32(momentum) : null;
    const k = sgdConstants(a);
    for (let i = 0; i < p.length; i++) {
      let d = g[i];
      if (k.weightDecay !== 0) d += k.weightDecay * p[i];
      if (m) {
        m[i] = a.firstStep ? d : k.momentum * m[i] + k.oneMinusDampening * d;
        d = a.nesterov ? d + k.momentum * m[i] : m[i];
      }
      p[i] -= k.lr * d;
    }
  }

  adamStep(param: Storage, grad: Storage, mStore: Storage, vStore: Storage, a: AdamAttrs): void {
    const p = f32(param), g = f32(grad), m = f32(mStore), v = f32(vStore);
    const k = adamConstants(a);
    for (let i = 0; i < p.length; i++) {
      p[i] *= k.decay;
      let d = g[i];
      if (k.l2 !== 0) d += k.l2 * p[i];
      m[i] = k.beta1 * m[i] + k.oneMinusBeta1 * d;
      v[i] = k.beta2 * v[i] + k.oneMinusBeta2 * d * d;
      p[i] -= (k.stepSize * m[i]) / (Math.sqrt(v[i]) / k.biasCorrection2Sqrt + k.eps);
    }
  }
}

/** The one reference backend instance: the engine's default and the registry's 'js'. */
export const referenceBackend = new JsBackend();
