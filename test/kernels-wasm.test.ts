// The wasm backend against the reference on 1, 2 and 3 threads (3 exercises uneven splits),
// plus its allocator: exact live bytes, memory growth under live views, and the 4 GiB limit error.
import { describe, expect, it } from 'vitest';
import type { Backend, Storage } from '../src/backend/backend.ts';
import { JsBackend } from '../src/backend/js/js-backend.ts';
import type { Pool } from '../src/backend/wasm/pool.ts';
import { inputGrad, overlapsPanels, weightGrad } from '../src/backend/wasm/tiling.ts';
import { Rng } from '../src/random.ts';
import { kernelSuite } from './helpers/kernel-suite.ts';
import { wasmBackends } from './helpers/wasm-backends.ts';

const wasm = wasmBackends();
const make = (threads: number) => wasm({ threads });

for (const threads of [1, 2, 3]) kernelSuite(`wasm ${threads} thread${threads > 1 ? 's' : ''}`, () => make(threads));

describe('wasm backend, kernels large enough to be split over threads', () => {
  const ref = new JsBackend(), rng = new Rng(99);
  const n = 100_003; // not a multiple of any chunk
  const data = (len: number) => Float32Array.from({ length: len }, () => 0.1 + rng.uniform());
  const x = data(n), y = data(n), m = data(n), v = data(n);

  /** Runs fn on the reference and on a wasm backend (3 threads unless said) over copies of inputs; returns every buffer of both. */
  async function compare(inputs: Float32Array[], fn: (b: Backend, s: Storage[]) => void, threads = 3): Promise<void> {
    const dut = await make(threads);
    const results: Float32Array[][] = [];
    for (const b of [ref, dut]) {
      const s = inputs.map((d) => {
        const st = b.alloc(d.length, 'f32');
        b.upload(st, d);
        return st;
      });
      fn(b, s);
      results.push(await Promise.all(s.map(async (st) => (await b.download(st)) as Float32Array)));
      s.forEach((st) => b.free(st));
    }
    results[0].forEach((want, k) => {
      const got = results[1][k];
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])))) throw new Error(`buffer ${k}[${i}]: got ${got[i]}, want ${want[i]}`);
      }
    });
  }

  it('fill, unary, scalar', () =>
    compare([x, new Float32Array(n), new Float32Array(n), new Float32Array(n)], (b, [a, o1, o2, o3]) => {
      b.fill(o1, 3);
      b.unary('exp', a, o2);
      b.scalar('pow', a, 1.5, o3);
    }));
  it('broadcasting binary and strided copy (a transpose)', () =>
    compare([x.subarray(0, 1000), y.subarray(0, 300), new Float32Array(300_000), new Float32Array(300_000)], (b, [a, c, o, t]) => {
      b.binary('sub', a, c, o, [300, 1000], [0, 1], [1, 0]);
      b.copyStrided(o, t, [1000, 300], [1, 1000], 0, [300, 1], 0);
    }));
  it('the three block GEMMs, odd sizes above the serial threshold', () => {
    const shape = { B: 129, G: 3, I: 77, O: 131 }; // 3.9M multiply-adds per GEMM
    const { B, G, I, O } = shape;
    return compare([data(B * G * I), data(G * O * I), data(G * O), data(B * G * O), new Float32Array(B * G * O), new Float32Array(B * G * I), new Float32Array(G * O * I), new Float32Array(G * O)], (b, [xs, w, bias, dy, y, dx, dw, db]) => {
      b.blockLinear(xs, w, bias, y, shape, 'relu');
      b.blockLinearInputGrad(dy, w, dx, shape);
      b.blockLinearWeightGrad(dy, xs, dw, shape);
      b.reduce('sum', dy, db, 1, B, G * O);
    });
  });
  // blockGemm runs K over 1024 (over 512 where it overlaps packing B, below) in steps of 512, each after the first adding to C, and rows in chunks of 256:
  // each GEMM with its K past 1024 (and past a multiple of 512) and its rows past 256 (one shape each, or the reference takes minutes)
  const blocked = [
    { B: 300, G: 2, I: 4100, O: 5 }, // forward: K = I, rows = B
    { B: 300, G: 2, I: 5, O: 4100 }, // input grad: K = O, rows = B
    { B: 4100, G: 2, I: 5, O: 300 }, // weight grad: K = B, rows = O
  ];
  for (const threads of [1, 3]) {
    it(`the three block GEMMs in k steps and row chunks (${threads} thread${threads > 1 ? 's' : ''}), bias and GELU at the last step`, async () => {
      const [f, i, w] = blocked;
      await compare([data(f.B * f.G * f.I), data(f.G * f.O * f.I), data(f.G * f.O), new Float32Array(f.B * f.G * f.O), new Float32Array(f.B * f.G * f.O)], (b, [xs, ws, bias, y, z]) => b.blockLinear(xs, ws, bias, y, f, 'gelu', z), threads);
      await compare([data(i.B * i.G * i.O), data(i.G * i.O * i.I), new Float32Array(i.B * i.G * i.I)], (b, [dy, ws, dx]) => b.blockLinearInputGrad(dy, ws, dx, i), threads);
      await compare([data(w.B * w.G * w.O), data(w.B * w.G * w.I), new Float32Array(w.G * w.O * w.I)], (b, [dy, xs, dw]) => b.blockLinearWeightGrad(dy, xs, dw, w), threads);
    });
  }
  // Where B's rows are contiguous and span 256 KiB or more, blockGemm packs the next B panel during the tiles
  // (overlapsPanels): K past 512 in steps, 8-column panels then a 4-column one and a 1..3-column tail, and the input
  // grad's rows past 256
  const overlapping = [
    { B: 261, G: 2, I: 141, O: 1030 }, // input grad: K = O, B = W with 141 columns a row
    { B: 530, G: 2, I: 70, O: 37 }, // weight grad: K = B, B = x with 140 columns a row
  ];
  it('the overlapping shapes take that path', () => {
    expect(overlapsPanels(inputGrad(0, 0, 0, { ...overlapping[0], precision: 'f32' }))).toBe(true);
    expect(overlapsPanels(weightGrad(0, 0, 0, { ...overlapping[1], precision: 'f32' }))).toBe(true);
  });
  for (const threads of [1, 3]) {
    it(`the input and weight gradients packing B's next panel during the tiles (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const [i, w] = overlapping;
      await compare([data(i.B * i.G * i.O), data(i.G * i.O * i.I), new Float32Array(i.B * i.G * i.I)], (b, [dy, ws, dx]) => b.blockLinearInputGrad(dy, ws, dx, i), threads);
      await compare([data(w.B * w.G * w.O), data(w.B * w.G * w.I), new Float32Array(w.G * w.O * w.I)], (b, [dy, xs, dw]) => b.blockLinearWeightGrad(dy, xs, dw, w), threads);
    });
  }
  it('the three block GEMMs at f16, operands large enough for their rounding to binary16 to be split too', () => {
    const shape = { B: 129, G: 3, I: 177, O: 131, precision: 'f16' as const }; // W and x hold over 2^16 values
    const { B, G, I, O } = shape;
    return compare([data(B * G * I), data(G * O * I), data(G * O), data(B * G * O), new Float32Array(B * G * O), new Float32Array(B * G * I), new Float32Array(G * O * I), new Float32Array(G * O)], (b, [xs, w, bias, dy, y, dx, dw, db]) => {
      b.blockLinear(xs, w, bias, y, shape, 'none');
      b.blockLinearInputGrad(dy, w, dx, shape);
      b.blockLinearWeightGrad(dy, xs, dw, shape);
      b.reduce('sum', dy, db, 1, B, G * O);
    });
  });
  it('softmax over many rows', () =>
    compare([x.subarray(0, 2000 * 50), new Float32Array(2000 * 50)], (b, [a, o]) => b.softmax(a, o, 2000, 50, true)));
  it('sgdStep and adamStep', () =>
    compare([x, y, m, v], (b, [p, g, ms, vs]) => {
      b.sgdStep(p, g, ms, { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01, firstStep: false });
      b.adamStep(p, g, ms, vs, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true, step: 5 });
    }));
});

describe('a worker joining a GEMM meant for the calling thread alone', () => {
  // A worker that finishes its last task just as the next job starts may claim tasks of that job even when
  // the job was meant for the calling thread alone (too small to split). Its scratch slot must exist: this
  // once overflowed into the next allocation and made 2-thread training runs differ now and then.
  it('writes nothing outside its outputs and gets the reference result', async () => {
    const b = await make(3);
    (b as unknown as { pool: Pool }).pool.joinSerialJobs();
    const rng = new Rng(5), data = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const shape = { B: 8, G: 4, I: 1000, O: 4 }; // 4 tasks, 128,000 multiply-adds: below the split size (2^17); a large panel
    const [xv, wv] = [data(8 * 4 * 1000), data(4 * 4 * 1000)];
    const [x, w, y] = [xv, wv, new Float32Array(8 * 16)].map((d) => {
      const s = b.alloc(d.length, 'f32');
      b.upload(s, d);
      return s;
    });
    b.blockLinear(x, w, null, y, shape, 'none'); // sizes the scratch
    const canaryValues = data(1 << 16), canary = b.alloc(canaryValues.length, 'f32');
    b.upload(canary, canaryValues);
    for (let i = 0; i < 50; i++) b.blockLinear(x, w, null, y, shape, 'none');
    expect([...((await b.download(canary)) as Float32Array)]).toEqual([...canaryValues]);
    const ref = new JsBackend(), [rx, rw, ry] = [xv, wv, new Float32Array(8 * 16)].map((d) => {
      const s = ref.alloc(d.length, 'f32');
      ref.upload(s, d);
      return s;
    });
    ref.blockLinear(rx, rw, null, ry, shape, 'none');
    const [got, want] = [(await b.download(y)) as Float32Array, (await ref.download(ry)) as Float32Array];
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i])) * 32);
    for (const s of [x, w, y, canary]) b.free(s);
  });
});

describe('wakeWorkers: the kernel workers woken with no job', () => {
  // A server wakes them as each request arrives, whether or not a kernel of its pass is then split: each finds no
  // task and polls for the next job. Jobs before and after must run whole, on 1 thread (no workers) as on 3.
  for (const threads of [1, 3]) {
    it(`leaves the ${threads}-thread pool's jobs whole and its workers alive`, async () => {
      const b = await make(threads), pool = (b as unknown as { pool: Pool }).pool;
      expect(b.wakeWorkers).toBeTypeOf('function');
      const rng = new Rng(8), data = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
      const shape = { B: 64, G: 4, I: 96, O: 80 }; // 2M multiply-adds: split over the threads
      const inputs = [data(64 * 4 * 96), data(4 * 80 * 96), data(4 * 80)];
      const run = async (be: Backend, wake: boolean): Promise<Float32Array> => {
        const [x, w, bias] = inputs.map((d) => {
          const st = be.alloc(d.length, 'f32');
          be.upload(st, d);
          return st;
        });
        const y = be.alloc(64 * 4 * 80, 'f32');
        for (let k = 0; k < 20; k++) {
          if (wake) be.wakeWorkers?.();
          be.blockLinear(x, w, bias, y, shape, 'relu');
          if (wake) be.wakeWorkers?.();
        }
        const out = (await be.download(y)) as Float32Array;
        for (const st of [x, w, bias, y]) be.free(st);
        return out;
      };
      const [got, want] = [await run(b, true), await run(new JsBackend(), false)];
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i])));
      expect([pool.lostTasks, pool.restarts]).toEqual([0, 0]);
    });
  }
});

describe('wasm tanh (f32x4: a series near 0, 1 - 2/(e^2|u| + 1) elsewhere)', () => {
  it('stays within 3e-7 relative of Math.tanh over ±[1e-30, 100], and keeps ±0, ±Infinity and NaN', async () => {
    const b = await make(1);
    const values: number[] = [0, -0, Infinity, -Infinity, NaN];
    for (let e = -30; e <= 2; e += 0.001) values.push(10 ** e, -(10 ** e));
    const xs = Float32Array.from(values), x = b.alloc(xs.length, 'f32'), y = b.alloc(xs.length, 'f32');
    b.upload(x, xs);
    b.unary('tanh', x, y);
    const got = (await b.download(y)) as Float32Array;
    expect([...got.subarray(0, 5)]).toEqual([0, -0, 1, -1, NaN]);
    for (let i = 5; i < xs.length; i++) {
      const want = Math.tanh(xs[i]);
      if (!(Math.abs(got[i] - want) <= 3e-7 * Math.abs(want))) throw new Error(`tanh(${xs[i]}) = ${got[i]}, want ${want}`);
    }
    b.free(x);
    b.free(y);
  });
});

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
