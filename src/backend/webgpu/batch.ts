// Records consecutive kernels into one command encoder and one compute pass and submits them lazily:
// on a download, an upload, a flush, or when the batch is full. A batch the device refuses is replayed one
// command at a time, so that a device error fails the one op that caused it (see submitChecked).
import type { PooledBuffer } from './pool.ts';

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

/** One recorded dispatch or copy, kept until its batch is known to be valid. */
interface Command {
  reads: PooledBuffer[];
  writes: PooledBuffer[];
  /** The op as an error names it (kernel, sizes); built only when it fails. */
  describe: () => string;
  /** Records the command alone into `encoder` (for a replay). */
  encode: (encoder: GPUCommandEncoder) => void;
}

/** A batch handed to submit(): its encoder, its commands and a copy of its uniforms. */
interface Work {
  encoder: GPUCommandEncoder;
  commands: Command[];
  uniforms: ArrayBuffer;
}

export class CommandBatch {
  /** Every dispatch of a batch reads its uniforms from its own slot here (dynamic offset). */
  readonly arena: GPUBuffer;
  private readonly staged = new ArrayBuffer(uniformSlot * maxDispatches);
  private readonly uniforms = new Uniforms(this.staged);
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private commands: Command[] = [];
  /** Queue work (submissions, uploads) in order: each waits until the one before is known valid or replayed. */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Op failures not yet reported by a download or a flush. */
  private readonly unreported = new Set<string>();

  /** `allocated` resolves once the device has answered every buffer allocation so far (pool.ts). */
  constructor(private readonly device: GPUDevice, private readonly allocated: () => Promise<void>) {
    this.arena = device.createBuffer({ size: this.staged.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  dispatch(pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, groups: readonly [number, number, number], write: (u: Uniforms) => void, op: Omit<Command, 'encode'>): void {
    if (this.dispatches === maxDispatches) this.submit();
    const offset = this.dispatches++ * uniformSlot;
    this.uniforms.base = offset / 4;
    this.uniforms.clear();
    write(this.uniforms);
    const record = (pass: GPUComputePassEncoder) => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup, [offset]);
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    };
    this.pass ??= this.open().beginComputePass();
    record(this.pass);
    this.commands.push({ ...op, encode: (encoder) => {
      const pass = encoder.beginComputePass();
      record(pass);
      pass.end();
    } });
  }

  copy(src: PooledBuffer, dst: PooledBuffer, bytes: number): void {
    this.endPass();
    this.open().copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, bytes);
    this.commands.push({
      reads: [src], writes: [dst], describe: () => `a copy of ${bytes} bytes`,
      encode: (encoder) => encoder.copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, bytes),
    });
  }

  /** Writes `data` into `target` after everything recorded so far (the data is copied when it has to wait). */
  write(target: PooledBuffer, data: Float32Array | Int32Array): void {
    this.submit();
    const put = (values: Float32Array | Int32Array) => {
      this.device.queue.writeBuffer(target.buffer, 0, values);
      target.poison = undefined;
    };
    if (this.pending === 0) put(data);
    else {
      const copy = data.slice();
      this.enqueue(async () => put(copy));
    }
  }

  /** Submits what was recorded; an error the device raises fails only the op that caused it (submitChecked). */
  submit(): void {
    if (!this.encoder) return;
    this.endPass();
    const work: Work = { encoder: this.encoder, commands: this.commands, uniforms: this.staged.slice(0, this.dispatches * uniformSlot) };
    this.encoder = null;
    this.dispatches = 0;
    this.commands = [];
    this.enqueue(() => this.submitChecked(work));
  }

  /** Resolves once everything submitted so far is on the queue, its errors read and its failed ops marked. */
  async settled(): Promise<void> {
    await this.tail;
  }

  /** Throws (once) the op failures that no download has reported yet. */
  reportFailures(): void {
    if (this.unreported.size === 0) return;
    const failures = [...this.unreported];
    this.unreported.clear();
    throw new Error(`webgpu backend: ${failures.join('; ')}`);
  }

  /** Throws if `b`'s contents come from an op that failed on the device (or it could not be created). */
  checkContents(b: PooledBuffer): void {
    if (b.poison) {
      this.unreported.delete(b.poison.cause);
      throw new Error(`webgpu backend: ${b.poison.message}`);
    }
    if (b.failed) throw new Error(`webgpu backend: ${b.failed}`);
  }

  /** Runs `step` now when nothing waits, else after the queue work before it. */
  private enqueue(step: () => Promise<void>): void {
    this.pending++;
    const done = () => void this.pending--;
    const failed = (e: unknown) => {
      done();
      this.unreported.add(`queue work failed: ${String(e)}`); // thrown by the next flush, not lost
    };
    this.tail = this.pending === 1 ? step().then(done, failed) : this.tail.then(step).then(done, failed);
  }

  /**
   * Submits a batch as one command buffer inside validation and out-of-memory error scopes. A batch the
   * device refuses ran not at all (an invalid command buffer is not executed), so it is replayed one command
   * at a time, each in its own scopes: the op that fails is named, and its outputs are marked failed
   * (poison); a later command that reads a failed output is skipped and its outputs marked in turn.
   */
  private async submitChecked(work: Work): Promise<void> {
    const d = this.device;
    if (work.commands.some((c) => c.reads.some((b) => b.poison || b.failed))) return this.replay(work);
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    if (work.uniforms.byteLength > 0) d.queue.writeBuffer(this.arena, 0, work.uniforms);
    d.queue.submit([work.encoder.finish()]);
    if (!(await popScopes(d))) {
      for (const c of work.commands) c.writes.forEach((b) => (b.poison = undefined));
      return;
    }
    await this.replay(work);
  }

  private async replay(work: Work): Promise<void> {
    const d = this.device;
    await this.allocated(); // so that a command on a buffer the device could not create names that cause
    if (work.uniforms.byteLength > 0) d.queue.writeBuffer(this.arena, 0, work.uniforms);
    for (const c of work.commands) {
      const input = c.reads.find((b) => b.poison || b.failed);
      if (input) {
        const cause = input.poison?.cause ?? input.failed!;
        // What it would have updated in place (an optimizer's parameter and state) keeps its valid contents.
        for (const b of c.writes.filter((w) => !c.reads.includes(w))) b.poison = { message: `${c.describe()} was not run: its input is the output of a failed op (${cause})`, cause };
        continue;
      }
      d.pushErrorScope('out-of-memory');
      d.pushErrorScope('validation');
      const encoder = d.createCommandEncoder();
      c.encode(encoder);
      d.queue.submit([encoder.finish()]);
      const error = await popScopes(d);
      if (!error) c.writes.forEach((b) => (b.poison = undefined));
      else {
        const message = `${c.describe()} failed on the device: ${c.writes.find((b) => b.failed)?.failed ?? error}`;
        for (const b of c.writes) b.poison = { message, cause: message };
        this.unreported.add(message);
      }
    }
  }

  private open(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

/** Pops the validation and out-of-memory scopes pushed (in that order, out-of-memory first); the error's message or null. */
export async function popScopes(device: GPUDevice): Promise<string | null> {
  const [validation, memory] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
  const error = validation ?? memory;
  return error ? `${error instanceof GPUOutOfMemoryError ? 'out of memory: ' : ''}${error.message}` : null;
}
