// Property-based gradient checks on the js reference: every op's tape gradient against central finite
// differences (test/helpers/gradcheck.ts) on random shapes, 1-sized dimensions included. Ops with kinks
// (relu, abs, max, maximum) get inputs placed away from them by constant signs and offsets, so that a
// finite difference never straddles one.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import * as bg from '../src/index.ts';
import { broadcastShapes } from '../src/ops/broadcast.ts';
import { gradCheck } from './helpers/gradcheck.ts';

const numRuns = Math.max(1, Math.round(25 * Number(process.env.PROPERTY_RUNS_SCALE ?? 1)));
const seed = Number(process.env.PROPERTY_SEED ?? 20261125);
let tried = 0;
afterAll(() => console.log(`gradient properties: ${tried} inputs tried`));

const dim = fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 6 }));
const shapeArb = fc.array(dim, { minLength: 1, maxLength: 3 });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** A constant tensor of ±scale, one sign per element drawn from `seed`. */
function signs(shape: number[], s: number, scale = 1): bg.Tensor {
  const rng = new bg.Rng(s);
  return bg.tensor(Float32Array.from({ length: size(shape) }, () => (rng.uniform() < 0.5 ? -scale : scale)), shape);
}

/** A property over `arb` whose body gives the function, the input shapes and whether inputs are positive. */
function gradProperty<T>(name: string, arb: fc.Arbitrary<T>, setup: (v: T) => { fn: (...t: bg.Tensor[]) => bg.Tensor; shapes: number[][]; positive?: boolean; constants?: bg.Tensor[] }): void {
  it(name, async () => {
    await fc.assert(fc.asyncProperty(arb, fc.integer({ min: 1, max: 1e6 }), async (v, s) => {
      tried++;
      const { fn, shapes, positive, constants = [] } = setup(v);
      await gradCheck(name, fn, shapes, { positive, seed: s });
      constants.forEach((t) => t.dispose());
    }), { numRuns, seed, endOnFailure: true });
  });
}

describe(`op gradients on random shapes (js, ${numRuns} runs each)`, () => {
  it('selects the reference backend', async () => {
    await bg.init({ backend: 'js' });
  });

  const smooth = ['neg', 'exp', 'tanh', 'sigmoid', 'gelu'] as const;
  gradProperty('smooth unary ops', fc.tuple(fc.constantFrom(...smooth), shapeArb), ([op, shape]) => ({ fn: (x) => bg[op](x), shapes: [shape] }));
  gradProperty('log and sqrt (positive inputs)', fc.tuple(fc.constantFrom('log' as const, 'sqrt' as const), shapeArb), ([op, shape]) => ({ fn: (x) => bg[op](x), shapes: [shape], positive: true }));
  gradProperty('relu and abs away from 0', fc.tuple(fc.constantFrom('relu' as const, 'abs' as const), shapeArb, fc.integer()), ([op, shape, s]) => {
    const S = signs(shape, s);
    return { fn: (x) => bg[op](bg.mul(x, S)), shapes: [shape], positive: true, constants: [S] };
  });
  gradProperty('pow by a constant', fc.tuple(shapeArb, fc.constantFrom(-1, 0.5, 2, 3)), ([shape, p]) => ({ fn: (x) => bg.pow(x, p), shapes: [shape], positive: true }));

  /** Two shapes that broadcast: each axis of each operand is either the full size or 1, leading axes may be missing. */
  const broadcastPair = fc.array(fc.tuple(dim, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 3 }).chain((axes) =>
    fc.tuple(fc.constant(axes.map(([d, keep]) => (keep ? d : 1))), fc.integer({ min: 0, max: axes.length - 1 }).map((drop) => axes.slice(drop).map(([d, , keep]) => (keep ? d : 1)))));
  const binary = ['add', 'sub', 'mul', 'div'] as const;
  gradProperty('broadcasting add, sub, mul, div', fc.tuple(fc.constantFrom(...binary), broadcastPair), ([op, [a, b]]) => ({ fn: (x, y) => bg[op](x, y), shapes: [a, b], positive: op === 'div' }));
  gradProperty('maximum and minimum with clear winners', fc.tuple(fc.constantFrom('maximum' as const, 'minimum' as const), shapeArb, fc.integer()), ([op, shape, s]) => {
    const offset = signs(shape, s, 3); // b ± 3 is always above or below a, both in [0.5, 2]
    return { fn: (x, y) => bg[op](x, bg.add(y, offset)), shapes: [shape, shape], positive: true, constants: [offset] };
  });

  const axesOf = (shape: number[]) => fc.subarray([...shape.keys()], { minLength: 1 });
  const reduction = shapeArb.chain((shape) => fc.tuple(fc.constant(shape), axesOf(shape), fc.boolean()));
  gradProperty('sum and mean over random axes', fc.tuple(fc.constantFrom('sum' as const, 'mean' as const), reduction), ([op, [shape, axes, keep]]) => ({ fn: (x) => bg[op](x, axes, keep), shapes: [shape] }));
  gradProperty('max over random axes (a unique maximum)', fc.tuple(reduction, fc.integer()), ([[shape, axes, keep], s]) => {
    const rng = new bg.Rng(s);
    const order = Array.from({ length: size(shape) }, (_, i) => 4 * i);
    rng.shuffle(order);
    const ladder = bg.tensor(Float32Array.from(order), shape); // steps of 4 > the inputs' spread
    return { fn: (x) => bg.max(bg.add(x, ladder), axes, keep), shapes: [shape], positive: true, constants: [ladder] };
  });
  gradProperty('softmax and logSoftmax over the last axis', fc.tuple(fc.constantFrom('softmax' as const, 'logSoftmax' as const), shapeArb), ([op, shape]) => ({ fn: (x) => bg[op](x), shapes: [shape] }));

  const permuted = shapeArb.chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length })));
  gradProperty('transpose', permuted, ([shape, perm]) => ({ fn: (x) => bg.transpose(x, perm), shapes: [shape] }));
  const sliced = shapeArb.chain((shape) => fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
    fc.tuple(fc.constant(shape), fc.constant(axis), fc.integer({ min: 0, max: shape[axis] }), fc.integer({ min: 0, max: shape[axis] }))));
  gradProperty('slice', sliced, ([shape, axis, a, b]) => ({ fn: (x) => bg.slice(x, axis, Math.min(a, b), Math.max(a, b)), shapes: [shape] }));
  gradProperty('concat and reshape', fc.tuple(shapeArb, dim), ([shape, extra]) => {
    const other = [extra, ...shape.slice(1)];
    return { fn: (x, y) => bg.reshape(bg.concat([x, y], 0), [-1]), shapes: [shape, other] };
  });
  gradProperty('broadcastTo', broadcastPair, ([a, b]) => {
    const target = broadcastShapes('test', a, b);
    return { fn: (x) => bg.broadcastTo(x, target), shapes: [b] };
  });

  const block = fc.record({ B: dim, G: fc.integer({ min: 1, max: 3 }), I: dim, O: dim, bias: fc.boolean() });
  gradProperty('blockLinear (bias or not)', block, ({ B, G, I, O, bias }) => ({
    fn: (x, w, b) => bg.blockLinear(x, w, bias ? b : null),
    shapes: [[B, G * I], [G, O, I], [G * O]],
  }));
  gradProperty('blockLinear with fused relu, pre-activations away from 0', fc.tuple(block, fc.integer()), ([{ B, G, I, O }, s]) => {
    const bias = signs([G * O], s, 5 * I); // 0 < x·w <= 2·2·I: the sign of each pre-activation is the bias's
    return { fn: (x, w) => bg.blockLinear(x, w, bias, { activation: 'relu' }), shapes: [[B, G * I], [G, O, I]], positive: true, constants: [bias] };
  });
  gradProperty('crossEntropy against random labels', fc.tuple(dim, fc.integer({ min: 2, max: 6 }), fc.integer()), ([N, C, s]) => {
    const rng = new bg.Rng(s);
    const labels = bg.tensor(Int32Array.from({ length: N }, () => rng.int(C)));
    return { fn: (x) => bg.crossEntropy(x, labels), shapes: [[N, C]], constants: [labels] };
  });
  gradProperty('mse', shapeArb, (shape) => ({ fn: (x, y) => bg.mse(x, y), shapes: [shape, shape] }));
});
