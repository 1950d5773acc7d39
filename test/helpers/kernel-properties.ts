// Property-based tests (fast-check) of every kernel of a backend against the plain-TS reference: random
// shapes (1-sized, odd, not multiples of any tile or SIMD width), magnitudes from 1e-30 to 1e15, and
// NaN/±Inf sprinkled in, which must come out where the reference has them (never silently zero).
// Seeds are fixed so CI is reproducible; PROPERTY_SEED and PROPERTY_RUNS_SCALE widen the search.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Storage } from '../../src/backend/backend.ts';
import { binaryOps, unaryOps, unaryTable } from '../../src/backend/op-table.ts';
import { JsBackend } from '../../src/backend/js/js-backend.ts';
import { broadcastStrides } from '../../src/ops/broadcast.ts';
import { stridesOf } from '../../src/ops/core.ts';
import { Rng } from '../../src/random.ts';


const dim = fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 10, max: 70 }));
const scale = fc.constantFrom(1, 1e-3, 1e3, 1e-30, 1e15);
/** Which non-finite values to sprinkle into the first input. */
const special = fc.constantFrom('none', 'none', 'nan', 'inf');
const data = fc.record({ seed: fc.integer(), scale, special });
type Data = { seed: number; scale: number; special: string };

/** Seeded values of one magnitude, with a few NaN or ±Inf when asked. */
function values(n: number, { seed, scale: s, special: sp }: Data, positive = false): Float32Array {
  const rng = new Rng(seed);
  const a = Float32Array.from({ length: n }, () => (positive ? 0.1 + rng.uniform() : rng.normal()) * s);
  if (sp !== 'none') for (let k = 0; k < 1 + n / 50; k++) a[rng.int(n)] = sp === 'nan' ? NaN : rng.uniform() < 0.5 ? Infinity : -Infinity;
  return a;
}

/** Runs `fn` on `b` over uploaded inputs and outputs pre-filled with garbage; returns every buffer read back. */
async function run(b: Backend, inputs: (Float32Array | Int32Array)[], outSizes: number[], fn: (ins: Storage[], outs: Storage[]) => void): Promise<Float32Array[]> {
  const upload = (d: Float32Array | Int32Array): Storage => {
    const s = b.alloc(d.length, d instanceof Int32Array ? 'i32' : 'f32');
    b.upload(s, d);
    return s;
  };
  const ins = inputs.map(upload);
  const outs = outSizes.map((n) => upload(new Float32Array(n).fill(7)));
  fn(ins, outs);
  const read = await Promise.all([...ins, ...outs].map(async (s) => (await b.download(s)) as Float32Array));
  [...ins, ...outs].forEach((s) => b.free(s));
  return read;
}

/**
 * got matches want: NaN where want is NaN, the same infinity where want is infinite, else within
 * tol·bound (bound: the same computation on absolute values, so cancellation cannot fail a correct sum).
 */
function expectMatch(got: Float32Array, want: Float32Array, bound: Float32Array | null, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i], g = got[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(g, w)) throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
      continue;
    }
    const scaleOf = bound ? bound[i] : Math.abs(w);
    if (!(Math.abs(g - w) <= tol * (scaleOf + 1e-30) + 1e-36)) throw new Error(`${what}[${i}]: got ${g}, want ${w} (bound ${scaleOf}, tol ${tol})`);
  }
}

const abs = (a: Float32Array): Float32Array => a.map(Math.abs);

export interface PropertyOptions {
  /** fast-check runs per property (scaled by PROPERTY_RUNS_SCALE). */
  runs: number;
  /** Relative tolerance of elementwise kernels; sums get it per term. */
  tol?: number;
}

/** Registers the kernel properties for one backend; returns nothing, counts runs in `tried`. */
export function kernelProperties(label: string, make: () => Promise<Backend>, { runs, tol = 2e-5 }: PropertyOptions, tried: Map<string, number>): void {
  const numRuns = Math.max(1, Math.round(runs * Number(process.env.PROPERTY_RUNS_SCALE ?? 1)));
  const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
  const ref = new JsBackend();
  let dut: Backend;
  /** fc.assert over an async property, counting every input tried. */
  const check = <T>(name: string, arb: fc.Arbitrary<T>, body: (v: T) => Promise<void>) =>
    it(name, async () => {
      await fc.assert(fc.asyncProperty(arb, async (v) => {
        tried.set(name, (tried.get(name) ?? 0) + 1);
        await body(v);
      }), { numRuns, seed, endOnFailure: true });
    });

  describe(`kernel properties on ${label} (${numRuns} runs each)`, () => {
    // Made before any property, so that a -t filter selecting some properties still runs them on this backend.
    beforeAll(async () => {
      dut = await make();
    });
    it('creates the backend', () => {
      expect(label).toContain(dut.name);
    });

    const gemm = fc.record({ B: dim, G: fc.integer({ min: 1, max: 5 }), I: dim, O: dim, x: data, w: data });
    check('blockLinear (bias, relu)', fc.tuple(gemm, fc.boolean(), fc.boolean()), async ([{ B, G, I, O, x, w }, withBias, relu]) => {
      const shape = { B, G, I, O }, act = relu ? 'relu' : 'none';
      const ins = [values(B * G * I, x), values(G * O * I, { ...w, special: 'none' }), values(G * O, { ...w, special: 'none' })];
      const f = (b: Backend) => ([xs, ws, bs]: Storage[], [y]: Storage[]) => b.blockLinear(xs, ws, withBias ? bs : null, y, shape, act);
      const [want, got, bound] = [await run(ref, ins, [B * G * O], f(ref)), await run(dut, ins, [B * G * O], f(dut)), await run(ref, ins.map(abs), [B * G * O], f(ref))];
      expectMatch(got[3], want[3], bound[3], tol * (I + 8), 'y');
    });

    check('blockLinearInputGrad', gemm, async ({ B, G, I, O, x, w }) => {
      const shape = { B, G, I, O };
      const ins = [values(B * G * O, x), values(G * O * I, { ...w, special: 'none' })];
      const f = (b: Backend) => ([dy, ws]: Storage[], [dx]: Storage[]) => b.blockLinearInputGrad(dy, ws, dx, shape);
      const [want, got, bound] = [await run(ref, ins, [B * G * I], f(ref)), await run(dut, ins, [B * G * I], f(dut)), await run(ref, ins.map(abs), [B * G * I], f(ref))];
      expectMatch(got[2], want[2], bound[2], tol * (O + 8), 'dx');
    });

    check('blockLinearWeightGrad', gemm, async ({ B, G, I, O, x, w }) => {
      const shape = { B, G, I, O };
      const ins = [values(B * G * O, x), values(B * G * I, { ...w, special: 'none' })];
      const outs = [G * O * I];
      const f = (b: Backend) => ([dy, xs]: Storage[], [dw]: Storage[]) => b.blockLinearWeightGrad(dy, xs, dw, shape);
      const [want, got, bound] = [await run(ref, ins, outs, f(ref)), await run(dut, ins, outs, f(dut)), await run(ref, ins.map(abs), outs, f(ref))];
      expectMatch(got[2], want[2], bound[2], tol * (B + 8), 'dW');
    });

    const length = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 3000 }));
    check('unary', fc.record({ op: fc.constantFrom(...unaryOps), n: length, x: data, signed: fc.boolean() }), async ({ op, n, x, signed }) => {
      const ins = [values(n, x, !signed && unaryTable[op].domain === 'positive')];
      const f = (b: Backend) => ([a]: Storage[], [o]: Storage[]) => b.unary(op, a, o);
      const want = (await run(ref, ins, [n], f(ref)))[1];
      // WGSL bounds log near 1 (2^-21) and tanh/sigmoid built from exp in absolute terms: 1e-6 absolute
      const bound = op === 'log' || op === 'tanh' || op === 'sigmoid' ? want.map((w) => Math.abs(w) + 0.05) : null;
      expectMatch((await run(dut, ins, [n], f(dut)))[1], want, bound, tol, `unary ${op}`);
    });

    const scalarValue = fc.constantFrom(0, -1, 0.5, 1.5, 2, -3.25, 1e-20, 1e20, NaN, Infinity);
    check('scalar', fc.record({ op: fc.constantFrom(...binaryOps), n: length, x: data, s: scalarValue }), async ({ op, n, x, s }) => {
      const ins = [values(n, x, op === 'pow')];
      const f = (b: Backend) => ([a]: Storage[], [o]: Storage[]) => b.scalar(op, a, s, o);
      expectMatch((await run(dut, ins, [n], f(dut)))[1], (await run(ref, ins, [n], f(ref)))[1], null, tol, `scalar ${op} ${s}`);
    });

    const small = fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 7 }));
    const broadcast = fc.array(fc.tuple(small, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 4 });
    check('binary with broadcasting', fc.record({ op: fc.constantFrom(...binaryOps), axes: broadcast, a: data, b: data }), async ({ op, axes, a, b }) => {
      const shape = axes.map(([d]) => d);
      const aShape = axes.map(([d, keep]) => (keep ? d : 1)), bShape = axes.map(([d, , keep]) => (keep ? d : 1));
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const ins = [values(size(aShape), a, op === 'pow'), values(size(bShape), b, false)];
      if (op === 'eq') ins[1].set(ins[0].subarray(0, Math.min(ins[0].length, ins[1].length))); // equal pairs
      if (op === 'mask') ins[1].forEach((_, i) => { if (i % 2 === 0) ins[1][i] = 0; }); // a 0/1-like mask: half of it 0, a's infinities there give 0
      if (op === 'thresholdBackward') ins[1].forEach((_, i) => { if (i % 3 === 0) ins[1][i] = i % 2 ? -0 : 0; }); // ReLU's zeros, both signs
      const f = (k: Backend) => ([as, bs]: Storage[], [o]: Storage[]) => k.binary(op, as, bs, o, shape, broadcastStrides(aShape, shape), broadcastStrides(bShape, shape));
      expectMatch((await run(dut, ins, [size(shape)], f(dut)))[2], (await run(ref, ins, [size(shape)], f(ref)))[2], null, tol, `binary ${op}`);
    });

    check('reduce sum and max', fc.record({ op: fc.constantFrom('sum' as const, 'max' as const), outer: dim, n: dim, inner: small, x: data }), async ({ op, outer, n, inner, x }) => {
      const ins = [values(outer * n * inner, x)];
      const f = (b: Backend) => ([a]: Storage[], [o]: Storage[]) => b.reduce(op, a, o, outer, n, inner);
      const bound = op === 'sum' ? (await run(ref, ins.map(abs), [outer * inner], f(ref)))[1] : null;
      expectMatch((await run(dut, ins, [outer * inner], f(dut)))[1], (await run(ref, ins, [outer * inner], f(ref)))[1], bound, tol * (n + 8), `reduce ${op}`);
    });

    const permuted = fc.array(small, { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }), fc.integer({ min: 0, max: 5 })));
    check('copyStrided (a permutation, written at an offset)', fc.tuple(permuted, data), async ([[shape, perm, offset], x]) => {
      const n = shape.reduce((p, d) => p * d, 1), strides = stridesOf(shape);
      const outShape = perm.map((a) => shape[a]);
      const ins = [values(n, x)];
      const f = (b: Backend) => ([s]: Storage[], [d]: Storage[]) => b.copyStrided(s, d, outShape, perm.map((a) => strides[a]), 0, stridesOf(outShape), offset);
      expectMatch((await run(dut, ins, [n + offset], f(dut)))[1], (await run(ref, ins, [n + offset], f(ref)))[1], null, 0, 'copyStrided');
    });

    check('softmax and log-softmax', fc.record({ rows: dim, cols: dim, log: fc.boolean(), x: data }), async ({ rows, cols, log, x }) => {
      const ins = [values(rows * cols, x)];
      const f = (b: Backend) => ([a]: Storage[], [o]: Storage[]) => b.softmax(a, o, rows, cols, log);
      const want = (await run(ref, ins, [rows * cols], f(ref)))[1];
      // the reference's log-sum is f64: a row's maximum can come out as -1e-8 where f32 gives 0
      expectMatch((await run(dut, ins, [rows * cols], f(dut)))[1], want, want.map((w) => Math.abs(w) + 1e-3), tol * 10, `softmax(log=${log})`);
    });

    check('oneHot and fill', fc.record({ n: dim, classes: dim, seed: fc.integer(), value: scalarValue }), async ({ n, classes, seed: s, value }) => {
      const rng = new Rng(s);
      const ins = [Int32Array.from({ length: n }, () => rng.int(classes))];
      const f = (b: Backend) => (l: Storage[], [o, filled]: Storage[]) => {
        b.oneHot(l[0], o, n, classes);
        b.fill(filled, value);
      };
      const [want, got] = [await run(ref, ins, [n * classes, n], f(ref)), await run(dut, ins, [n * classes, n], f(dut))];
      expectMatch(got[1], want[1], null, 0, 'oneHot');
      expectMatch(got[2], want[2], null, 0, 'fill');
    });

    const sgd = fc.record({ lr: fc.constantFrom(0, 0.01, 0.5), momentum: fc.constantFrom(0, 0.9), dampening: fc.constantFrom(0, 0.1), nesterov: fc.boolean(), weightDecay: fc.constantFrom(0, 0.01), firstStep: fc.boolean() });
    const adam = fc.record({ lr: fc.constantFrom(1e-3, 0.1), beta1: fc.constantFrom(0, 0.9), beta2: fc.constantFrom(0.99, 0.999), eps: fc.constantFrom(1e-8, 1e-3), weightDecay: fc.constantFrom(0, 0.05), decoupled: fc.boolean(), step: fc.integer({ min: 1, max: 1000 }) });
    check('sgdStep and adamStep', fc.record({ n: length, g: data, p: data, sgd, adam, withMomentum: fc.boolean() }), async ({ n, g, p, sgd: s, adam: a, withMomentum }) => {
      const rng = new Rng(g.seed + 1);
      const ins = [values(n, { ...p, special: 'none' }), values(n, g), Float32Array.from({ length: n }, () => rng.normal()), Float32Array.from({ length: n }, () => rng.uniform())];
      const f = (b: Backend) => ([ps, gs, ms, vs]: Storage[]) => {
        b.sgdStep(ps, gs, withMomentum ? ms : null, s);
        b.adamStep(ps, gs, ms, vs, a);
      };
      const [want, got] = [await run(ref, ins, [], f(ref)), await run(dut, ins, [], f(dut))];
      // updates subtract nearly equal numbers: bound each state by the magnitudes that went in
      const [p0, g0, m0, v0] = ins;
      const inputs = [p0.map((v, i) => Math.abs(v) + 1 + 2 * s.lr * Math.abs(g0[i])), null, m0.map((v, i) => Math.abs(v) + Math.abs(g0[i])), v0.map((v, i) => v + g0[i] * g0[i])];
      for (const k of [0, 2, 3]) expectMatch(got[k], want[k], inputs[k]!.map((v, i) => v + Math.abs(want[k][i])), tol * 10, `optimizer state ${k}`);
    });
  });
}
