// A first-fit free-list allocator over one WebAssembly.Memory: 16-byte aligned blocks (for SIMD),
// neighbours coalesced on free, the memory grown on demand up to the 4 GiB wasm32 limit. Freed blocks up
// to SPARE_BLOCK bytes are first kept aside by size (up to SPARE_TOTAL bytes in all): a training step
// frees and re-allocates the same sizes every step, which then cost one map lookup, not a walk of the list.

const ALIGN = 16;
const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE;
const SPARE_BLOCK = 4 << 20;
const SPARE_TOTAL = 16 << 20;

interface Block {
  start: number;
  size: number;
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export class Allocator {
  /** Free blocks below `top`, sorted by address. */
  private readonly holes: Block[] = [];
  /** Live blocks: start -> [reserved bytes, requested bytes]. */
  private readonly live = new Map<number, [number, number]>();
  private liveBytes = 0;
  /** Freed blocks kept for reuse, by reserved size (not in `holes`). */
  private readonly spare = new Map<number, number[]>();
  private spareBytes = 0;
  /** Everything from `top` to the end of memory is free. */
  private top: number;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Exact bytes requested by live allocations. */
  allocatedBytes(): number {
    return this.liveBytes;
  }

  /** Returns the byte address of `bytes` fresh bytes, 16-byte aligned. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let start = this.fromSpare(size);
    if (start < 0) start = this.fromHoles(size);
    if (start < 0 && this.spareBytes > 0 && this.top + size > this.memory.buffer.byteLength) {
      this.releaseSpare(); // before growing the memory, give the kept blocks back
      start = this.fromHoles(size);
    }
    if (start < 0) {
      start = this.top;
      this.ensure(start + size, bytes);
      this.top += size;
    }
    this.live.set(start, [size, bytes]);
    this.liveBytes += bytes;
    return start;
  }

  /** Releases the block at `ptr`; returns the bytes it held. */
  free(ptr: number): number {
    const entry = this.live.get(ptr);
    if (!entry) throw new Error(`wasm backend: free of unknown address ${ptr}`);
    this.live.delete(ptr);
    const [size, bytes] = entry;
    this.liveBytes -= bytes;
    if (size <= SPARE_BLOCK && this.spareBytes + size <= SPARE_TOTAL) {
      const stack = this.spare.get(size);
      if (stack) stack.push(ptr);
      else this.spare.set(size, [ptr]);
      this.spareBytes += size;
    } else this.release({ start: ptr, size });
    return bytes;
  }

  private fromSpare(size: number): number {
    const ptr = this.spare.get(size)?.pop();
    if (ptr === undefined) return -1;
    this.spareBytes -= size;
    return ptr;
  }

  /** Returns every kept block to the free list. */
  private releaseSpare(): void {
    for (const [size, stack] of this.spare) for (const start of stack) this.release({ start, size });
    this.spare.clear();
    this.spareBytes = 0;
  }

  private fromHoles(size: number): number {
    for (let k = 0; k < this.holes.length; k++) {
      const h = this.holes[k];
      if (h.size < size) continue;
      const start = h.start;
      if (h.size === size) this.holes.splice(k, 1);
      else {
        h.start += size;
        h.size -= size;
      }
      return start;
    }
    return -1;
  }

  /** Inserts a free block in address order, merging it with its neighbours and with `top`. */
  private release(b: Block): void {
    let k = 0;
    while (k < this.holes.length && this.holes[k].start < b.start) k++;
    const prev = this.holes[k - 1], next = this.holes[k];
    if (next && b.start + b.size === next.start) {
      b.size += next.size;
      this.holes.splice(k, 1);
    }
    if (prev && prev.start + prev.size === b.start) {
      prev.size += b.size;
      b = prev;
      k--;
    } else this.holes.splice(k, 0, b);
    if (b.start + b.size === this.top) {
      this.top = b.start;
      this.holes.splice(k, 1);
    }
  }

  /** Grows the memory so that `end` bytes exist, or throws a clear error naming the sizes. */
  private ensure(end: number, requested: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const state = `(live: ${formatBytes(this.liveBytes)} in ${this.live.size} allocations, heap end ${formatBytes(this.top)})`;
    if (end > MAX_BYTES) {
      throw new Error(`wasm backend: allocating ${formatBytes(requested)} would exceed the 4 GiB WebAssembly memory limit ${state}`);
    }
    const needed = Math.ceil((end - have) / PAGE);
    // Grow by at least a quarter of the current size so that many small allocations do not grow one page each.
    const generous = Math.min(Math.max(needed, Math.ceil(have / PAGE / 4)), MAX_BYTES / PAGE - have / PAGE);
    let failure: unknown;
    for (const pages of new Set([generous, needed])) {
      try {
        this.memory.grow(pages);
        return;
      } catch (e) {
        failure = e;
      }
    }
    throw new Error(
      `wasm backend: could not grow WebAssembly memory to ${formatBytes(end)} for allocating ${formatBytes(requested)} ${state}: ${String(failure)}`,
    );
  }
}
