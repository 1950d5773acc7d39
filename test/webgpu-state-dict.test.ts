// State dicts on WebGPU: tensor values are copied on the device; values on a backend that cannot be
// read synchronously are refused with a clear message before anything is written.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

const make = (seed: number) => new bg.nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [4], numClasses: 3, numEstimators: 2, rng: new bg.Rng(seed) });

describe('loadStateDict on webgpu', () => {
  it('copies tensor values on the device', async () => {
    await bg.init({ backend: 'webgpu' });
    const a = make(1), b = make(2);
    b.loadStateDict(a.stateDict());
    for (const [k, t] of Object.entries(b.stateDict())) expect([...(await t.data())], k).toEqual([...(await a.stateDict()[k].data())]);
  });

  it('refuses webgpu tensors for a model on another backend, leaving it unchanged', async () => {
    await bg.init({ backend: 'webgpu' });
    const onGpu = make(1);
    await bg.init({ backend: 'js' });
    const onJs = make(2);
    const before = onJs.parameters().map((p) => [...p.dataSync()]);
    expect(() => onJs.loadStateDict(onGpu.stateDict())).toThrow(/layers\.0\.weight lives on webgpu, which cannot be read synchronously, for the model's f32 tensor on js: pass host values or move one of them first/);
    expect(onJs.parameters().map((p) => [...p.dataSync()])).toEqual(before);
    await onGpu.to('js');
    onJs.loadStateDict(onGpu.stateDict());
    expect(onJs.parameters().map((p) => [...p.dataSync()])).toEqual(onGpu.parameters().map((p) => [...p.dataSync()]));
  });
});
