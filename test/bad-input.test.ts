// The bad-input catalogue: every mistake a user can make gets an error naming the problem, and the engine
// keeps working afterwards (a follow-up op succeeds, memory() is back at its baseline). Run on every backend.
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';
import { loadSafetensors, saveSafetensors, writeSafetensors } from '../src/io/safetensors.ts';

const { nn, optim } = bg;
const labels = (...v: number[]) => bg.tensor(Int32Array.from(v));

/** A follow-up computation succeeds and memory is back at `before`. */
async function stillWorks(before: bg.MemoryInfo): Promise<void> {
  expect(bg.memory()).toEqual(before);
  const y = bg.tidy(() => bg.sum(bg.mul(bg.ones([2, 3]), 2)));
  expect(await y.item()).toBe(12);
  y.dispose();
  expect(bg.memory()).toEqual(before);
}

/** `fn` (run in a tidy scope, so what it made is freed) throws `message`; then the engine still works. */
async function refused(fn: () => unknown, message: RegExp): Promise<void> {
  const before = bg.memory();
  expect(() => bg.tidy(() => void fn())).toThrow(message);
  await stillWorks(before);
}

/** Parameters read back, to check that a refused load changed nothing. */
const values = (m: bg.nn.Module) => Promise.all(m.parameters().map(async (p) => [...(await p.data())]));
const mlp = () => new nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, rng: new bg.Rng(1) });
const dispose = (m: bg.nn.Module) => m.parameters().forEach((p) => p.dispose());

const backends: BackendName[] = ['js', 'wasm', 'webgpu'];
afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

describe.each(backends)('bad input on %s', (name) => {
  it('selects the backend', async () => {
    expect(await bg.init({ backend: name })).toBe(name);
  });

  it('wrong ranks', async () => {
    await refused(() => bg.blockLinear(bg.ones([2, 3, 4]), bg.ones([1, 5, 12])), /blockLinear: input must be \[batch, features\], got \[2, 3, 4\]/);
    await refused(() => bg.blockLinear(bg.ones([2, 9]), bg.ones([12, 9])), /blockLinear: weight must be packed \[G, O, I\], got \[12, 9\]/);
    await refused(() => bg.linear(bg.ones([2, 9]), bg.ones([1, 12, 9])), /linear: weight must be \[out, in\], got \[1, 12, 9\]/);
    await refused(() => bg.crossEntropy(bg.ones([6]), labels(0)), /crossEntropy: logits must be \[N, C\], got \[6\]/);
    await refused(() => bg.oneHot(bg.tensor(new Int32Array(4), [2, 2]), 3), /oneHot: labels must be \[n\], got \[2, 2\]/);
  });

  it('wrong shapes', async () => {
    await refused(() => bg.blockLinear(bg.ones([2, 10]), bg.ones([3, 4, 3])), /input \[2, 10\] has 10 features but weight \[3, 4, 3\] expects G\*I = 3\*3 = 9/);
    await refused(() => bg.blockLinear(bg.ones([2, 9]), bg.ones([3, 4, 3]), bg.ones([11])), /bias \[11\] must be \[G\*O\] = \[12\]/);
    await refused(() => bg.add(bg.ones([2, 3]), bg.ones([4])), /add: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
    await refused(() => bg.crossEntropy(bg.ones([3, 4]), labels(0, 1)), /labels \[2\] do not match logits \[3, 4\]/);
    await refused(() => bg.mse(bg.ones([3]), bg.ones([3, 1])), /mse: prediction \[3\] and target \[3, 1\] differ/);
    await refused(() => bg.reshape(bg.ones([2, 3]), [4, -1]), /reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, -1\]/);
    await refused(() => bg.tensor([1, 2, 3], [2, 2]), /tensor: 3 values do not fill shape \[2, 2\]/);
    await refused(() => bg.zeros([2, -1]), /tensor: invalid shape \[2, -1\]/);
    await refused(() => bg.zeros([1.5]), /tensor: invalid shape \[1\.5\]/);
    const model = mlp();
    await refused(() => model.forward(bg.ones([4, 7])), /PackedMLP: input must be \[batch, 6\], got \[4, 7\]/);
    dispose(model);
  });

  it('dtype mismatches', async () => {
    await refused(() => bg.crossEntropy(bg.ones([3, 4]), bg.tensor([0, 1, 2])), /crossEntropy: labels must be i32, got f32 \[3\]/);
    await refused(() => bg.exp(labels(1, 2)), /exp: input must be f32, got i32 \[2\]/);
    await refused(() => bg.add(bg.ones([2]), labels(1, 2)), /add: second input must be f32, got i32 \[2\]/);
    await refused(() => bg.blockLinear(bg.ones([1, 2]), bg.tensor(new Int32Array(4), [1, 2, 2])), /blockLinear: weight must be f32, got i32/);
  });

  it('features not divisible by the block count', async () => {
    await refused(() => new nn.BlockLinear(10, 12, { groups: 4 }), /BlockLinear: inFeatures 10 and outFeatures 12 must both be divisible by groups 4/);
    await refused(() => new nn.PackedLinear(50, 50, { alpha: 3, numEstimators: 4, gamma: 2 }), /PackedLinear\(50, 50, alpha=3, M=4, gamma=2\): inFeatures 148 and outFeatures 148 must both be divisible by groups 8/);
    await refused(() => new nn.PackedLinear(6, 4, { alpha: 2, numEstimators: 0 }), /numEstimators must be a positive integer, got 0/);
    await refused(() => bg.rearrangeEstimators(bg.ones([2, 7]), 2), /rearrangeEstimators: expected \[B, M\*C\] with M = 2 dividing the features, got \[2, 7\]/);
  });

  it('labels out of range', async () => {
    await refused(() => bg.crossEntropy(bg.ones([3, 4]), labels(0, 4, 1)), /crossEntropy: labels must be in \[0, 3\], found values in \[0, 4\]/);
    await refused(() => bg.crossEntropy(bg.ones([2, 4]), labels(-1, 2)), /labels must be in \[0, 3\], found values in \[-1, 2\]/);
    await refused(() => bg.oneHot(labels(5), 5), /oneHot: labels must be in \[0, 4\]/);
  });

  it('empty tensors: allowed where meaningful (PyTorch semantics), refused where not', async () => {
    const before = bg.memory();
    const w = bg.ones([2, 3, 3], { requiresGrad: true });
    const results = bg.tidy(() => {
      const empty = bg.zeros([0, 6]);
      const y = bg.blockLinear(empty, w, bg.ones([6]));
      bg.sum(y).backward();
      return [y, bg.sum(empty), bg.mean(empty), bg.sum(empty, 0), bg.softmax(bg.zeros([2, 0]))];
    });
    expect(results.map((t) => t.shape)).toEqual([[0, 6], [], [], [6], [2, 0]]);
    expect([...(await results[1].data())]).toEqual([0]); // an empty sum is 0
    expect((await results[2].data())[0]).toBeNaN(); // an empty mean is 0/0
    expect([...(await w.grad!.data())]).toEqual(new Array(18).fill(0)); // no rows, no gradient
    results.forEach((t) => t.dispose());
    w.grad!.dispose();
    w.dispose();
    await stillWorks(before);
    await refused(() => bg.max(bg.zeros([0, 3])), /max: cannot take the maximum over an empty axis of \[0, 3\]/);
    await refused(() => bg.max(bg.zeros([2, 0]), 1), /max: cannot take the maximum over an empty axis of \[2, 0\]/);
    await refused(() => bg.concat([]), /concat: no tensors given/);
  });

  it('use after dispose', async () => {
    const t = bg.ones([2, 2]);
    t.dispose();
    await refused(() => bg.add(t, 1), /add: tensor #\d+ \[2, 2\] was disposed and cannot be used/);
    await refused(() => bg.blockLinear(bg.ones([1, 2]), bg.reshape(t, [1, 2, 2])), /reshape: tensor #\d+ \[2, 2\] was disposed/);
    const before = bg.memory();
    await expect(t.data()).rejects.toThrow(/data: tensor #\d+ \[2, 2\] was disposed/);
    t.dispose(); // twice is harmless
    await stillWorks(before);
  });

  it('backward twice through a freed graph, backward without a seed', async () => {
    const x = bg.tensor([1, 2], undefined, { requiresGrad: true });
    const before = bg.memory();
    const loss = bg.tidy(() => bg.sum(bg.mul(x, x)));
    loss.backward();
    expect(() => loss.backward()).toThrow(/backward: the graph of this tensor was already freed by an earlier backward\(\); run the forward pass again/);
    loss.dispose();
    x.grad!.dispose();
    x.grad = null;
    await stillWorks(before);
    await refused(() => bg.mul(x, 2).backward(), /backward: tensor \[2\] is not a scalar; pass a seed gradient/);
    await refused(() => bg.sum(bg.ones([2])).backward(), /backward: tensor \[\] does not require grad/);
    x.dispose();
  });

  it('tensors of two backends in one op', async () => {
    const other = await bg.getBackend(name === 'js' ? 'wasm' : 'js');
    const foreign = bg.ones([2, 3]);
    await foreign.moveTo(other);
    await refused(() => bg.add(bg.ones([2, 3]), foreign), new RegExp(`add: inputs live on different backends \\(${name} and ${other.name}\\): create them after one init\\(\\{ backend \\}\\), or move them with await tensor.moveTo\\(backend\\) or model.to\\(\\)`));
    await refused(() => bg.blockLinear(foreign, bg.ones([1, 4, 3])), /blockLinear: inputs live on different backends/);
    foreign.dispose();
  });

  it('malformed safetensors files and state dicts leave the model as it was', async () => {
    const model = mlp();
    const good = await saveSafetensors(model);
    const kept = await values(model);
    const before = bg.memory();
    expect(() => loadSafetensors(model, good.subarray(0, good.length - 5))).toThrow(/safetensors: tensor '.+': data_offsets \[\d+, \d+\] are out of range/);
    expect(() => loadSafetensors(model, new Uint8Array(3))).toThrow(/safetensors: the file is 3 bytes, too short/);
    const other = writeSafetensors({ 'layers.0.weight': { shape: [1, 16, 5], data: new Float32Array(80) } });
    expect(() => loadSafetensors(model, other)).toThrow(/loadStateDict: missing keys: layers\.0\.bias, layers\.1\.weight, layers\.1\.bias; layers\.0\.weight: checkpoint \[1, 16, 5\] vs model \[1, 16, 6\]/);
    // host values (Tensor values need a synchronous read, which WebGPU cannot do)
    const state = Object.fromEntries(model.namedParameters().map(([key, p], k) => [key, { shape: p.shape, data: Float32Array.from(kept[k]).fill(9) }]));
    expect(() => model.loadStateDict({ ...state, 'layers.1.bias': { shape: [6], data: new Float32Array(5) } })).toThrow(/loadStateDict: layers\.1\.bias has 5 values for 6 elements/);
    expect(() => model.loadStateDict({ ...state, extra: { shape: [1], data: new Float32Array(1) } })).toThrow(/loadStateDict: unexpected keys: extra/);
    expect(await values(model)).toEqual(kept);
    await stillWorks(before);
    dispose(model);
  });

  it('optimizer misuse', async () => {
    const w = bg.ones([2], { requiresGrad: true });
    await refused(() => new optim.SGD([], { lr: 0.1 }), /SGD: no parameters to optimise/);
    await refused(() => new optim.Adam([w], { lr: NaN }), /Adam: learning rate must be >= 0, got NaN/);
    await refused(() => new optim.SGD([bg.ones([2])], { lr: 0.1 }), /SGD: parameter Tensor#\d+\(\[2\], f32\) does not require grad/);
    w.dispose();
  });
});

describe('models too large for the backend fail before they start', () => {
  it('wasm: a layer past the 4 GiB WebAssembly memory', async () => {
    await bg.init({ backend: 'wasm' });
    // 65536 x 32768 weights are 8.6 GB: refused at allocation, before any weight is drawn
    await refused(() => new nn.BlockLinear(65536, 32768, { groups: 1 }), /wasm backend: allocating 8\.6 GB would exceed the 4 GiB WebAssembly memory limit/);
  });

  it("webgpu: a layer past the adapter's maxStorageBufferBindingSize", async () => {
    await bg.init({ backend: 'webgpu' });
    const limit = Number(bg.backendInfo().details.maxStorageBufferBindingSize);
    const out = Math.ceil(limit / 4 / 4096) + 1; // one [1, out, 4096] weight just past the limit
    await refused(() => new nn.BlockLinear(4096, out, { groups: 1 }), /webgpu backend: cannot allocate \d+ f32 \(\d+ bytes\): more than this adapter's maxStorageBufferBindingSize of \d+ bytes/);
  });
});
