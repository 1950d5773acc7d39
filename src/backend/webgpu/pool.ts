// GPU buffers recycled by size class and usage: freeing returns a buffer here, allocating reuses one.
import { settle } from './batch.ts';

export interface PooledBuffer {
  readonly buffer: GPUBuffer;
  /** Stable identity for bind-group cache keys. */
  readonly id: number;
  /** Capacity in bytes (the size class). */
  readonly capacity: number;
  readonly usage: GPUBufferUsageFlags;
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
  /** The error scopes of allocations not yet read back. */
  private checks: Promise<void>[] = [];

  /** `onError` hears of a buffer the device could not create (out of memory, or invalid), asynchronously. */
  constructor(private readonly device: GPUDevice, private readonly maxBytes: number, private readonly onError: (message: string) => void = () => {}) {}

  acquire(bytes: number, usage: GPUBufferUsageFlags): PooledBuffer {
    const capacity = sizeClass(bytes, this.maxBytes);
    const reused = this.idle.get(`${usage}:${capacity}`)?.pop();
    if (reused) return reused;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const buffer = this.device.createBuffer({ size: capacity, usage });
    this.checks.push(settle(this.device, (message) => this.onError(`allocating ${capacity} bytes: ${message}`)));
    const pooled = { buffer, id: this.nextId++, capacity, usage };
    this.everything.push(pooled);
    return pooled;
  }

  /** Resolves once every allocation so far has had its error scopes read (and onError called for an error). */
  async settled(): Promise<void> {
    const checks = this.checks;
    this.checks = [];
    await Promise.all(checks);
  }

  release(b: PooledBuffer): void {
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
