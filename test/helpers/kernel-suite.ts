// The one kernel suite every backend runs: each kernel on random shapes (odd sizes included)
// against the plain-TS reference backend.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, BlockShape, Storage } from '../../src/backend/backend.ts';
import { binaryOps, unaryOps, unaryTable } from '../../src/backend/op-table.ts';
import { JsBackend } from '../../src/backend/js/js-backend.ts';
import { Rng } from '../../src/random.ts';

/**
 * Block shapes: tiny, odd, not multiples of 4/8/tile, one larger than a 32x32 tile, one whose three GEMMs all have
 * K over 128 (the relaxed build's groups of 4 rows; shorter K take groups of 5) with odd rows and narrow last columns,
 * and a batch long enough that the weight grad's k (the batch) takes two steps while it reads dyᵀ in place (G·O short,
 * I a multiple of 8).
 */
export const blockShapes: BlockShape[] = [
  { B: 1, G: 1, I: 1, O: 1 },
  { B: 3, G: 2, I: 5, O: 7 },
  { B: 7, G: 3, I: 13, O: 9 },
  { B: 33, G: 4, I: 17, O: 31 },
  { B: 65, G: 2, I: 70, O: 37 },
  { B: 128, G: 1, I: 64, O: 10 },
  { B: 128, G: 4, I: 64, O: 64 },
  { B: 133, G: 2, I: 137, O: 131 },
  { B: 1100, G: 2, I: 16, O: 6 },
];

function randomData(rng: Rng, n: number, positive = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = positive ? 0.1 + 2 * rng.uniform() : rng.normal();
  return a;
}

/** Runs `fn` on both backends with the same inputs and returns both outputs. */
async function both(
  ref: Backend,
  dut: Backend,
  inputs: (Float32Array | Int32Array)[],
  outSizes: number[],
  fn: (b: Backend, ins: Storage[], outs: Storage[]) => void,
  initialOut?: Float32Array[],
): Promise<[Float32Array[], Float32Array[]]> {
  const results: Float32Array[][] = [];
  for (const b of [ref, dut]) {
    const ins = inputs.map((d) => {
      const s = b.alloc(d.length, d instanceof Int32Array ? 'i32' : 'f32');
      b.upload(s, d);
      return s;
    });
    const outs = outSizes.map((n, k) => {
      const s = b.alloc(n, 'f32');
      b.upload(s, initialOut?.[k] ?? new Float32Array(n).fill(7)); // garbage the kernel must overwrite
      return s;
    });
    fn(b, ins, outs);
    const read: Float32Array[] = [];
    for (const s of [...ins, ...outs]) read.push((await b.download(s)) as Float32Array);
    for (const s of [...ins, ...outs]) b.free(s);
    results.push(read);
  }
  return [results[0], results[1]];
}

function expectClose(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i], g = got[i];
    if (g === w) continue; // exact, infinities included
    if (Number.isNaN(w)) {
      expect(Number.isNaN(g), `${what}[${i}] should be NaN, got ${g}`).toBe(true);
      continue;
    }
    const err = Math.abs(g - w);
    if (!(err <= tol * (1 + Math.abs(w)))) {
      throw new Error(`${what}[${i}]: got ${g}, want ${w} (|err| ${err} > tol ${tol})`);
    }
  }
}

/** Registers the whole kernel suite for one backend; `make` creates it, `label` names it. */
export function kernelSuite(label: string, make: () => Promise<Backend>, tol = 2e-5): void {
  describe(`kernels on ${label}`, () => {
    const ref = new JsBackend();
    const rng = new Rng(1234);
    let dut: Backend;
    // Made before any case, so that a -t filter selecting some cases still runs them on this backend.
    beforeAll(async () => {
      dut = await make();
    });
    it('creates the backend', () => {
      expect(dut.name).toBeTypeOf('string');
    });

    it.each(blockShapes)('blockLinear forward, bias, relu and both gelus (with their pre-activation), %o', async (shape) => {
      const { B, G, I, O } = shape;
      const acts = [[true, 'none'], [false, 'none'], [true, 'relu'], [true, 'gelu'], [false, 'gelu'], [true, 'gelu_tanh'], [false, 'gelu_tanh']] as const;
      for (const [bias, act] of acts) {
        const gelu = act === 'gelu' || act === 'gelu_tanh';
        const ins = [randomData(rng, B * G * I), randomData(rng, G * O * I), randomData(rng, G * O)];
        const [want, got] = await both(ref, dut, ins, [B * G * O, B * G * O], (b, [x, w, bs], [y, z]) =>
          b.blockLinear(x, w, bias ? bs : null, y, shape, act, gelu ? z : null),
        );
        expectClose(got[3], want[3], tol * Math.sqrt(I), `blockLinear(${bias},${act}) y`);
        if (gelu) expectClose(got[4], want[4], tol * Math.sqrt(I), `blockLinear(${bias},${act}) pre-activation`);
      }
    });

    it.each(['gelu', 'gelu_tanh'] as const)('fused %s over the whole f32 range: tiny, huge, infinite and NaN pre-activations', async (act) => {
      const z = Float32Array.from([-1e30, -100, -20, -9.5, -5, -3, -0.5, -1e-8, 0, -0, 1e-8, 0.5, 3, 5, 9.5, 20, 100, 1e30, Infinity, -Infinity, NaN, 1e-40]);
      const shape = { B: z.length, G: 1, I: 1, O: 1 }; // y = gelu(z · 1)
      const [want, got] = await both(ref, dut, [z, Float32Array.of(1)], [z.length, z.length], (b, [x, w], [y, pre]) =>
        b.blockLinear(x, w, null, y, shape, act, pre),
      );
      expectClose(got[2], want[2], tol, `${act}(z)`);
      expectClose(got[3], want[3], tol, 'pre-activation'); // not exact: GPUs may flush the subnormal to 0
    });

    it.each(blockShapes)('blockLinearInputGrad %o', async (shape) => {
      const { B, G, I, O } = shape;
      const ins = [randomData(rng, B * G * O), randomData(rng, G * O * I)];
      const [want, got] = await both(ref, dut, ins, [B * G * I], (b, [dy, w], [dx]) => b.blockLinearInputGrad(dy, w, dx, shape));
      expectClose(got[2], want[2], tol * Math.sqrt(O), 'dx');
    });

    it.each(blockShapes)('blockLinearWeightGrad %o', async (shape) => {
      const { B, G, I, O } = shape;
      const ins = [randomData(rng, B * G * O), randomData(rng, B * G * I)];
      const [want, got] = await both(ref, dut, ins, [G * O * I], (b, [dy, x], [dw]) => b.blockLinearWeightGrad(dy, x, dw, shape));
      expectClose(got[2], want[2], tol * Math.sqrt(B), 'dW');
    });

    it.each(blockShapes.flatMap((shape) => [shape, { ...shape, precision: 'f16' as const }]))('blockLinearGrads %o: the bits of blockLinearInputGrad and blockLinearWeightGrad', async (shape) => {
      const { B, G, I, O } = shape;
      const ins = [randomData(rng, B * G * O), randomData(rng, B * G * I), randomData(rng, G * O * I)];
      const outs = [B * G * I, G * O * I];
      const [, apart] = await both(dut, dut, ins, outs, (b, [dy, x, w], [dx, dw]) => {
        b.blockLinearInputGrad(dy, w, dx, shape);
        b.blockLinearWeightGrad(dy, x, dw, shape);
      });
      const [want, got] = await both(ref, dut, ins, outs, (b, [dy, x, w], [dx, dw]) => b.blockLinearGrads(dy, x, w, dx, dw, shape));
      expect(got[3]).toEqual(apart[3]);
      expect(got[4]).toEqual(apart[4]);
      expectClose(got[3], want[3], (shape.precision ? 1e-2 : tol) * Math.sqrt(O), 'dx');
      expectClose(got[4], want[4], (shape.precision ? 1e-2 : tol) * Math.sqrt(B), 'dW');
      const [, onlyDx] = await both(dut, dut, ins, [outs[0]], (b, [dy, x, w], [dx]) => b.blockLinearGrads(dy, x, w, dx, null, shape));
      const [, onlyDw] = await both(dut, dut, ins, [outs[1]], (b, [dy, x, w], [dw]) => b.blockLinearGrads(dy, x, w, null, dw, shape));
      expect(onlyDx[3]).toEqual(apart[3]);
      expect(onlyDw[3]).toEqual(apart[4]);
    });

    // Precision 'f16': every backend rounds the GEMMs' inputs to binary16 as the reference does, so
    // the results agree as closely as at f32 (an unrounded input would be off by ~1e-3). Native f16
    // arithmetic (WebGPU with shader-f16) also rounds products and partial sums: a looser bound there.
    describe('block GEMMs at precision f16', () => {
      const f16Tol = () => (dut.info().details.f16Gemm === 'f16-native' ? 4e-3 : tol);
      /** Normal data spread over magnitudes from f16 subnormals to tens (products up to ~1000: tolerances ×30). */
      const spread = (n: number) => randomData(rng, n).map((v, i) => v * [1, 3e-5, 1, 30, 0.01][i % 5]);
      it.each(blockShapes)('forward, backward input and weight grads %o', async (base) => {
        const shape = { ...base, precision: 'f16' as const };
        const { B, G, I, O } = shape;
        const x = spread(B * G * I), w = spread(G * O * I), b = randomData(rng, G * O), dy = spread(B * G * O);
        const [want, got] = await both(ref, dut, [x, w, b], [B * G * O], (be, [xs, ws, bs], [y]) => be.blockLinear(xs, ws, bs, y, shape, 'relu'));
        expectClose(got[3], want[3], f16Tol() * Math.sqrt(I) * 30, 'f16 y');
        const [want2, got2] = await both(ref, dut, [dy, w], [B * G * I], (be, [d, ws], [dx]) => be.blockLinearInputGrad(d, ws, dx, shape));
        expectClose(got2[2], want2[2], f16Tol() * Math.sqrt(O) * 30, 'f16 dx');
        const [want3, got3] = await both(ref, dut, [dy, x], [G * O * I], (be, [d, xs], [dw]) => be.blockLinearWeightGrad(d, xs, dw, shape));
        expectClose(got3[2], want3[2], f16Tol() * Math.sqrt(B) * 30, 'f16 dW');
      });

      it('rounds the inputs (f16 and f32 results differ) and keeps outputs f32', async () => {
        const shape = { B: 5, G: 2, I: 9, O: 3 };
        const x = randomData(rng, 90), w = randomData(rng, 54);
        const [, f32] = await both(ref, dut, [x, w], [30], (be, [xs, ws], [y]) => be.blockLinear(xs, ws, null, y, shape, 'none'));
        const [want, f16] = await both(ref, dut, [x, w], [30], (be, [xs, ws], [y]) => be.blockLinear(xs, ws, null, y, { ...shape, precision: 'f16' }, 'none'));
        expectClose(f16[2], want[2], f16Tol() * 3, 'f16 y');
        const largest = Math.max(...f16[2].map((v, i) => Math.abs(v - f32[2][i])));
        expect(largest).toBeGreaterThan(1e-4);
        expect(largest).toBeLessThan(1e-2);
      });
    });

    it.each(unaryOps)('unary %s', async (op) => {
      for (const n of [1, 3, 17, 1000]) {
        const positive = unaryTable[op].domain === 'positive';
        const x = randomData(rng, n, positive);
        if (n > 3) x[2] = NaN;
        const [want, got] = await both(ref, dut, [x], [n], (b, [a], [o]) => b.unary(op, a, o));
        expectClose(got[1], want[1], tol, `unary ${op}`);
      }
    });

    it.each(binaryOps)('scalar and broadcasting binary %s', async (op) => {
      const pos = op === 'pow';
      for (const n of [1, 5, 999]) {
        const x = randomData(rng, n, pos);
        const [want, got] = await both(ref, dut, [x], [n], (b, [a], [o]) => b.scalar(op, a, 1.5, o));
        expectClose(got[1], want[1], tol, `scalar ${op}`);
      }
      // [3,1,5] op [1,4,5] -> [3,4,5]; and a transposed read
      const a = randomData(rng, 15, pos), bb = randomData(rng, 20, pos);
      bb[3] = a[3]; // an equal pair for eq
      if (op === 'mask') for (let i = 0; i < bb.length; i += 3) bb[i] = 0;
      if (op === 'mask') a[1] = -Infinity; // outside the mask where bb[0] = 0: 0, not NaN
      if (op === 'thresholdBackward') {
        // b ≤ 0 (±0, negative, -∞) selects 0, even under an infinite a; b > 0, +∞ and NaN pass a
        [bb[0], bb[1], bb[2], bb[5], bb[6], bb[7]] = [0, -0, -Infinity, NaN, Infinity, -2];
        [a[0], a[1], a[2]] = [Infinity, -Infinity, NaN];
      }
      const [want, got] = await both(ref, dut, [a, bb], [60], (b, [x, y], [o]) =>
        b.binary(op, x, y, o, [3, 4, 5], [5, 0, 1], [0, 5, 1]),
      );
      expectClose(got[2], want[2], tol, `binary ${op}`);
      const [want2, got2] = await both(ref, dut, [randomData(rng, 35, pos), randomData(rng, 35, pos)], [35], (b, [x, y], [o]) =>
        b.binary(op, x, y, o, [5, 7], [1, 5], [7, 1]),
      );
      expectClose(got2[2], want2[2], tol, `binary ${op} transposed`);
    });

    it.each([
      [1, 1, 1],
      [3, 7, 5],
      [1, 1000, 1],
      [17, 33, 1],
      [2, 129, 3],
    ])('reduce sum/max over [%i, %i, %i]', async (outer, n, inner) => {
      for (const op of ['sum', 'max'] as const) {
        const [want, got] = await both(ref, dut, [randomData(rng, outer * n * inner)], [outer * inner], (b, [x], [o]) =>
          b.reduce(op, x, o, outer, n, inner),
        );
        expectClose(got[1], want[1], tol * Math.sqrt(n), `reduce ${op}`);
      }
    });

    it('copyStrided: transpose, slice and write into an offset', async () => {
      const src = randomData(rng, 2 * 3 * 5);
      const dst0 = randomData(rng, 40);
      const [want, got] = await both(
        ref, dut, [src], [40],
        (b, [s], [d]) => b.copyStrided(s, d, [5, 2, 3], [1, 15, 5], 0, [6, 3, 1], 7),
        [dst0],
      );
      expectClose(got[1], want[1], 0, 'copyStrided');
      const [want2, got2] = await both(ref, dut, [src], [6], (b, [s], [d]) => b.copyStrided(s, d, [2, 3], [15, 1], 1, [3, 1], 0));
      expectClose(got2[1], want2[1], 0, 'copyStrided slice');
    });

    it.each([
      [1, 1],
      [5, 10],
      [33, 7],
      [128, 40],
    ])('softmax and log-softmax [%i, %i]', async (rows, cols) => {
      for (const log of [false, true]) {
        const x = randomData(rng, rows * cols).map((v) => v * 10);
        const [want, got] = await both(ref, dut, [x], [rows * cols], (b, [a], [o]) => b.softmax(a, o, rows, cols, log));
        expectClose(got[1], want[1], tol * 10, `softmax(log=${log})`);
      }
    });

    it.each([
      [1, 1],
      [5, 10],
      [33, 7],
      [64, 130],
    ])('softmax and log-softmax in one pass [%i, %i]: the bits of the two calls', async (rows, cols) => {
      const x = randomData(rng, rows * cols).map((v) => v * 10);
      x[3 % x.length] = -Infinity; // a zero probability: its log-softmax is -Infinity in both
      const n = rows * cols;
      const [, apart] = await both(dut, dut, [x], [n, n], (b, [a], [p, l]) => {
        b.softmax(a, p, rows, cols, false);
        b.softmax(a, l, rows, cols, true);
      });
      const [want, got] = await both(ref, dut, [x], [n, n], (b, [a], [p, l]) => b.softmax(a, p, rows, cols, false, l));
      expect(got[1]).toEqual(apart[1]);
      expect(got[2]).toEqual(apart[2]);
      expectClose(got[2], want[2], tol * 10, 'log-softmax beside softmax');
    });

    it('oneHot', async () => {
      const labels = Int32Array.from([0, 3, 2, 9, 9, 1, 0]);
      const [want, got] = await both(ref, dut, [labels], [70], (b, [l], [o]) => b.oneHot(l, o, 7, 10));
      expectClose(got[1], want[1], 0, 'oneHot');
    });

    it.each([1, 7, 5120])('crossEntropyGrad, n = %i: the bits of its scalar, binary and unary kernels chained', async (n) => {
      const logProbs = randomData(rng, n).map((v) => v * 5 - 3);
      logProbs[2 % n] = -Infinity; // a masked class: exp is 0
      const hot = Float32Array.from({ length: n }, (_, k) => (k % 7 === 3 ? 1 : 0));
      const dy = Float32Array.of(0.75), factor = -1 / 13, all = [n], one = [1], none = [0];
      const [, chained] = await both(dut, dut, [dy, logProbs, hot], [1, n, n, n, n], (b, [d, l, h], [s, t, p, q, o]) => {
        b.scalar('mul', d, factor, s);
        b.binary('mul', h, s, t, all, one, none);
        b.unary('exp', l, p);
        b.binary('mul', p, s, q, all, one, none);
        b.binary('sub', t, q, o, all, one, one);
      });
      const [want, got] = await both(ref, dut, [dy, logProbs, hot], [n], (b, [d, l, h], [o]) => b.crossEntropyGrad(d, factor, l, h, o));
      expect(got[3]).toEqual(chained[7]);
      expectClose(got[3], want[3], tol, 'crossEntropyGrad');
    });

    it('fill', async () => {
      const [want, got] = await both(ref, dut, [], [13], (b, _i, [o]) => b.fill(o, -2.5));
      expectClose(got[0], want[0], 0, 'fill');
    });

    it.each([1, 7, 1031])('sgdStep and adamStep, n = %i', async (n) => {
      const p = randomData(rng, n), g = randomData(rng, n), m = randomData(rng, n), v = randomData(rng, n, true);
      for (const nesterov of [false, true]) {
        for (const firstStep of [false, true]) {
          const attrs = { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov, weightDecay: 0.01, firstStep };
          const [want, got] = await both(ref, dut, [p, g, m], [], (b, [ps, gs, ms]) => b.sgdStep(ps, gs, ms, attrs));
          expectClose(got[0], want[0], tol, 'sgd param');
          expectClose(got[2], want[2], tol, 'sgd momentum');
        }
      }
      const [want0, got0] = await both(ref, dut, [p, g], [], (b, [ps, gs]) =>
        b.sgdStep(ps, gs, null, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true }),
      );
      expectClose(got0[0], want0[0], tol, 'plain sgd');
      for (const decoupled of [false, true]) {
        const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled, step: 3 };
        const [want, got] = await both(ref, dut, [p, g, m, v], [], (b, [ps, gs, ms, vs]) => b.adamStep(ps, gs, ms, vs, attrs));
        for (const k of [0, 2, 3]) expectClose(got[k], want[k], tol * 10, `adam(${decoupled}) state ${k}`);
      }
    });

    it('refuses to allocate a count of elements that is not a whole number ≥ 0, naming it, and keeps working', async () => {
      for (const size of [NaN, -1, 1.5, Infinity]) {
        expect(() => dut.alloc(size, 'f32')).toThrow(new RegExp(`^${dut.name} backend: cannot allocate ${size} elements`));
      }
      const s = dut.alloc(3, 'f32');
      dut.upload(s, new Float32Array([1, 2, 3]));
      expect([...((await dut.download(s)) as Float32Array)]).toEqual([1, 2, 3]);
      dut.free(s);
    });
    it('frees what it allocates', async () => {
      const before = dut.allocatedBytes();
      const s = dut.alloc(1000, 'f32');
      expect(dut.allocatedBytes()).toBeGreaterThanOrEqual(before + 4000);
      dut.free(s);
      expect(dut.allocatedBytes()).toBe(before);
    });
  });
}
