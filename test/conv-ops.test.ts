// Conv, pooling, normalisation and dropout ops on the reference backend: gradients, PyTorch's semantics, clear errors.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { convOpSuite } from './helpers/conv-op-suite.ts';

convOpSuite('js', async () => {
  await bg.init({ backend: 'js' });
});
for (const threads of [1, 2]) {
  convOpSuite(`wasm, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
    await bg.init({ backend: 'wasm', threads });
  });
}

describe('conv ops', () => {
  it('runs on the reference backend', async () => {
    await bg.init({ backend: 'js' });
  });

  it('computes a hand-checked grouped convolution', () => {
    // 2 groups: channel 0 -> output 0, channel 1 -> output 1; 2x2 kernel of ones on a 2x3 image, stride 1.
    const x = bg.tensor([[[[1, 2, 3], [4, 5, 6]], [[10, 20, 30], [40, 50, 60]]]]);
    const w = bg.ones([2, 1, 2, 2]);
    const y = bg.conv2d(x, w, bg.tensor([0.5, -1]), { groups: 2 });
    expect(y.shape).toEqual([1, 2, 1, 2]);
    expect([...y.dataSync()]).toEqual([12.5, 16.5, 119, 159]);
  });

  it('gives PyTorch output sizes, including ceil mode that never starts a window in the padding', () => {
    expect(bg.conv2d(bg.zeros([1, 3, 9, 11]), bg.zeros([4, 3, 3, 3]), null, { stride: 2, padding: 1 }).shape).toEqual([1, 4, 5, 6]);
    expect(bg.maxPool2d(bg.zeros([1, 1, 5, 5]), 2, { ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    expect(bg.maxPool2d(bg.zeros([1, 1, 6, 6]), 3, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 4, 4]);
    expect(bg.maxPool2d(bg.zeros([1, 1, 5, 5]), 2, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    expect(bg.adaptiveAvgPool2d(bg.zeros([2, 3, 7, 5]), [null, 2]).shape).toEqual([2, 3, 7, 2]);
  });

  it('routes the max-pool gradient to the first maximum of a window, as PyTorch', () => {
    const x = bg.tensor([[[[1, 1], [1, 0]]]], undefined, { requiresGrad: true });
    const y = bg.maxPool2d(x, 2);
    y.backward();
    expect([...x.grad!.dataSync()]).toEqual([1, 0, 0, 0]);
  });

  it('batchNorm updates the running statistics with the unbiased variance and momentum', () => {
    const x = bg.tensor(Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]), [2, 2, 2, 1]); // channel 0: 1,2,10,20; channel 1: 3,4,30,40
    const mean = bg.zeros([2]), variance = bg.ones([2]);
    bg.batchNorm(x, mean, variance, { training: true, momentum: 0.5 });
    expect([...mean.dataSync()]).toEqual([4.125, 9.625]);
    const unbiased0 = [1, 2, 10, 20].reduce((s, v) => s + (v - 8.25) ** 2, 0) / 3;
    expect(variance.dataSync()[0]).toBeCloseTo(0.5 + 0.5 * unbiased0, 4);
  });

  it('names bad input', () => {
    const x = bg.zeros([1, 4, 5, 5]);
    expect(() => bg.conv2d(x, bg.zeros([6, 4, 3, 3]), null, { groups: 3 })).toThrow(/input channels 4 and output channels 6 must both be divisible by groups 3/);
    expect(() => bg.conv2d(x, bg.zeros([6, 3, 3, 3]))).toThrow(/expects 3 input channels/);
    expect(() => bg.conv2d(x, bg.zeros([4, 4, 7, 7]))).toThrow(/smaller than the kernel 7x7/);
    expect(() => bg.conv2d(x, bg.zeros([4, 4, 3, 3]), bg.zeros([3]))).toThrow(/bias \[3\] must be \[4\]/);
    expect(() => bg.conv2d(x, bg.zeros([4, 4, 3, 3]), null, { stride: 0 })).toThrow(/stride must be an integer ≥ 1/);
    expect(() => bg.conv2d(bg.zeros([4, 5, 5]), bg.zeros([4, 4, 3, 3]))).toThrow(/input must be \[N, C, H, W\]/);
    expect(() => bg.maxPool2d(x, 2, { padding: 2 })).toThrow(/at most half the kernel/);
    expect(() => bg.batchNorm(bg.zeros([1, 4, 1, 1]), null, null, { training: true })).toThrow(/more than 1 value per channel/);
    expect(() => bg.batchNorm(x, bg.zeros([3]), bg.ones([3]))).toThrow(/runningMean \[3\] must be \[4\]/);
    expect(() => bg.groupNorm(x, 3)).toThrow(/numGroups 3 must be a positive integer dividing the 4 channels/);
    expect(() => bg.dropout(x, 1.5)).toThrow(/p must be a probability/);
    expect(() => bg.dropout2d(bg.zeros([2, 3]), 0.5)).toThrow(/input must be \[N, C, H, W\]/);
  });

  it('dropout scales kept elements by 1/(1 - p), drops whole channels in dropout2d, and is the identity outside training', () => {
    const x = bg.ones([8, 16, 3, 3]);
    const y = bg.dropout(x, 0.25).dataSync();
    expect(new Set(y)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    const c = bg.dropout2d(x, 0.5).dataSync();
    for (let plane = 0; plane < 8 * 16; plane++) expect(new Set(c.subarray(plane * 9, plane * 9 + 9)).size).toBe(1);
    expect([...bg.dropout(x, 0.9, { training: false }).dataSync()]).toEqual([...x.dataSync()]);
    expect(Math.max(...bg.dropout(x, 1).dataSync())).toBe(0);
  });
});

describe('conv2d in chunks of samples', () => {
  it('gives the same output and gradients whether the batch is one chunk or split into uneven ones', async () => {
    const { convBackward, convForward } = await import('../src/ops/conv-gemm.ts');
    const { patchShape } = await import('../src/ops/conv.ts');
    const backend = await bg.getBackend('wasm', { threads: 2 });
    const rng = new bg.Rng(3);
    const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const x = bg.tensor(values(5 * 6 * 7 * 8), [5, 6, 7, 8]);
    const shape = patchShape('test', x, [3, 2], [2, 1], [1, 1], [1, 2]);
    const sizes = { x: x.size, w: 9 * 2 * 3 * 2, b: 9, y: 5 * 9 * shape.OH * shape.OW };
    const host = { x: x.dataSync() as Float32Array, w: values(sizes.w), b: values(sizes.b), dy: values(sizes.y) };
    const run = (budget?: number) => {
      const s = (data: Float32Array | number) => {
        const st = backend.alloc(typeof data === 'number' ? data : data.length, 'f32');
        if (typeof data !== 'number') backend.upload(st, data);
        return st;
      };
      const [xs, ws, bs, dys, y, dx, dw, db] = [s(host.x), s(host.w), s(host.b), s(host.dy), s(sizes.y), s(sizes.x), s(sizes.w), s(sizes.b)];
      const g = { backend, shape, groups: 3, outChannels: 9, budget };
      convForward(g, xs, ws, bs, y);
      convBackward(g, dys, xs, ws, dx, dw);
      const out = [y, dx, dw].map((st) => backend.downloadSync!(st));
      [xs, ws, bs, dys, y, dx, dw, db].forEach((st) => backend.free(st));
      return out;
    };
    const whole = run(), split = run(2 * shape.OH * shape.OW * 6 * 3 * 2); // chunks of 2, 2 and 1 samples
    split.forEach((got, k) => got.forEach((v, i) => expect(v, `output ${k}[${i}]`).toBeCloseTo(whole[k][i], 4)));
  });
});
