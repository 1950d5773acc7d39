// Modules, state dicts, Packed-Ensembles layer shapes, optimizers and schedules.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

const { nn, optim } = bg;

describe('modules', () => {
  it('names parameters with PyTorch dotted keys', () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.BlockLinear(8, 6, { groups: 2, bias: false }));
    expect(model.namedParameters().map(([k, t]) => `${k}:${t.shape}`)).toEqual(['0.weight:8,4', '0.bias:8', '2.weight:2,3,4']);
    const mlp = new nn.PackedMLP({ inFeatures: 64, hiddenFeatures: [32], numClasses: 10, numEstimators: 4, alpha: 2 });
    expect(Object.keys(mlp.stateDict())).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
  });

  it('initialises each block with kaiming-uniform bounds of its own fan-in', () => {
    const layer = new nn.BlockLinear(4 * 25, 4 * 30, { groups: 4, rng: new bg.Rng(1) });
    expect(layer.weight.shape).toEqual([4, 30, 25]);
    const w = layer.weight.dataSync();
    const bound = 1 / Math.sqrt(25);
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound); // uses the whole range
    expect(Math.max(...layer.bias!.dataSync())).toBeLessThanOrEqual(bound);
  });

  it('round-trips a state dict, and names every mismatch', () => {
    const make = (seed: number) => new nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [4], numClasses: 3, numEstimators: 2, rng: new bg.Rng(seed) });
    const a = make(1), b = make(2);
    const x = bg.randn([5, 6]);
    expect([...a.forward(x).dataSync()]).not.toEqual([...b.forward(x).dataSync()]);
    b.loadStateDict(a.stateDict());
    expect([...a.forward(x).dataSync()]).toEqual([...b.forward(x).dataSync()]);
    const host = Object.fromEntries(Object.entries(a.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() as Float32Array }]));
    b.loadStateDict(host);
    const state: Record<string, bg.nn.StateValue> = { ...a.stateDict(), extra: bg.ones([1]) };
    delete state['layers.1.bias'];
    state['layers.0.weight'] = bg.ones([1, 2, 3]);
    expect(() => b.loadStateDict(state)).toThrow(/missing keys: layers.1.bias; unexpected keys: extra; layers.0.weight: checkpoint \[1, 2, 3\] vs model \[1, 8, 6\]/);
    expect(() => b.loadStateDict({ 'layers.0.bias': bg.ones([8]) }, { strict: false })).not.toThrow();
    expect([...b.layers[0].bias!.dataSync()]).toEqual(new Array(8).fill(1));
  });

  it('PackedLinear follows TorchUncertainty widths and groups', () => {
    const first = new nn.PackedLinear(64, 32, { alpha: 2, numEstimators: 4, first: true });
    expect(first.weight.shape).toEqual([1, 64, 64]);
    const hidden = new nn.PackedLinear(32, 32, { alpha: 2, numEstimators: 4, gamma: 2 });
    expect(hidden.weight.shape).toEqual([8, 8, 8]);
    const last = new nn.PackedLinear(32, 10, { alpha: 2, numEstimators: 4, last: true });
    expect(last.weight.shape).toEqual([4, 10, 16]);
    expect(last.bias!.shape).toEqual([40]);
    // widths the groups do not divide are padded as TorchUncertainty pads them (30 -> 32, 10 -> 12), alpha 1.5 truncated (int(7.5) = 7 -> 8)
    expect(new nn.PackedLinear(30, 10, { alpha: 1, numEstimators: 4 }).weight.shape).toEqual([4, 3, 8]);
    expect(new nn.PackedLinear(6, 5, { alpha: 1.5, numEstimators: 2 }).weight.shape).toEqual([2, 4, 5]);
  });

  it('rearranges packed logits estimator-major', () => {
    // B = 2, M = 2, C = 3: row b holds [est0 c0..c2, est1 c0..c2]
    const y = bg.tensor([[0, 1, 2, 10, 11, 12], [3, 4, 5, 13, 14, 15]]);
    expect([...bg.rearrangeEstimators(y, 2).dataSync()]).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
    expect([...bg.repeat(bg.tensor(Int32Array.from([7, 8])), 2).dataSync()]).toEqual([7, 8, 7, 8]);
  });
});

function param(values: number[]): bg.Tensor {
  return bg.tensor(values, undefined, { requiresGrad: true });
}
function setGrad(p: bg.Tensor, values: number[]): void {
  p.grad?.dispose();
  p.grad = bg.tensor(values);
}

describe('optimizers', () => {
  it('SGD with momentum and Nesterov follows PyTorch', () => {
    const p = param([1]);
    const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    setGrad(p, [1]);
    sgd.step(); // buf = 1; d = 1 + 0.9 = 1.9
    expect(p.dataSync()[0]).toBeCloseTo(1 - 0.19, 6);
    setGrad(p, [2]);
    sgd.step(); // buf = 0.9 + 2 = 2.9; d = 2 + 2.61 = 4.61
    expect(p.dataSync()[0]).toBeCloseTo(0.81 - 0.461, 6);
    const q = param([2]);
    const plain = new optim.SGD([q], { lr: 0.5, weightDecay: 0.1 });
    setGrad(q, [1]);
    plain.step(); // d = 1 + 0.2
    expect(q.dataSync()[0]).toBeCloseTo(2 - 0.6, 6);
    expect(() => new optim.SGD([q], { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires momentum > 0/);
  });

  it('Adam and AdamW take their first step as PyTorch does', () => {
    const p = param([1, -1]);
    const adam = new optim.Adam([p], { lr: 0.1 });
    setGrad(p, [0.5, -2]);
    adam.step();
    const v = p.dataSync();
    expect(v[0]).toBeCloseTo(0.9, 5);
    expect(v[1]).toBeCloseTo(-0.9, 5);
    const q = param([1]);
    const adamw = new optim.AdamW([q], { lr: 0.1 });
    setGrad(q, [0.5]);
    adamw.step();
    expect(q.dataSync()[0]).toBeCloseTo(1 * (1 - 0.1 * 0.01) - 0.1, 5);
    expect(() => new optim.Adam([bg.ones([1])])).toThrow(/does not require grad/);
  });

  it('schedules set the learning rate per epoch', () => {
    const opt = new optim.SGD([param([0])], { lr: 1 });
    const step = new optim.StepLR(opt, 2, 0.5);
    expect([step.step(), step.step(), step.step(), step.step()]).toEqual([1, 0.5, 0.5, 0.25]);
    const opt2 = new optim.SGD([param([0])], { lr: 1 });
    const cos = new optim.CosineAnnealingLR(opt2, 4, 0);
    const lrs = [1, 2, 3, 4].map(() => cos.step());
    expect(lrs[1]).toBeCloseTo(0.5, 6);
    expect(lrs[3]).toBeCloseTo(0, 6);
  });

  it('clips the global gradient norm', async () => {
    const a = param([0, 0]), b = param([0]);
    setGrad(a, [3, 0]);
    setGrad(b, [4]);
    const norm = await optim.clipGradNorm([a, b], 1);
    expect(norm).toBeCloseTo(5, 5);
    expect(a.grad!.dataSync()[0]).toBeCloseTo(0.6, 4);
    expect(b.grad!.dataSync()[0]).toBeCloseTo(0.8, 4);
  });
});
