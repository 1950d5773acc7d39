// The wasm backend against the reference on 1, 2 and 3 threads (3 exercises uneven splits),
// plus its allocator: exact live bytes, memory growth under live views, and the 4 GiB limit error.
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { kernelSuite } from './helpers/kernel-suite.ts';

const created: Backend[] = [];
async function make(threads: number): Promise<Backend> {
  const b = await createWasmBackend({ threads });
  created.push(b);
  return b;
}
afterAll(() => {
  for (const b of created) b.dispose();
});

for (const threads of [1, 2, 3]) kernelSuite(`wasm ${threads} thread${threads > 1 ? 's' : ''}`, () => make(threads));

describe('wasm backend memory', () => {
  it('reports its threads and SIMD flavour', async () => {
    const { details } = (await make(2)).info();
    expect(details.threads).toBe(2);
    expect(['simd', 'relaxed-simd']).toContain(details.simd);
    expect((await make(1)).info().details.singleThreadedBecause).toMatch(/threads: 1/);
  });

  it('returns live bytes to their start after many alloc/free cycles', async () => {
    const b = await make(2);
    const start = b.allocatedBytes();
    const live: ReturnType<Backend['alloc']>[] = [];
    let seed = 7;
    for (let step = 0; step < 2000; step++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      if (live.length && seed % 3 === 0) b.free(live.splice(seed % live.length, 1)[0]);
      else live.push(b.alloc(1 + (seed % 5000), seed % 2 ? 'f32' : 'i32'));
    }
    for (const s of live) b.free(s);
    expect(b.allocatedBytes()).toBe(start);
  });

  it('keeps data and kernels right when memory grows while views exist', async () => {
    const b = await make(2);
    const small = b.alloc(1000, 'f32');
    b.upload(small, Float32Array.from({ length: 1000 }, (_, i) => i));
    const before = b.info().details.memoryBytes as number;
    const big = b.alloc(before / 2, 'f32'); // twice the memory's size in bytes: it must grow
    expect(b.info().details.memoryBytes as number).toBeGreaterThan(before);
    const out = b.alloc(1000, 'f32');
    b.scalar('mul', small, 2, out);
    const got = b.downloadSync!(out);
    expect(got[999]).toBe(1998);
    expect(b.downloadSync!(small)[500]).toBe(500);
    for (const s of [small, big, out]) b.free(s);
  });

  it('refuses an allocation past 4 GiB with a clear error and keeps working', async () => {
    const b = await make(2);
    const start = b.allocatedBytes();
    expect(() => b.alloc(1.25e9, 'f32')).toThrow(/allocating 5\.0 GB would exceed the 4 GiB WebAssembly memory limit/);
    expect(b.allocatedBytes()).toBe(start);
    const x = b.alloc(3, 'f32');
    b.fill(x, 4);
    expect(Array.from(b.downloadSync!(x))).toEqual([4, 4, 4]);
    b.free(x);
  });
});
