// TorchUncertainty checkpoints: every stored layout loads into a PackedMLP, bad ones are named, and saving gives the current layout.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { readSafetensors, writeSafetensors, type SafetensorsDType, type TensorToWrite } from '../src/io/safetensors.ts';
import { loadTorchUncertainty, modelKey, saveTorchUncertainty } from '../src/io/torch-uncertainty.ts';

const { storedLayout, packedToDense } = bg.layout;

const make = (seed: number) => new bg.nn.PackedMLP({ inFeatures: 12, hiddenFeatures: [9, 6], numClasses: 5, numEstimators: 3, alpha: 2, rng: new bg.Rng(seed) });

type Restore = (key: string, shape: number[], data: Float32Array) => [string, TensorToWrite];

/** The source model's parameters re-stored by `restore(key, shape, data)` as a checkpoint. */
function checkpoint(model: bg.nn.PackedMLP, restore: Restore): Uint8Array {
  return writeSafetensors(Object.fromEntries(model.namedParameters().map(([k, p]) => restore(k, [...p.shape], p.dataSync() as Float32Array))));
}

/** Weights re-stored by `weight(G, O, I, data)` under `rename(key)`; biases kept. */
function weightsAs(weight: (G: number, O: number, I: number, data: Float32Array, key: string) => TensorToWrite, rename = (k: string) => k): Restore {
  return (k, shape, data) => [rename(k), k.endsWith('weight') ? weight(shape[0], shape[1], shape[2], data, k) : { shape, data }];
}

function expectSameParameters(a: bg.nn.PackedMLP, b: bg.nn.PackedMLP): void {
  for (const [[ka, pa], [kb, pb]] of a.namedParameters().map((e, i) => [e, b.namedParameters()[i]] as const)) {
    expect(kb).toBe(ka);
    expect([...pb.dataSync()]).toEqual([...pa.dataSync()]);
  }
}

describe('storedLayout', () => {
  it('recognises the packed, legacy conv1x1 and dense shapes of a packed [G, O, I] weight', () => {
    expect(storedLayout([3, 4, 6], [3, 4, 6])).toBe('packed');
    expect(storedLayout([12, 6, 1], [3, 4, 6])).toBe('legacy');
    expect(storedLayout([12, 18], [3, 4, 6])).toBe('dense');
    expect(storedLayout([12, 6], [3, 4, 6])).toBe(null);
    expect(storedLayout([3, 6, 4], [3, 4, 6])).toBe(null);
    // O = 1 (e.g. one regression output per estimator): [G, I, 1] is legacy, [G, 1, I] packed
    expect(storedLayout([3, 6, 1], [3, 1, 6])).toBe('legacy');
    expect(storedLayout([3, 1, 6], [3, 1, 6])).toBe('packed');
  });
});

describe('TorchUncertainty checkpoints', () => {
  it('maps conv1x1 keys onto the layer', () => {
    expect(modelKey('layers.0.conv1x1.weight')).toBe('layers.0.weight');
    expect(modelKey('conv1x1.bias')).toBe('bias');
    expect(modelKey('layers.0.weight')).toBe('layers.0.weight');
    expect(modelKey('layers.0.myconv1x1.weight')).toBe('layers.0.myconv1x1.weight');
  });

  const legacy = (G: number, O: number, I: number, data: Float32Array) => ({ shape: [G * O, I, 1], data });
  const layouts: [string, Restore][] = [
    ['current [G, O, I]', (k, shape, data) => [k, { shape, data }]],
    ['legacy [G*O, I, 1] under weight', weightsAs(legacy)],
    ['legacy [G*O, I, 1] under conv1x1.weight', weightsAs(legacy, (k) => k.replace(/(weight|bias)$/, 'conv1x1.$1'))],
    ['dense block-diagonal [G*O, G*I]', weightsAs((G, O, I, data) => ({ shape: [G * O, G * I], data: packedToDense(data, G, O, I) }))],
  ];
  for (const [what, restore] of layouts) {
    it(`loads ${what}`, async () => {
      await bg.init({ backend: 'js' });
      const source = make(1), target = make(2);
      loadTorchUncertainty(target, checkpoint(source, restore));
      expectSameParameters(source, target);
    });
  }

  it('loads a half-precision checkpoint, converted to f32', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1), target = make(2);
    for (const dtype of ['F16', 'BF16'] as SafetensorsDType[]) {
      loadTorchUncertainty(target, checkpoint(source, (k, shape, data) => [k, { dtype, shape, data }]));
      const err = Math.max(...source.layers[1].weight.dataSync().map((v, i) => Math.abs(v - target.layers[1].weight.dataSync()[i])));
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(dtype === 'F16' ? 1e-3 : 1e-2);
    }
  });

  it('refuses a dense weight that is not block-diagonal, naming the layer', async () => {
    await bg.init({ backend: 'js' });
    const bytes = checkpoint(make(1), weightsAs((G, O, I, data, key) => {
      const dense = packedToDense(data, G, O, I);
      if (key === 'layers.1.weight') dense[5 * G * I + 2] = 0.25; // row 5 (block 1), column 2 (block 0)
      return { shape: [G * O, G * I], data: dense };
    }));
    expect(() => loadTorchUncertainty(make(2), bytes)).toThrow('TorchUncertainty checkpoint: layers.1.weight: denseToPacked: the matrix is not block-diagonal with 3 blocks (row 5, column 2 is 0.25)');
  });

  it('names a weight in no known layout, and two keys that load into one parameter', async () => {
    await bg.init({ backend: 'js' });
    const wrong = checkpoint(make(1), (k, shape, data) => [k, { shape: k === 'layers.1.weight' ? [12, 6] : shape, data }]);
    expect(() => loadTorchUncertainty(make(2), wrong)).toThrow('loadStateDict: layers.1.weight: checkpoint [12, 6] vs model [3, 4, 6]');
    const both = writeSafetensors({ 'layers.0.bias': { shape: [18], data: new Float32Array(18) }, 'layers.0.conv1x1.bias': { shape: [18], data: new Float32Array(18) } });
    expect(() => loadTorchUncertainty(make(2), both, { strict: false })).toThrow("TorchUncertainty checkpoint: 'layers.0.bias' and 'layers.0.conv1x1.bias' both load into 'layers.0.bias'");
  });

  it('renames keys first (e.g. a Lightning routine\'s model. prefix)', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1), target = make(2);
    const bytes = checkpoint(source, (k, shape, data) => [`model.${k}`, { shape, data }]);
    expect(() => loadTorchUncertainty(target, bytes)).toThrow(/missing keys: layers\.0\.weight.*unexpected keys: model\.layers\.0\.weight/);
    loadTorchUncertainty(target, bytes, { rename: (k) => k.replace(/^model\./, '') });
    expectSameParameters(source, target);
  });

  it('saves the current layout with format metadata, and loads it back', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1), target = make(2);
    const bytes = await saveTorchUncertainty(source, { epochs: '5' });
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt', ...source.fileMetadata(), epochs: '5' });
    expect(Object.fromEntries(Object.entries(file.tensors).map(([k, t]) => [k, t.shape]))).toEqual({
      'layers.0.weight': [1, 18, 12], 'layers.0.bias': [18],
      'layers.1.weight': [3, 4, 6], 'layers.1.bias': [12],
      'layers.2.weight': [3, 5, 4], 'layers.2.bias': [15],
    });
    loadTorchUncertainty(target, bytes);
    expectSameParameters(source, target);
  });
});
