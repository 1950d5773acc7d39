// The WebGPU backend: storages are pooled GPU buffers, kernels are recorded into a lazily
// submitted command batch, and results come back through pooled MAP_READ staging buffers.
import type {
  Activation, AdamAttrs, Backend, BackendInfo, BinaryOp, BlockShape, DType, PatchShape, PoolShape, ReduceOp, SgdAttrs, Storage, UnaryOp,
} from '../backend.ts';
import { blockLinearGradsInTurn, checkAllocSize } from '../backend.ts';
import { binaryCode, reduceCode, unaryCode } from '../op-table.ts';
import { windowWalk } from '../window-walk.ts';
import { CommandBatch } from './batch.ts';
import { type Constants, type KernelName, kernels, Pipelines, type UniformOf } from './pipelines.ts';
import { BufferPool, type PooledBuffer } from './pool.ts';
import { type GemmOperands, gemmOperands } from './precision.ts';
import { toWalk } from './strided.ts';
import { adamConstants, sgdConstants } from '../optimizer-constants.ts';
import { sizeOf } from '../../shapes.ts';
import { type UniformValues, writeUniforms } from './uniforms.ts';

class GpuStorage implements Storage {
  constructor(
    readonly backend: WebGPUBackend,
    readonly size: number,
    readonly dtype: DType,
    public pooled: PooledBuffer | null,
  ) {}
}

type Grid = [x: number, y: number, z: number];
type WindowKernel = 'im2col' | 'col2im' | 'maxPool2d' | 'maxPool2dGrad' | 'avgPool2d' | 'avgPool2dGrad';
type GemmDims = [M: number, N: number, K: number];
const tile = 32; // output tile edge of the block GEMMs (shaders/blockLinear.wgsl)

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly downloadSync = undefined;
  private readonly pool: BufferPool;
  private readonly batch: CommandBatch;
  private readonly pipelines: Pipelines;
  /** Bound where a kernel's optional buffer (bias, momentum) is absent. */
  private readonly placeholder: PooledBuffer;
  /** Bound where an optional output (the pre-activation, softmax's log-softmax) goes when not asked for (a writable binding may not share the read-only placeholder). */
  private readonly prePlaceholder: PooledBuffer;
  private readonly maxBinding: number;
  private readonly maxGroups: number;
  private liveBytes = 0;
  /**
   * A device error raised outside every error scope (uncaptured): the next call throws it once. Errors of a
   * submission or an allocation fail the op that caused them instead (batch.ts).
   */
  private failure: string | null = null;
  private lost: string | null = null;
  private disposed = false;

  constructor(
    // Held until dispose(): Dawn tears its instance down when this object is collected, under a live device.
    private gpu: GPU | null,
    private readonly device: GPUDevice,
    private readonly adapterInfo: GPUAdapterInfo,
    private readonly shaderF16: boolean,
    maxWorkgroupsPerDimension = Infinity,
  ) {
    this.maxBinding = device.limits.maxStorageBufferBindingSize;
    this.maxGroups = Math.min(device.limits.maxComputeWorkgroupsPerDimension, maxWorkgroupsPerDimension);
    this.pool = new BufferPool(device, this.maxBinding);
    this.batch = new CommandBatch(device, () => this.pool.settled());
    this.pipelines = new Pipelines(device, this.batch.arena);
    this.placeholder = this.pool.acquire(4, GPUBufferUsage.STORAGE);
    this.prePlaceholder = this.pool.acquire(4, GPUBufferUsage.STORAGE);
    device.addEventListener('uncapturederror', (e) => {
      this.failure ??= (e as GPUUncapturedErrorEvent).error.message;
    });
    void device.lost.then((info) => {
      if (!this.disposed) this.lost = `webgpu backend: device lost (${info.reason}): ${info.message}`;
    });
  }

  info(): BackendInfo {
    const a = this.adapterInfo;
    return {
      name: 'webgpu',
      details: {
        adapter: [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' '),
        /** A CPU implementation such as SwiftShader: right for tests, slower than the wasm kernels. */
        software: a.isFallbackAdapter ?? false,
        maxStorageBufferBindingSize: this.maxBinding,
        shaderF16: this.shaderF16,
        /** How the block GEMMs read f16 operands here (see precision.ts). */
        f16Gemm: gemmOperands('f16', this.shaderF16),
        gpuBuffers: this.pool.created,
      },
    };
  }

  alloc(size: number, dtype: DType): Storage {
    this.check();
    checkAllocSize('webgpu', size);
    const bytes = size * 4;
    if (bytes > this.maxBinding) {
      throw new Error(
        `webgpu backend: cannot allocate ${size} ${dtype} (${bytes} bytes): more than this adapter's maxStorageBufferBindingSize of ${this.maxBinding} bytes`,
      );
    }
    this.liveBytes += bytes;
    return new GpuStorage(this, size, dtype, this.pool.acquire(bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST));
  }

  free(s: Storage): void {
    this.pool.release(this.buffer(s));
    (s as GpuStorage).pooled = null;
    this.liveBytes -= s.size * 4;
  }

  get lostReason(): string | null {
    return this.lost;
  }

  allocatedBytes(): number {
    return this.liveBytes;
  }

  upload(s: Storage, data: Float32Array | Int32Array): void {
    const target = this.buffer(s);
    if (data.length > s.size) throw new Error(`webgpu backend: upload of ${data.length} elements into a storage of ${s.size}`);
    if (data.length === 0) return;
    this.batch.write(target, data);
  }

  async download(s: Storage): Promise<Float32Array | Int32Array> {
    const source = this.buffer(s);
    const bytes = s.size * 4;
    const out = s.dtype === 'i32' ? new Int32Array(s.size) : new Float32Array(s.size);
    if (bytes === 0) return out;
    const staging = this.pool.acquire(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    try {
      this.batch.copy(source, staging, bytes);
      this.batch.submit();
      await this.settled();
      this.check();
      this.batch.checkContents(source);
      await staging.buffer.mapAsync(GPUMapMode.READ, 0, bytes);
      new Uint8Array(out.buffer).set(new Uint8Array(staging.buffer.getMappedRange(0, bytes)));
      staging.buffer.unmap();
    } finally {
      if (!this.disposed) this.pool.release(staging);
    }
    return out;
  }

  /** Waits for everything recorded; throws the device errors of ops not yet reported (each once). */
  async flush(): Promise<void> {
    this.check();
    this.batch.submit();
    await this.settled();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
    this.batch.reportFailures();
  }

  /** Waits until everything submitted and allocated so far is on the queue and its error scopes read. */
  private async settled(): Promise<void> {
    await this.pool.settled();
    await this.batch.settled();
    await this.pipelines.settled();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.destroy();
    this.batch.arena.destroy();
    this.device.destroy();
    this.gpu = null; // lets Node exit (Dawn keeps the process alive while its GPU object is referenced)
  }

  fill(out: Storage, value: number): void {
    if (out.size === 0) return;
    // the shader stores these bits as they are
    this.run('fill', [out], this.grid(out.size), {}, { n: out.size, bits: out.dtype === 'i32' ? value >>> 0 : f32Bits(value) });
  }

  unary(op: UnaryOp, x: Storage, out: Storage): void {
    if (out.size === 0) return;
    this.run('unary', [x, out], this.grid(out.size), { OP: unaryCode(op) }, { n: out.size }, 'f32', op);
  }

  scalar(op: BinaryOp, x: Storage, s: number, out: Storage): void {
    if (out.size === 0) return;
    this.run('scalar', [x, out], this.grid(out.size), { OP: binaryCode(op) }, { n: out.size, s }, 'f32', `${op} (by a scalar)`);
  }

  binary(op: BinaryOp, a: Storage, b: Storage, out: Storage, outShape: number[], aStrides: number[], bStrides: number[]): void {
    const n = sizeOf(outShape);
    if (n === 0) return;
    const w = toWalk('binary', outShape, aStrides, bStrides);
    this.run('binary', [a, b, out], this.grid(n), { OP: binaryCode(op) }, { n, walk: [w, 0, 0] }, 'f32', op);
  }

  reduce(op: ReduceOp, x: Storage, out: Storage, outer: number, n: number, inner: number): void {
    const tiles = outer * Math.ceil(inner / 16); // a workgroup reduces 16 outputs along inner
    if (tiles === 0) return;
    this.run('reduce', [x, out], this.grid(tiles, 1), { OP: reduceCode(op) }, { outer, n, inner }, 'f32', `${op} (reduce)`);
  }

  copyStrided(src: Storage, dst: Storage, shape: number[], srcStrides: number[], srcOffset: number, dstStrides: number[], dstOffset: number): void {
    const n = sizeOf(shape);
    if (n === 0) return;
    const w = toWalk('copyStrided', shape, srcStrides, dstStrides);
    this.run('copyStrided', [src, dst], this.grid(n), {}, { n, walk: [w, srcOffset, dstOffset] });
  }

  softmax(x: Storage, out: Storage, rows: number, cols: number, log: boolean, logOut: Storage | null = null): void {
    if (rows * cols === 0) return;
    this.run('softmax', [x, out, logOut ?? this.prePlaceholder], this.grid(rows, 1), {}, { rows, cols, log: log ? 1 : 0, logOut: logOut ? 1 : 0 });
  }

  /**
   * The Backend's crossEntropyGrad as this backend's own scalar, binary and unary passes: one shader could contract
   * a product and the difference into a fused multiply-add, which would change the bits.
   */
  crossEntropyGrad(dy: Storage, factor: number, logProbs: Storage, hot: Storage, out: Storage): void {
    const n = out.size;
    if (n === 0) return;
    const scale = this.alloc(1, 'f32'), [target, probs, q] = [0, 1, 2].map(() => this.alloc(n, 'f32'));
    try {
      this.scalar('mul', dy, factor, scale);
      this.binary('mul', hot, scale, target, [n], [1], [0]);
      this.unary('exp', logProbs, probs);
      this.binary('mul', probs, scale, q, [n], [1], [0]);
      this.binary('sub', target, q, out, [n], [1], [1]);
    } finally {
      for (const s of [scale, target, probs, q]) this.free(s);
    }
  }

  oneHot(labels: Storage, out: Storage, n: number, classes: number): void {
    const total = n * classes;
    if (total === 0) return;
    this.run('oneHot', [labels, out], this.grid(total), {}, { total, classes });
  }

  blockLinear(x: Storage, w: Storage, bias: Storage | null, out: Storage, shape: BlockShape, activation: Activation, preActivation: Storage | null = null): void {
    const constants = { HAS_BIAS: bias ? 1 : 0, RELU: activation === 'relu' ? 1 : 0, GELU: activation === 'gelu' ? 1 : 0, GELU_TANH: activation === 'gelu_tanh' ? 1 : 0, STORE_PRE: preActivation ? 1 : 0 };
    this.gemm('blockLinear', [x, w, out, bias ?? this.placeholder, preActivation ?? this.prePlaceholder], shape, [shape.B, shape.O, shape.I], constants);
  }

  blockLinearInputGrad(dy: Storage, w: Storage, dx: Storage, shape: BlockShape): void {
    this.gemm('blockLinearInputGrad', [dy, w, dx], shape, [shape.B, shape.I, shape.O], {});
  }

  blockLinearWeightGrad(dy: Storage, x: Storage, dw: Storage, shape: BlockShape): void {
    this.gemm('blockLinearWeightGrad', [dy, x, dw], shape, [shape.O, shape.I, shape.B], {});
  }

  blockLinearGrads(dy: Storage, x: Storage, w: Storage, dx: Storage | null, dw: Storage | null, shape: BlockShape): void {
    blockLinearGradsInTurn(this, dy, x, w, dx, dw, shape); // dispatches queue back to back already
  }

  im2col(x: Storage, cols: Storage, shape: PatchShape): void {
    this.window('im2col', [x, cols], cols.size, shape);
  }
  col2im(cols: Storage, dx: Storage, shape: PatchShape): void {
    this.window('col2im', [cols, dx], dx.size, shape);
  }
  maxPool2d(x: Storage, out: Storage, argmax: Storage, shape: PoolShape): void {
    this.window('maxPool2d', [x, out, argmax], out.size, shape);
  }
  maxPool2dGrad(dy: Storage, argmax: Storage, dx: Storage, shape: PoolShape): void {
    this.window('maxPool2dGrad', [dy, argmax, dx], dx.size, shape);
  }
  avgPool2d(x: Storage, out: Storage, shape: PoolShape): void {
    this.window('avgPool2d', [x, out], out.size, shape);
  }
  avgPool2dGrad(dy: Storage, dx: Storage, shape: PoolShape): void {
    this.window('avgPool2dGrad', [dy, dx], dx.size, shape);
  }

  sgdStep(param: Storage, grad: Storage, momentum: Storage | null, a: SgdAttrs): void {
    if (param.size === 0) return;
    const k = sgdConstants(a);
    this.run('sgdStep', [param, grad, momentum ?? this.placeholder], this.grid(param.size), {}, {
      n: param.size, ...k, nesterov: a.nesterov ? 1 : 0, firstStep: a.firstStep ? 1 : 0, hasMomentum: momentum ? 1 : 0,
    });
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, a: AdamAttrs): void {
    if (param.size === 0) return;
    this.run('adamStep', [param, grad, m, v], this.grid(param.size), {}, { n: param.size, ...adamConstants(a) });
  }

  /**
   * One block GEMM of output M×N per block, reducing over K; one workgroup per 32×32 output tile of each
   * block, the tiles of all blocks in one index folded over x, y and z. At precision 'f16' its two inputs
   * are first cast to packed binary16 scratch buffers.
   */
  private gemm(name: 'blockLinear' | 'blockLinearInputGrad' | 'blockLinearWeightGrad', [a, b, ...rest]: (Storage | PooledBuffer)[], shape: BlockShape, [M, N, K]: GemmDims, constants: Constants): void {
    const { B, G, I, O } = shape;
    if (M * N * G === 0) return;
    const groups = this.fold(Math.ceil(N / tile) * Math.ceil(M / tile) * G, name);
    const fits = M % tile === 0 && N % tile === 0 && K % tile === 0;
    const operands = gemmOperands(shape.precision ?? 'f32', this.shaderF16);
    const inputs = operands === 'f32' ? [a, b] : [this.packHalf(a as Storage), this.packHalf(b as Storage)];
    this.run(name, [...inputs, ...rest], groups, { ...constants, CHECKED: fits ? 0 : 1 }, { B, G, I, O }, operands);
    if (operands !== 'f32') (inputs as PooledBuffer[]).forEach((p) => this.pool.release(p)); // later users come later in the queue
  }

  /** One of shaders/windows.wgsl over `items` outputs, its walk in the WindowParams uniforms. */
  private window(name: WindowKernel, operands: Storage[], items: number, s: PatchShape | PoolShape): void {
    if (items === 0) return;
    this.run(name, operands, this.grid(items), {}, { n: items, ...windowWalk(s) });
  }

  /** A scratch buffer with `s` as binary16, two per word (shaders/half.wgsl); the caller releases it. */
  private packHalf(s: Storage): PooledBuffer {
    const words = Math.ceil(s.size / 2);
    const packed = this.pool.acquire(words * 4, GPUBufferUsage.STORAGE);
    if (words > 0) this.run('packHalf', [s, packed], this.grid(words), {}, { n: s.size });
    return packed;
  }

  private run<K extends KernelName>(
    name: K, operands: (Storage | PooledBuffer)[], groups: Grid, constants: Constants, uniforms: UniformValues<UniformOf<K>>, variant: GemmOperands = 'f32',
    label: string = name,
  ): void {
    this.check();
    const kinds = kernels[name][1].replaceAll('-', '');
    const buffers = operands.map((o) => ('buffer' in o ? o : this.buffer(o)));
    // WebGPU forbids binding one buffer as read-only and writable in one dispatch: in-place calls read a copy.
    const written = new Set(buffers.filter((_, k) => kinds[k] === 'w' || kinds[k] === 'u'));
    const copies: PooledBuffer[] = [];
    const bound = buffers.map((b, k) => {
      if (kinds[k] !== 'r' || !written.has(b)) return b;
      const copy = this.pool.acquire(b.capacity, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      this.batch.copy(b, copy, b.capacity);
      copies.push(copy);
      return copy;
    });
    const struct = kernels[name][2] as UniformOf<K>;
    const op = {
      reads: bound.filter((_, k) => kinds[k] === 'r' || kinds[k] === 'u'),
      writes: bound.filter((_, k) => kinds[k] === 'w' || kinds[k] === 'u'),
      describe: () => `${label} (${describeUniforms(uniforms)}; operands of ${operands.map(describeOperand).join(', ')})`,
    };
    this.batch.dispatch(this.pipelines.pipeline(name, constants, variant), this.pipelines.bindGroup(name, bound), groups, (u) => writeUniforms(u, struct, uniforms), op);
    copies.forEach((c) => this.pool.release(c)); // later users of the copy come later in the same queue
  }

  /** The workgroups for `items` items, `perGroup` per workgroup, folded as fold() does. */
  private grid(items: number, perGroup = 256): Grid {
    return this.fold(Math.ceil(items / perGroup), 'a kernel');
  }

  /**
   * `count` workgroups (count > 0) as a grid within the adapter's maxComputeWorkgroupsPerDimension: x first,
   * then y, then z; the shaders recover the index with workgroupIndex (shaders/common.wgsl).
   */
  private fold(count: number, what: string): Grid {
    const max = this.maxGroups;
    const x = Math.min(count, max);
    const rest = Math.ceil(count / x);
    const y = Math.min(rest, max);
    const z = Math.ceil(rest / y);
    if (z > max) throw new Error(`webgpu backend: ${what} needs ${count} workgroups, more than ${max}³`);
    return [x, y, z];
  }

  private buffer(s: Storage): PooledBuffer {
    const pooled = s instanceof GpuStorage && s.backend === this ? s.pooled : undefined;
    if (pooled === undefined) throw new Error('webgpu backend: storage belongs to another backend');
    if (pooled === null) throw new Error('webgpu backend: storage used after free()');
    return pooled;
  }

  private check(): void {
    if (this.disposed) throw new Error('webgpu backend: used after dispose()');
    if (this.lost) throw new Error(this.lost);
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw new Error(`webgpu backend: ${failure}`);
    }
  }
}

/** The scalar uniforms of a dispatch as `name=value` pairs (the shape an error names). */
function describeUniforms(uniforms: object): string {
  return Object.entries(uniforms).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k}=${v}`).join(', ');
}

function describeOperand(o: Storage | PooledBuffer): string {
  return 'capacity' in o ? `${o.capacity} bytes` : `${o.size} ${o.dtype}`;
}

const bits = new DataView(new ArrayBuffer(4));
/** The bit pattern of an f32 as a u32 (fill stores it as it is, for f32 and i32 storages alike). */
function f32Bits(v: number): number {
  bits.setFloat32(0, v, true);
  return bits.getUint32(0, true);
}
