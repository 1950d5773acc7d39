// Tensors, tidy, memory accounting, autograd bookkeeping and the errors a user meets.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

describe('tensors', () => {
  it('creates from nested arrays, typed arrays and constants', async () => {
    const t = bg.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect([...(await t.data())]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...bg.ones([2]).dataSync()]).toEqual([1, 1]);
    expect([...bg.full([3], 2.5).dataSync()]).toEqual([2.5, 2.5, 2.5]);
    const labels = bg.tensor(Int32Array.from([3, 1]));
    expect(labels.dtype).toBe('i32');
    expect(await bg.tensor([7]).item()).toBe(7);
  });

  for (const backend of ['js', 'wasm'] as const) {
    it(`${backend}: a tensor made from a typed array holds a copy: changing the array afterwards changes nothing`, async () => {
      await bg.init({ backend, threads: 1 });
      const values = Float32Array.from([1, 2, 3]), labels = Int32Array.from([4, 5]);
      const t = bg.tensor(values, [3]), l = bg.tensor(labels), converted = bg.tensor(labels, [2], { dtype: 'f32' });
      values.fill(-1);
      labels.fill(-1);
      expect([...(await t.data())]).toEqual([1, 2, 3]);
      expect([...(await l.data())]).toEqual([4, 5]);
      expect(l.intRange).toEqual([4, 5]);
      expect(converted.dtype).toBe('f32');
      expect([...(await converted.data())]).toEqual([4, 5]);
      for (const x of [t, l, converted]) x.dispose();
      await bg.init({ backend: 'js' });
    });
  }

  it('records the range of a large i32 tensor (labels) without overflowing the stack', () => {
    const labels = Int32Array.from({ length: 300_000 }, (_, i) => i % 7);
    const t = bg.tensor(labels);
    expect(t.intRange).toEqual([0, 6]);
    expect(() => bg.oneHot(t, 6)).toThrow(/labels must be in \[0, 5\], found values in \[0, 6\]/);
  });

  it('reshape is a view over the same storage (no copy)', () => {
    const before = bg.memory().bytes;
    const t = bg.zeros([4, 6]);
    const v = bg.reshape(t, [2, -1]);
    expect(v.shape).toEqual([2, 12]);
    expect(bg.memory().bytes - before).toBe(4 * 24);
    t.dispose();
    expect(v.dataSync().length).toBe(24); // the view keeps the storage alive
    v.dispose();
    expect(bg.memory().bytes).toBe(before);
  });

  it('seeded randn and rand repeat exactly', () => {
    const a = bg.randn([5], { rng: new bg.Rng(3) }).dataSync();
    const b = bg.randn([5], { rng: new bg.Rng(3) }).dataSync();
    expect([...a]).toEqual([...b]);
    const u = bg.rand([1000], -2, 3, { rng: new bg.Rng(1) }).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
  });

  it('tidy frees everything it made except what it returns', () => {
    const start = bg.memory();
    const x = bg.randn([8, 8]);
    const y = bg.tidy(() => bg.sum(bg.exp(bg.mul(x, 2))));
    expect(bg.memory().tensors).toBe(start.tensors + 2);
    x.dispose();
    y.dispose();
    expect(bg.memory()).toEqual(start);
  });

  it('a training step leaves no tensors behind', () => {
    const w = bg.randn([3, 4, 5], { requiresGrad: true });
    const x = bg.randn([6, 15]);
    const step = () =>
      bg.tidy(() => {
        const loss = bg.mean(bg.relu(bg.blockLinear(x, w)));
        loss.backward();
      });
    step();
    w.grad!.dispose();
    w.grad = null;
    const start = bg.memory();
    for (let i = 0; i < 5; i++) {
      step();
      w.grad!.dispose();
      w.grad = null;
    }
    expect(bg.memory()).toEqual(start);
  });

  it('an unused graph is freed when its tensors are disposed', () => {
    const start = bg.memory();
    const w = bg.randn([4, 4], { requiresGrad: true });
    bg.tidy(() => {
      bg.tanh(bg.linear(bg.ones([2, 4]), w)); // forward only, never backward
    });
    w.dispose();
    expect(bg.memory()).toEqual(start);
  });
});

describe('autograd', () => {
  it('accumulates gradients on leaves across backward calls', async () => {
    const x = bg.tensor([1, 2, 3], undefined, { requiresGrad: true });
    bg.sum(bg.mul(x, x)).backward();
    bg.sum(bg.mul(x, 3)).backward();
    expect([...(await x.grad!.data())]).toEqual([5, 7, 9]);
  });

  it('noGrad records nothing', () => {
    const x = bg.tensor([1, 2], undefined, { requiresGrad: true });
    const y = bg.noGrad(() => bg.mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require grad/);
  });

  it('a tensor used twice gets both contributions', async () => {
    const x = bg.tensor([2], undefined, { requiresGrad: true });
    bg.mul(bg.exp(x), bg.exp(x)).backward();
    expect((await x.grad!.data())[0]).toBeCloseTo(2 * Math.exp(4), 2);
  });

  it('takes a seed gradient for non-scalars', async () => {
    const x = bg.tensor([1, 2], undefined, { requiresGrad: true });
    bg.mul(x, 3).backward(bg.tensor([1, 10]));
    expect([...(await x.grad!.data())]).toEqual([3, 30]);
  });
});

describe('errors name the problem', () => {
  it('backward of a non-scalar without a seed', () => {
    const x = bg.tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => bg.mul(x, 2).backward()).toThrow(/not a scalar; pass a seed gradient/);
  });
  it('a seed of the wrong shape', () => {
    const x = bg.tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => bg.mul(x, 2).backward(bg.ones([3]))).toThrow(/seed \[3\] does not match tensor \[2\]/);
  });
  it('backward twice through a freed graph', () => {
    const x = bg.tensor([1, 2], undefined, { requiresGrad: true });
    const l = bg.sum(bg.mul(x, x));
    l.backward();
    expect(() => l.backward()).toThrow(/already freed/);
  });
  it('use of a disposed tensor', () => {
    const t = bg.ones([2, 2]);
    t.dispose();
    expect(() => bg.add(t, 1)).toThrow(/tensor #\d+ \[2, 2\] was disposed/);
    expect(() => t.dataSync()).toThrow(/was disposed/);
  });
  it('shape mismatches name both shapes and the op', () => {
    expect(() => bg.add(bg.ones([2, 3]), bg.ones([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(() => bg.blockLinear(bg.ones([2, 10]), bg.ones([3, 4, 3]))).toThrow(/blockLinear: input \[2, 10\] has 10 features but weight \[3, 4, 3\] expects G\*I = 3\*3 = 9/);
    expect(() => bg.blockLinear(bg.ones([2, 9]), bg.ones([3, 4, 3]), bg.ones([11]))).toThrow(/bias \[11\] must be \[G\*O\] = \[12\]/);
    expect(() => bg.blockLinear(bg.ones([2, 9]), bg.ones([12, 9]))).toThrow(/weight must be packed \[G, O, I\]/);
    expect(() => bg.reshape(bg.ones([2, 3]), [4, 2])).toThrow(/cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\]/);
    expect(() => bg.concat([bg.ones([2, 3]), bg.ones([3, 3])], 1)).toThrow(/concat: \[3, 3\]/);
    expect(() => bg.transpose(bg.ones([2, 3]), [0, 0])).toThrow(/not a permutation/);
    expect(() => bg.sum(bg.ones([2, 3]), 2)).toThrow(/axis 2 is out of range for rank 2/);
  });
  it('dtype, label and data errors', () => {
    const logits = bg.ones([3, 4]);
    expect(() => bg.crossEntropy(logits, bg.tensor([0, 1, 2]))).toThrow(/labels must be i32/);
    expect(() => bg.crossEntropy(logits, bg.tensor(Int32Array.from([0, 1])))).toThrow(/labels \[2\] do not match logits \[3, 4\]/);
    expect(() => bg.crossEntropy(logits, bg.tensor(Int32Array.from([0, 4, 1])))).toThrow(/labels must be in \[0, 3\], found values in \[0, 4\]/);
    expect(() => bg.tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2, 2\]/);
    expect(() => bg.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => bg.exp(bg.tensor(Int32Array.from([1])))).toThrow(/exp: input must be f32/);
  });
  it('non-divisible features for the block count', () => {
    expect(() => new bg.nn.BlockLinear(10, 12, { groups: 4 })).toThrow(/inFeatures 10 and outFeatures 12 must both be divisible by groups 4/);
  });
  it('unknown backends', async () => {
    await expect(bg.init({ backend: 'cuda' as never })).rejects.toThrow(/unknown backend 'cuda'/);
    expect(bg.backendName()).toBe('js');
  });
  it('the engine keeps working after errors', async () => {
    expect(() => bg.add(bg.ones([2]), bg.ones([3]))).toThrow();
    expect([...(await bg.add(bg.ones([2]), 1).data())]).toEqual([2, 2]);
  });
  it('tidy refuses async functions', () => {
    expect(() => bg.tidy((async () => bg.ones([1])) as never)).toThrow(/must be synchronous/);
  });
});
