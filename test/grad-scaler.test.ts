// AMP: the precision option of the layers and GradScaler's PyTorch semantics, on the reference and on
// WebGPU (whose f16 cast must turn an overflowing gradient into infinity for the scaler to see it).
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { engine } from '../src/engine.ts';

const { nn, optim } = bg;
const referenceBackend = engine.backend;
afterAll(async () => {
  engine.backend = referenceBackend;
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

/** A two-layer PackedMLP at f16, a batch and its loss. */
function setup(seed: number) {
  const rng = new bg.Rng(seed);
  const model = new nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, precision: 'f16', rng });
  const x = bg.tensor(Float32Array.from({ length: 5 * 6 }, () => rng.normal()), [5, 6]);
  const y = bg.tensor(Int32Array.from([0, 1, 2, 1, 0]), [5], { dtype: 'i32' });
  const loss = () => bg.crossEntropy(model.estimatorLogits(x), bg.repeat(y, 2));
  return { model, loss };
}

const values = (ts: bg.Tensor[]) => Promise.all(ts.map(async (t) => [...(await t.data())]));

describe('precision option of the layers', () => {
  it('PackedMLP passes f16 to every layer; its forward is close to, not equal to, the f32 one', () => {
    const { model } = setup(1);
    expect(model.layers.map((l) => l.precision)).toEqual(['f16', 'f16']);
    const f32 = new nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, rng: new bg.Rng(1) });
    expect(f32.layers[0].precision).toBe('f32');
    const x = bg.randn([4, 6]);
    const [a, b] = [model.forward(x).dataSync(), f32.forward(x).dataSync()];
    const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(1e-2);
    expect(() => bg.blockLinear(x, bg.ones([1, 2, 6]), null, { precision: 'f8' as 'f16' })).toThrow(/precision must be 'f32' or 'f16', got 'f8'/);
  });
});

describe('GradScaler', () => {
  it('scales the loss, unscales the gradients to those of the plain loss, steps and grows every growthInterval clean steps', async () => {
    const { model, loss } = setup(2);
    bg.tidy(() => loss().backward());
    const plain = await values(model.parameters().map((p) => p.grad!));
    model.zeroGrad();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const scaler = new optim.GradScaler({ initScale: 1024, growthInterval: 2 });
    expect(scaler.getScale()).toBe(1024);
    bg.tidy(() => scaler.scale(loss()).backward());
    const before = await values(model.parameters());
    await scaler.unscale(optimizer);
    (await values(model.parameters().map((p) => p.grad!))).forEach((g, k) => g.forEach((v, i) => expect(v).toBeCloseTo(plain[k][i], 5)));
    expect(await scaler.step(optimizer)).toBe(true);
    expect(await values(model.parameters())).not.toEqual(before);
    scaler.update();
    expect(scaler.getScale()).toBe(1024);
    optimizer.zeroGrad();
    bg.tidy(() => scaler.scale(loss()).backward());
    expect(await scaler.step(optimizer)).toBe(true);
    scaler.update();
    expect(scaler.getScale()).toBe(2048); // two clean steps
    optimizer.zeroGrad();
  });

  it('refuses update() before step() and a second unscale()', async () => {
    const { model, loss } = setup(3);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const scaler = new optim.GradScaler();
    expect(() => scaler.update()).toThrow(/call step\(\)/);
    bg.tidy(() => scaler.scale(loss()).backward());
    await scaler.unscale(optimizer);
    await expect(scaler.unscale(optimizer)).rejects.toThrow(/already unscaled/);
    expect(() => new optim.GradScaler({ backoffFactor: 2 })).toThrow(/backoffFactor/);
  });

  it('state() and loadState() carry the scale and growth count; a bad state is refused, nothing changed', async () => {
    const { model, loss } = setup(3);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const scaler = new optim.GradScaler({ initScale: 1024, growthInterval: 3 });
    bg.tidy(() => scaler.scale(loss()).backward());
    await scaler.step(optimizer);
    scaler.update();
    expect(scaler.state()).toEqual({ scale: 1024, growthTracker: 1 });
    const other = new optim.GradScaler({ growthInterval: 3 });
    other.loadState(scaler.state());
    expect(other.state()).toEqual({ scale: 1024, growthTracker: 1 });
    expect(() => other.loadState({ scale: 0, growthTracker: 0 })).toThrow(/scale must be a finite float32 in \[2\^-126, 3.4e38\], got 0/);
    expect(() => other.loadState({ scale: 8, growthTracker: 3 })).toThrow(/growthTracker must be an integer in \[0, 3\), got 3/);
    expect(other.state()).toEqual({ scale: 1024, growthTracker: 1 });
  });

  for (const backend of ['js', 'webgpu'] as const) {
    it(`skips the step and halves the scale when f16 overflows (an inf/NaN gradient), on ${backend}`, async () => {
      await bg.init({ backend });
      const { model, loss } = setup(4);
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.1 });
      const scaler = new optim.GradScaler({ initScale: 2 ** 40, growthInterval: 1 });
      bg.tidy(() => scaler.scale(loss()).backward()); // dY beyond 65504 rounds to infinity in the f16 GEMMs
      const before = await values(model.parameters());
      expect(await scaler.step(optimizer)).toBe(false);
      expect(await values(model.parameters())).toEqual(before);
      expect(optimizer.stepCount).toBe(0);
      scaler.update();
      expect(scaler.getScale()).toBe(2 ** 39);
      optimizer.zeroGrad();
      // The scale backs off until the step is clean.
      let skipped = 1;
      for (;;) {
        bg.tidy(() => scaler.scale(loss()).backward());
        const stepped = await scaler.step(optimizer);
        scaler.update();
        optimizer.zeroGrad();
        if (stepped) break;
        skipped++;
      }
      expect(skipped).toBeGreaterThan(5);
      expect(scaler.getScale()).toBeLessThan(2 ** 35);
      expect(optimizer.stepCount).toBe(1);
      optimizer.dispose();
      model.parameters().forEach((p) => p.dispose());
      engine.backend = referenceBackend;
    });
  }
});

// The scale is a finite float32 whatever the options (PyTorch grows it only when the product is finite,
// pytorch/pytorch#98828) and never reaches a value it cannot recover from.
describe.each(['js', 'wasm', 'webgpu'] as const)('GradScaler keeps a finite float32 scale, on %s', (backend) => {
  /** One parameter [1] whose loss p·k has gradient k·scale: k picks a clean step (finite) or an overflow (inf). */
  async function run(scaler: bg.optim.GradScaler, k: number) {
    await bg.init({ backend });
    const p = bg.tensor([1], [1], { requiresGrad: true });
    const optimizer = new optim.SGD([p], { lr: 1e-45 });
    bg.tidy(() => scaler.scale(bg.sum(bg.mul(p, k))).backward());
    const stepped = await scaler.step(optimizer);
    scaler.update();
    optimizer.zeroGrad();
    p.dispose();
    return stepped;
  }

  it('the issue\'s input: initScale 1e10, growthFactor 1e300, growthInterval 1: the scale stays 1e10 and the next step is taken', async () => {
    const scaler = new optim.GradScaler({ initScale: 1e10, growthFactor: 1e300, growthInterval: 1 });
    expect(await run(scaler, 1)).toBe(true);
    expect(scaler.state()).toEqual({ scale: 1e10, growthTracker: 0 });
    expect(await run(scaler, 1)).toBe(true); // not skipped: the scale is finite
    expect(scaler.getScale()).toBe(1e10);
  });

  it('grows up to the largest power-of-two float32 below the limit and stays there', async () => {
    const scaler = new optim.GradScaler({ initScale: 2 ** 126, growthInterval: 1 });
    expect(await run(scaler, 1e-30)).toBe(true);
    expect(scaler.getScale()).toBe(2 ** 127);
    expect(await run(scaler, 1e-30)).toBe(true);
    expect(scaler.state()).toEqual({ scale: 2 ** 127, growthTracker: 0 }); // 2^128 is not a float32
  });

  it('rounds a growth to float32, as PyTorch\'s float32 scale does', async () => {
    const scaler = new optim.GradScaler({ initScale: 1, growthFactor: 1.1, growthInterval: 1 });
    expect(scaler.getScale()).toBe(1);
    await run(scaler, 1);
    expect(scaler.getScale()).toBe(Math.fround(1.1));
  });

  it('backs off no lower than 2^-126 and recovers from there', async () => {
    const scaler = new optim.GradScaler({ initScale: 2 ** -120, backoffFactor: 0.01, growthInterval: 1 });
    for (let i = 0; i < 4; i++) expect(await run(scaler, Infinity)).toBe(false);
    expect(scaler.getScale()).toBe(2 ** -126);
    expect(await run(scaler, 1)).toBe(true);
    expect(scaler.getScale()).toBe(2 ** -125);
    await bg.flush();
  });
});

describe('GradScaler refuses options and states that are not finite float32 scales', () => {
  it.each([
    [{ initScale: 1e39 }, /initScale must be a finite float32 in \[2\^-126, 3.4e38\], got 1e\+39/],
    [{ initScale: Infinity }, /initScale must be a finite float32/],
    [{ initScale: NaN }, /initScale must be a finite float32/],
    [{ initScale: 1e-40 }, /initScale must be a finite float32/],
    [{ growthFactor: Infinity }, /growthFactor must be finite and > 1, got Infinity/],
    [{ growthFactor: 1 }, /growthFactor must be finite and > 1, got 1/],
    [{ growthInterval: 0.5 }, /growthInterval must be a positive integer, got 0.5/],
  ])('%o', (options, message) => {
    expect(() => new optim.GradScaler(options)).toThrow(message);
  });

  it('loadState: infinite, too large and too small scales', () => {
    const scaler = new optim.GradScaler();
    for (const scale of [Infinity, 1e39, NaN, 1e-40, -1]) {
      expect(() => scaler.loadState({ scale, growthTracker: 0 })).toThrow(/scale must be a finite float32/);
    }
    expect(scaler.state()).toEqual({ scale: 65536, growthTracker: 0 });
    scaler.loadState({ scale: 0.1, growthTracker: 0 });
    expect(scaler.getScale()).toBe(Math.fround(0.1));
  });
});
