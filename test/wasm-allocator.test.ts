// The wasm backend's allocator on its own: blocks of a size freed by one training step serve the next
// step's allocations of that size, and kept blocks go back to the free list before the memory grows; a
// model that does not fit the memory the host lets it grow to is refused clearly, and the heap works on.
import { describe, expect, it } from 'vitest';
import { Allocator } from '../src/backend/wasm/allocator.ts';

const PAGE = 65536;

describe('wasm allocator', () => {
  it('serves a repeated pattern of allocations from the blocks the last round freed: nothing new after the first round', () => {
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 64 });
    const heap = new Allocator(memory, 1024);
    const sizes = [5120 * 4, 4, 131072, 20480, 512, 40960, 4];
    const round = (): number[] => {
      const ptrs = sizes.map((s) => heap.alloc(s));
      for (const p of [...ptrs].reverse()) heap.free(p);
      return ptrs;
    };
    const first = round();
    const bytes = memory.buffer.byteLength;
    for (let k = 0; k < 20; k++) expect(new Set(round())).toEqual(new Set(first));
    expect(memory.buffer.byteLength).toBe(bytes);
    expect(heap.allocatedBytes()).toBe(0);
  });

  it('gives kept blocks back to the free list, merged, before it grows the memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 });
    const heap = new Allocator(memory, 0);
    const small = Array.from({ length: 4 }, () => heap.alloc(12 * 1024));
    for (const p of small) heap.free(p);
    const big = heap.alloc(48 * 1024); // fits only where the four freed blocks lie, merged
    expect(big).toBe(small[0]);
    expect(memory.buffer.byteLength).toBe(PAGE);
    heap.free(big);
  });

  it('a model larger than the memory can grow to: each tensor fits, the last is refused with the sizes, the heap works on', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8 }); // a host that lets it grow to 512 KiB only
    const heap = new Allocator(memory, 0);
    const layers = [heap.alloc(200 * 1024), heap.alloc(200 * 1024)];
    expect(() => heap.alloc(200 * 1024)).toThrow(
      /^wasm backend: could not grow WebAssembly memory to 614.4 kB for allocating 204.8 kB \(live: 409.6 kB in 2 allocations, heap end 409.6 kB\): RangeError/,
    );
    expect(heap.allocatedBytes()).toBe(400 * 1024); // nothing half-made
    const small = heap.alloc(64 * 1024); // still room below the ceiling
    heap.free(small);
    for (const p of layers) heap.free(p);
    expect(heap.allocatedBytes()).toBe(0);
    heap.free(heap.alloc(400 * 1024)); // the space freed serves again
  });
});
