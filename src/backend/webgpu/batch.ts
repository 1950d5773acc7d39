// Records consecutive kernels into one command encoder and one compute pass and submits them lazily:
// on a download, an upload, a flush, or when the batch is full. Nothing here waits on the GPU.

/** Bytes of uniforms per dispatch: 256 is the largest minUniformBufferOffsetAlignment WebGPU allows. */
export const uniformSlot = 256;
/** Dispatches per batch before it is submitted anyway (also the uniform arena's slot count). */
const maxDispatches = 256;

/** Writes one dispatch's uniforms, by 4-byte word index into its slot. */
export class Uniforms {
  private readonly u32s: Uint32Array;
  private readonly i32s: Int32Array;
  private readonly f32s: Float32Array;
  base = 0;

  constructor(memory: ArrayBuffer) {
    this.u32s = new Uint32Array(memory);
    this.i32s = new Int32Array(memory);
    this.f32s = new Float32Array(memory);
  }
  u32(word: number, v: number): void {
    this.u32s[this.base + word] = v;
  }
  i32(word: number, v: number): void {
    this.i32s[this.base + word] = v;
  }
  f32(word: number, v: number): void {
    this.f32s[this.base + word] = v;
  }
  clear(): void {
    this.u32s.fill(0, this.base, this.base + uniformSlot / 4);
  }
}

export class CommandBatch {
  /** Every dispatch of a batch reads its uniforms from its own slot here (dynamic offset). */
  readonly arena: GPUBuffer;
  private readonly staged = new ArrayBuffer(uniformSlot * maxDispatches);
  private readonly uniforms = new Uniforms(this.staged);
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  /** The error scopes of submissions not yet read back. */
  private checks: Promise<void>[] = [];
  /** The kernels recorded since the last submit, named in an error the batch raises. */
  private readonly labels = new Set<string>();

  /** `onError` hears of a validation or out-of-memory error raised by a submitted batch (asynchronously). */
  constructor(private readonly device: GPUDevice, private readonly onError: (message: string) => void = () => {}) {
    this.arena = device.createBuffer({ size: this.staged.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  dispatch(pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, groups: readonly [number, number, number], write: (u: Uniforms) => void, label = 'a kernel'): void {
    if (this.dispatches === maxDispatches) this.submit();
    this.labels.add(label);
    const offset = this.dispatches++ * uniformSlot;
    this.uniforms.base = offset / 4;
    this.uniforms.clear();
    write(this.uniforms);
    this.pass ??= this.open().beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup, [offset]);
    this.pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
  }

  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    this.endPass();
    this.open().copyBufferToBuffer(src, 0, dst, 0, bytes);
  }

  /**
   * Submits what was recorded, inside validation and out-of-memory error scopes: an error fails this batch
   * alone (onError names its kernels) instead of every later call through an uncaptured error.
   */
  submit(): void {
    if (!this.encoder) return;
    this.endPass();
    const kernels = [...this.labels].join(', ') || 'copies';
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    if (this.dispatches > 0) this.device.queue.writeBuffer(this.arena, 0, this.staged, 0, this.dispatches * uniformSlot);
    this.device.queue.submit([this.encoder.finish()]);
    this.checks.push(settle(this.device, (message) => this.onError(`${message} (in a submission of ${kernels})`)));
    this.encoder = null;
    this.dispatches = 0;
    this.labels.clear();
  }

  /** Resolves once every submission so far has had its error scopes read (and onError called for an error). */
  async settled(): Promise<void> {
    const checks = this.checks;
    this.checks = [];
    await Promise.all(checks);
  }

  private open(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

/** Pops the validation and out-of-memory scopes pushed (in that order, out-of-memory first) and reports an error. */
export async function settle(device: GPUDevice, report: (message: string) => void): Promise<void> {
  const [validation, memory] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
  const error = validation ?? memory;
  if (error) report(error.message);
}
