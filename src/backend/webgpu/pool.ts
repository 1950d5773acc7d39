// GPU buffers recycled by size class and usage: freeing returns a buffer here, allocating reuses one.
import { popScopes } from './batch.ts';

export interface PooledBuffer {
  readonly buffer: GPUBuffer;
  /** Stable identity for bind-group cache keys. */
  readonly id: number;
  /** Capacity in bytes (the size class). */
  readonly capacity: number;
  readonly usage: GPUBufferUsageFlags;
  /** Why the device could not create this buffer (out of memory); such a buffer is never reused. */
  failed?: string;
  /** Why the contents are not valid: the op that should have written them failed on the device (`cause`), or read such an output. */
  poison?: { message: string; cause: string };
}

/** Bytes rounded up to a quarter power of two (at most 25% slack), at least 256, capped at `max`. */
export function sizeClass(bytes: number, max: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  const rounded = Math.ceil(bytes / step) * step;
  return rounded <= max ? rounded : Math.ceil(bytes / 4) * 4;
}

export class BufferPool {
  private readonly idle = new Map<string, PooledBuffer[]>();
  private readonly everything: PooledBuffer[] = [];
  private nextId = 1;
  /** Resolves once the error scopes of every allocation so far are read. */
  private answered: Promise<unknown> = Promise.resolve();

  constructor(private readonly device: GPUDevice, private readonly maxBytes: number) {}

  acquire(bytes: number, usage: GPUBufferUsageFlags): PooledBuffer {
    const capacity = sizeClass(bytes, this.maxBytes);
    const reused = this.idle.get(`${usage}:${capacity}`)?.pop();
    if (reused) return reused;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const buffer = this.device.createBuffer({ size: capacity, usage });
    const pooled: PooledBuffer = { buffer, id: this.nextId++, capacity, usage };
    // Marked once the device has answered: the ops that use it then fail with this reason (batch.ts).
    const check = popScopes(this.device).then((error) => {
      if (error) pooled.failed = `the device could not allocate ${capacity} bytes (${error})`;
    });
    this.answered = Promise.all([this.answered, check]);
    this.everything.push(pooled);
    return pooled;
  }

  /** Resolves once every allocation so far has had its error scopes read (and a failed buffer marked). */
  async settled(): Promise<void> {
    await this.answered;
  }

  release(b: PooledBuffer): void {
    if (b.failed) {
      b.buffer.destroy();
      this.everything.splice(this.everything.indexOf(b), 1);
      return;
    }
    const key = `${b.usage}:${b.capacity}`;
    const list = this.idle.get(key);
    if (list) list.push(b);
    else this.idle.set(key, [b]);
  }

  /** Number of GPU buffers ever created (live or idle). */
  get created(): number {
    return this.everything.length;
  }

  destroy(): void {
    for (const b of this.everything) b.buffer.destroy();
    this.everything.length = 0;
    this.idle.clear();
  }
}
