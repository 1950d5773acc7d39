// The 'wasm' backend: storages live in one WebAssembly.Memory, kernels are the AssemblyScript exports,
// large kernels are split into tasks over the pool's threads.
import type {
  Activation, AdamAttrs, Backend, BackendInfo, BinaryOp, BlockShape, DType, PatchShape, PoolShape, Precision, ReduceOp, SgdAttrs, Storage, UnaryOp,
} from '../backend.ts';
import { blockLinearGradsInTurn, checkAllocSize } from '../backend.ts';
import { binaryCode, reduceCode, unaryCode, type WasmJob, type WasmJobArgs, wasmJobs, type WindowWalk } from '../op-table.ts';
import { windowWalk } from '../window-walk.ts';
import type { Allocator } from './allocator.ts';
import { DESC_WORD, MAX_TASKS, SECOND_DESC_WORD, VIEW_WORD, WALK_WORD } from './control.ts';
import { writeJob } from './job.ts';
import type { Kernels } from './module.ts';
import type { Pool } from './pool.ts';
import { forward, inputGrad, multiplyAdds, patchForward, patchWeightGrad, scratchBytes, tile, weightGrad, type Gemm, type Tiles } from './tiling.ts';
import { writeView } from './view.ts';
import { adamConstants, sgdConstants } from '../optimizer-constants.ts';
import { sizeOf } from '../../shapes.ts';

/** Elementwise kernels below this many elements stay on the calling thread: waking workers costs more. */
const PARALLEL_MIN = 1 << 16;
/**
 * What an element of a kernel built on exp, log or tanh (the unary ops below, softmax, crossEntropyGrad) counts
 * for against PARALLEL_MIN, in elements of a simple one. Measured against an add over 2¹⁶ elements on 1 thread:
 * exp 8x, sigmoid 10x, tanh 17x, erf 23x, log 39x, softmax with log-softmax over 10 columns 36x (over 64, 23x).
 */
const TRANSCENDENTAL_COST = 16;
const TRANSCENDENTAL: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'tanh', 'sigmoid', 'erf', 'softplus']);
/**
 * Multiply-adds (of one GEMM, or of two side by side) below which GEMMs stay on the calling thread: waking the
 * workers costs more than it saves. 2¹⁷, measured against 2²¹ on the digits model at 2 threads: served 32 rows a
 * call, 1.3x the calls per second (its 0.5M-multiply-add layers ran on one thread); a training step at batch 32,
 * 1.28x the steps; at batch 128, 1.02x. 2¹⁴–2¹⁶ served no faster.
 */
const GEMM_PARALLEL_MIN = 1 << 17;

class WasmStorage implements Storage {
  constructor(readonly backend: WasmBackend, readonly ptr: number, readonly size: number, readonly dtype: DType) {}
}

const at = (s: Storage): number => (s as WasmStorage).ptr;

/** The wasm jobs of the window kernels. */
type WindowJob = 'im2col' | 'col2im' | 'maxPool2d' | 'maxPool2dGrad' | 'avgPool2d' | 'avgPool2dGrad';

/** A range job's own slots: the split fills in `units` and `chunk`. */
type RangeArgs<K extends WasmJob> = Omit<WasmJobArgs<K>, 'units' | 'chunk'>;

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  private storageBytes = 0;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);
  /** Per-thread panel scratch for the GEMMs. */
  private scratch = { ptr: 0, bytes: 0 };

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly k: Kernels,
    private readonly heap: Allocator,
    private readonly pool: Pool,
    private readonly ctrl: number,
    private readonly details: Record<string, string | number | boolean>,
  ) {}

  info(): BackendInfo {
    return { name: 'wasm', details: { ...this.details, memoryBytes: this.memory.buffer.byteLength } };
  }

  /** Typed views of the whole memory, re-created after the memory has grown. */
  f32(): Float32Array {
    if (this.f32View.byteLength !== this.memory.buffer.byteLength) this.f32View = new Float32Array(this.memory.buffer);
    return this.f32View;
  }
  i32(): Int32Array {
    if (this.i32View.byteLength !== this.memory.buffer.byteLength) this.i32View = new Int32Array(this.memory.buffer);
    return this.i32View;
  }

  alloc(size: number, dtype: DType): Storage {
    checkAllocSize('wasm', size);
    const ptr = this.heap.alloc(size * 4);
    this.storageBytes += size * 4;
    return new WasmStorage(this, ptr, size, dtype);
  }
  free(s: Storage): void {
    this.storageBytes -= this.heap.free(at(s));
  }
  allocatedBytes(): number {
    return this.storageBytes;
  }
  upload(s: Storage, data: Float32Array | Int32Array): void {
    const view = s.dtype === 'i32' ? this.i32() : this.f32(); // converts values, like the reference's set()
    view.set(data.subarray(0, s.size), at(s) >> 2);
  }
  download(s: Storage): Promise<Float32Array | Int32Array> {
    return Promise.resolve(this.downloadSync(s));
  }
  readonly downloadSync = (s: Storage): Float32Array | Int32Array => {
    const view = s.dtype === 'i32' ? this.i32() : this.f32();
    const start = at(s) >> 2;
    return view.slice(start, start + s.size); // a copy in a plain (unshared) buffer
  };
  flush(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.pool.dispose();
  }
  wakeWorkers(): void {
    this.pool.wake();
  }

  fill(out: Storage, value: number): void {
    this.elementwise('fill', out.size, { out: at(out), value }, (s, e) => this.k.fill(at(out), value, s, e));
  }
  unary(op: UnaryOp, x: Storage, out: Storage): void {
    const code = unaryCode(op);
    const work = out.size * (TRANSCENDENTAL.has(op) ? TRANSCENDENTAL_COST : 1);
    this.split('unary', out.size, work, { op: code, x: at(x), out: at(out) }, (s, e) => this.k.unary(code, at(x), at(out), s, e));
  }
  scalar(op: BinaryOp, x: Storage, s: number, out: Storage): void {
    const code = binaryCode(op);
    this.elementwise('scalar', out.size, { op: code, x: at(x), s, out: at(out) }, (a, e) => this.k.scalar(code, at(x), s, at(out), a, e));
  }
  binary(op: BinaryOp, a: Storage, b: Storage, out: Storage, outShape: number[], aStrides: number[], bStrides: number[]): void {
    const n = sizeOf(outShape);
    writeView(outShape, aStrides, bStrides, this.i32(), (this.ctrl >> 2) + VIEW_WORD);
    const code = binaryCode(op), view = this.ctrl + VIEW_WORD * 4;
    this.elementwise('binary', n, { op: code, a: at(a), b: at(b), out: at(out) }, (s, e) => this.k.binary(code, at(a), at(b), at(out), view, s, e));
  }
  reduce(op: ReduceOp, x: Storage, out: Storage, outer: number, n: number, inner: number): void {
    this.k.reduce(reduceCode(op), at(x), at(out), outer, n, inner);
  }
  copyStrided(src: Storage, dst: Storage, shape: number[], srcStrides: number[], srcOffset: number, dstStrides: number[], dstOffset: number): void {
    const n = sizeOf(shape);
    writeView(shape, srcStrides, dstStrides, this.i32(), (this.ctrl >> 2) + VIEW_WORD);
    const s0 = at(src) + srcOffset * 4, d0 = at(dst) + dstOffset * 4, view = this.ctrl + VIEW_WORD * 4;
    this.elementwise('copy', n, { src: s0, dst: d0 }, (s, e) => this.k.copyStrided(s0, d0, view, s, e));
  }
  softmax(x: Storage, out: Storage, rows: number, cols: number, log: boolean, logOut: Storage | null = null): void {
    const l = log ? 1 : 0, lo = logOut ? at(logOut) : 0;
    this.split('softmax', rows, rows * cols * TRANSCENDENTAL_COST, { x: at(x), out: at(out), cols, log: l, logOut: lo }, (s, e) => this.k.softmax(at(x), at(out), cols, l, lo, s, e));
  }
  crossEntropyGrad(dy: Storage, factor: number, logProbs: Storage, hot: Storage, out: Storage): void {
    const args = { dy: at(dy), factor, logProbs: at(logProbs), hot: at(hot), out: at(out) };
    this.split('crossEntropyGrad', out.size, out.size * TRANSCENDENTAL_COST, args, (s, e) => this.k.crossEntropyGrad(args.dy, factor, args.logProbs, args.hot, args.out, s, e));
  }
  oneHot(labels: Storage, out: Storage, n: number, classes: number): void {
    this.k.oneHot(at(labels), at(out), n, classes);
  }

  blockLinear(x: Storage, w: Storage, bias: Storage | null, out: Storage, shape: BlockShape, activation: Activation, preActivation: Storage | null = null): void {
    const z = preActivation ? at(preActivation) : 0;
    this.atPrecision(shape.precision, [x, w], ([xp, wp]) => this.gemm(forward(xp, wp, bias ? at(bias) : 0, at(out), z, shape, activation)));
  }
  blockLinearInputGrad(dy: Storage, w: Storage, dx: Storage, shape: BlockShape): void {
    this.atPrecision(shape.precision, [dy, w], ([dyp, wp]) => this.gemm(inputGrad(dyp, wp, at(dx), shape)));
  }
  blockLinearWeightGrad(dy: Storage, x: Storage, dw: Storage, shape: BlockShape): void {
    this.atPrecision(shape.precision, [dy, x], ([dyp, xp]) => this.gemm(weightGrad(dyp, xp, at(dw), shape)));
  }
  blockLinearGrads(dy: Storage, x: Storage, w: Storage, dx: Storage | null, dw: Storage | null, shape: BlockShape): void {
    if (!dx || !dw) return blockLinearGradsInTurn(this, dy, x, w, dx, dw, shape);
    this.atPrecision(shape.precision, [dy, w, x], ([dyp, wp, xp]) => this.gemmPair(inputGrad(dyp, wp, at(dx), shape), weightGrad(dyp, xp, at(dw), shape)));
  }

  patchLinear(x: Storage, w: Storage, bias: Storage | null, out: Storage, shape: PatchShape, block: BlockShape): void {
    this.gemm(patchForward(at(x), at(w), bias ? at(bias) : 0, at(out), this.writeWalk(shape), shape, block));
  }
  patchLinearWeightGrad(dy: Storage, x: Storage, dw: Storage, shape: PatchShape, block: BlockShape): void {
    this.gemm(patchWeightGrad(at(dy), at(x), at(dw), this.writeWalk(shape), shape, block));
  }
  /** Writes the walk of a GEMM over patches into the control area; returns its address. */
  private writeWalk(shape: PatchShape): number {
    this.i32().set(Object.values(windowWalk(shape)), (this.ctrl >> 2) + WALK_WORD);
    return this.ctrl + WALK_WORD * 4;
  }
  im2col(x: Storage, cols: Storage, shape: PatchShape): void {
    const rows = shape.N * shape.OH * shape.OW;
    this.window('im2col', rows, cols.size, { x: at(x), cols: at(cols) }, shape, (w, s, e) => this.k.im2col(at(x), at(cols), w, s, e));
  }
  col2im(cols: Storage, dx: Storage, shape: PatchShape): void {
    // tasks own whole samples (the kernel adds each sample's patches into its dx in order)
    this.window('col2im', shape.N, cols.size, { cols: at(cols), dx: at(dx) }, shape, (w, s, e) => this.k.col2im(at(cols), at(dx), w, s, e));
  }
  maxPool2d(x: Storage, out: Storage, argmax: Storage, shape: PoolShape): void {
    const args = { x: at(x), out: at(out), argmax: at(argmax) };
    this.window('maxPool2d', out.size, out.size * shape.KH * shape.KW, args, shape, (w, s, e) => this.k.maxPool2d(args.x, args.out, args.argmax, w, s, e));
  }
  maxPool2dGrad(dy: Storage, argmax: Storage, dx: Storage, shape: PoolShape): void {
    const args = { dy: at(dy), argmax: at(argmax), dx: at(dx) };
    this.window('maxPool2dGrad', dx.size, dx.size * shape.KH * shape.KW, args, shape, (w, s, e) => this.k.maxPool2dGrad(args.dy, args.argmax, args.dx, w, s, e));
  }
  avgPool2d(x: Storage, out: Storage, shape: PoolShape): void {
    this.window('avgPool2d', out.size, x.size, { x: at(x), out: at(out) }, shape, (w, s, e) => this.k.avgPool2d(at(x), at(out), w, s, e));
  }
  avgPool2dGrad(dy: Storage, dx: Storage, shape: PoolShape): void {
    this.window('avgPool2dGrad', dx.size, dx.size, { dy: at(dy), dx: at(dx) }, shape, (w, s, e) => this.k.avgPool2dGrad(at(dy), at(dx), w, s, e));
  }

  sgdStep(param: Storage, grad: Storage, momentum: Storage | null, a: SgdAttrs): void {
    const p = at(param), g = at(grad), m = momentum ? at(momentum) : 0, nest = a.nesterov ? 1 : 0, first = a.firstStep ? 1 : 0;
    const k = sgdConstants(a);
    const args = { param: p, grad: g, momentumBuf: m, lr: k.lr, momentum: k.momentum, oneMinusDampening: k.oneMinusDampening, nesterov: nest, weightDecay: k.weightDecay, firstStep: first };
    this.elementwise('sgd', param.size, args, (s, e) =>
      this.k.sgdStep(p, g, m, k.lr, k.momentum, k.oneMinusDampening, nest, k.weightDecay, first, s, e),
    );
  }
  adamStep(param: Storage, grad: Storage, mStore: Storage, vStore: Storage, a: AdamAttrs): void {
    const p = at(param), g = at(grad), m = at(mStore), v = at(vStore);
    const k = adamConstants(a);
    const scalars = [k.beta1, k.oneMinusBeta1, k.beta2, k.oneMinusBeta2, k.eps, k.l2, k.decay, k.stepSize, k.biasCorrection2Sqrt] as const;
    this.elementwise('adam', param.size, { param: p, grad: g, m, v, ...k }, (s, e) => this.k.adamStep(p, g, m, v, ...scalars, s, e));
  }

  /**
   * Runs a GEMM on the addresses of its operands as it reads them: at 'f16', copies rounded to binary16
   * by the roundHalf kernel (freed afterwards); the GEMM kernels themselves always compute in f32.
   */
  private atPrecision(precision: Precision = 'f32', operands: Storage[], run: (ptrs: number[]) => void): void {
    if (precision === 'f32') {
      run(operands.map(at));
      return;
    }
    const copies = operands.map((s) => this.heap.alloc(s.size * 4));
    try {
      operands.forEach((s, k) => {
        const src = at(s), dst = copies[k];
        this.elementwise('half', s.size, { src, dst }, (start, end) => this.k.roundHalf(src, dst, start, end));
      });
      run(copies);
    } finally {
      copies.forEach((p) => this.heap.free(p));
    }
  }

  /** An elementwise kernel over n elements: on the calling thread when small, else split into chunks. */
  private elementwise<K extends WasmJob>(kind: K, n: number, args: RangeArgs<K>, direct: (start: number, end: number) => void): void {
    this.split(kind, n, n, args, direct);
  }

  /** Runs `direct` over [0, units) on this thread, or as ~4 tasks per thread when `work` elements are plenty. */
  private split<K extends WasmJob>(kind: K, units: number, work: number, args: RangeArgs<K>, direct: (start: number, end: number) => void): void {
    const threads = this.pool.threads;
    if (threads === 1 || work < PARALLEL_MIN) {
      direct(0, units);
      return;
    }
    const chunk = Math.ceil(units / (4 * threads));
    this.describe(kind, { units, chunk, ...args } as WasmJobArgs<K>);
    this.pool.run(Math.ceil(units / chunk));
  }

  private gemm(g: Gemm): void {
    if (g.M === 0 || g.N === 0) return;
    const parallel = multiplyAdds(g) >= GEMM_PARALLEL_MIN;
    const t = tile(g, parallel ? this.pool.threads : 1);
    const panel = this.scratchFor(scratchBytes(g, t));
    const perBlock = t.tilesM * t.tilesN;
    // Task indices have 16 bits: very many blocks go in batches.
    const batch = Math.floor(MAX_TASKS / perBlock);
    for (let g0 = 0; g0 < g.G; g0 += batch) {
      const blocks = Math.min(batch, g.G - g0);
      this.describe('gemm', this.gemmArgs(g, t, g0, panel));
      this.pool.run(blocks * perBlock, parallel);
    }
  }

  /**
   * Two GEMMs with no data between them (a layer's dx and dW) as one job: the threads take tasks of either,
   * so neither waits for the other's last tile and the workers are woken once. Each is tiled as if alone:
   * that finer grain measured faster than tiles for half the threads each (digits step, 2 threads: 1.07–1.09×).
   */
  private gemmPair(first: Gemm, second: Gemm): void {
    const inTurn = (): void => {
      this.gemm(first);
      this.gemm(second);
    };
    const threads = this.pool.threads, pair = [first, second];
    if (threads === 1 || multiplyAdds(first) + multiplyAdds(second) < GEMM_PARALLEL_MIN) return inTurn(); // before tiling: gemm tiles its own
    const tiles = pair.map((g) => tile(g, threads));
    const tasks = pair.map((g, k) => g.G * tiles[k].tilesM * tiles[k].tilesN);
    if (tasks[0] + tasks[1] > MAX_TASKS) return inTurn();
    const panel = this.scratchFor(Math.max(scratchBytes(first, tiles[0]), scratchBytes(second, tiles[1])));
    this.describe('gemm', this.gemmArgs(first, tiles[0], 0, panel));
    writeJob('gemm', this.gemmArgs(second, tiles[1], 0, panel), this.i32(), (this.ctrl >> 2) + SECOND_DESC_WORD);
    this.pool.run(tasks[0] + tasks[1], true, tasks[0]);
  }

  /**
   * The per-thread GEMM scratch, grown to `panel` bytes a thread if smaller; returns `panel`. Every thread gets
   * a slot even for a job meant for this thread alone: a worker still polling after the previous job may claim
   * its tasks, and would otherwise write past the scratch.
   */
  private scratchFor(panel: number): number {
    const bytes = panel * this.pool.threads;
    if (bytes > this.scratch.bytes) {
      if (this.scratch.bytes) this.heap.free(this.scratch.ptr);
      this.scratch = { ptr: this.heap.alloc(bytes), bytes };
    }
    return panel;
  }

  /** The descriptor slots of a GEMM job over blocks g0 onwards, tiled as `t`. */
  private gemmArgs(g: Gemm, t: Tiles, g0: number, panel: number): WasmJobArgs<'gemm'> {
    return {
      tilesM: t.tilesM, tilesN: t.tilesN, MT: t.MT, NT: t.NT, KC: t.KC, MC: t.MC, M: g.M, N: g.N, K: g.K,
      a: g.a + 4 * g0 * g.aG, aG: g.aG * 4, ars: g.ars, acs: g.acs, b: g.b + 4 * g0 * g.bG, bG: g.bG * 4, brs: g.brs, bcs: g.bcs,
      c: g.c + 4 * g0 * g.cG, cG: g.cG * 4, crs: g.crs, bias: g.bias && g.bias + 4 * g0 * g.biasG, biasG: g.biasG * 4, act: g.act,
      scratch: this.scratch.ptr, panel, zoff: g.zoff, patches: g.patches, patchesAreB: g.patchesAreB ? 1 : 0,
    };
  }

  /**
   * A window job over `units` items: its descriptor (walk included) is written first, also for a call on this
   * thread, since the kernels read the walk there; `direct` gets the walk's address.
   */
  private window<K extends WindowJob>(
    kind: K, units: number, work: number, args: Omit<RangeArgs<K>, keyof WindowWalk>, shape: PatchShape | PoolShape, direct: (walk: number, start: number, end: number) => void,
  ): void {
    const full = { ...args, ...windowWalk(shape) } as unknown as RangeArgs<K>;
    this.describe(kind, { units, chunk: units, ...full } as WasmJobArgs<K>);
    const walkAt = this.ctrl + (DESC_WORD + Object.keys(wasmJobs[kind]).indexOf('N') + 1) * 4;
    this.split(kind, units, work, full, (s, e) => direct(walkAt, s, e));
  }

  /** Writes the descriptor of the job to run into the control area. */
  private describe<K extends WasmJob>(kind: K, args: WasmJobArgs<K>): void {
    writeJob(kind, args, this.i32(), (this.ctrl >> 2) + DESC_WORD);
  }
}
