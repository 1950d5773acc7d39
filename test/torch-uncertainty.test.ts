// TorchUncertainty checkpoints: every stored layout loads into a PackedMLP, bad ones are named, and saving gives the current layout.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { readSafetensors, writeSafetensors, type SafetensorsDType, type TensorToWrite } from '../src/io/safetensors.ts';
import { loadTorchUncertainty, parseRelease, saveTorchUncertainty, torchUncertaintyMLP, withoutConv1x1, keyPrefix } from '../src/io/torch-uncertainty/index.ts';
import { packedWidths } from '../src/nn/packed-widths.ts';

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
    expect(withoutConv1x1('layers.0.conv1x1.weight')).toBe('layers.0.weight');
    expect(withoutConv1x1('conv1x1.bias')).toBe('bias');
    expect(withoutConv1x1('layers.0.weight')).toBe('layers.0.weight');
    expect(withoutConv1x1('layers.0.myconv1x1.weight')).toBe('layers.0.myconv1x1.weight');
  });

  it('finds the wrapper prefix that makes the most keys known, the shorter on a tie', () => {
    const known = (k: string) => /^layers\.\d+\.(weight|bias)$/.test(k);
    expect(keyPrefix(['model.layers.0.weight', 'model.layers.0.bias', 'model.loss.weight'], known)).toBe('model.');
    expect(keyPrefix(['model.model.layers.0.weight'], known)).toBe('model.model.');
    expect(keyPrefix(['layers.0.weight', 'other.layers.0.bias'], known)).toBe('');
    expect(keyPrefix(['a.b', 'c'], known)).toBe('');
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
    expect(() => loadTorchUncertainty(make(2), wrong)).toThrow("loadTorchUncertainty: 'layers.1.weight' is [12, 6] in the file, but the model's 'layers.1.weight' is [3, 4, 6] (stored as [G*O, I, 1] before release 0.5): check numEstimators, alpha, gamma and the widths");
    const both = writeSafetensors({ 'layers.0.bias': { shape: [18], data: new Float32Array(18) }, 'layers.0.conv1x1.bias': { shape: [18], data: new Float32Array(18) } });
    expect(() => loadTorchUncertainty(make(2), both, { strict: false })).toThrow("TorchUncertainty checkpoint: 'layers.0.bias' and 'layers.0.conv1x1.bias' both load into 'layers.0.bias'");
  });

  it('strips a Lightning routine\'s model. prefix, and renames keys first when asked', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1);
    const bytes = checkpoint(source, (k, shape, data) => [`model.${k}`, { shape, data }]);
    const target = make(2);
    expect(loadTorchUncertainty(target, bytes)).toMatchObject({ missingKeys: [], unexpectedKeys: [], prefix: 'model.' });
    expectSameParameters(source, target);
    const renamed = make(3);
    loadTorchUncertainty(renamed, checkpoint(source, (k, shape, data) => [k.replace('layers.', 'blocks.'), { shape, data }]), { rename: (k) => k.replace(/^blocks\./, 'layers.') });
    expectSameParameters(source, renamed);
  });

  it('strict: false loads what it can and returns the keys it skipped, in the file\'s names', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1), target = make(2);
    const before = [...target.layers[2].bias!.dataSync()];
    const bytes = checkpoint(source, (k, shape, data) => [k === 'layers.2.bias' ? 'model.loss.pos_weight' : `model.${k}`, { shape, data }]);
    expect(() => loadTorchUncertainty(make(2), bytes)).toThrow('loadTorchUncertainty: missing keys: model.layers.2.bias; unexpected keys: model.loss.pos_weight (the file\'s keys, TorchUncertainty 0.3 layout; { strict: false } loads the rest)');
    const report = loadTorchUncertainty(target, bytes, { strict: false });
    expect(report).toMatchObject({ missingKeys: ['model.layers.2.bias'], unexpectedKeys: ['model.loss.pos_weight'], prefix: 'model.' });
    expect([...target.layers[2].bias!.dataSync()]).toEqual(before);
    expect([...target.layers[2].weight.dataSync()]).toEqual([...source.layers[2].weight.dataSync()]);
    // loadStateDict itself reports as PyTorch's load_state_dict does
    expect(make(4).loadStateDict({ 'layers.0.bias': { shape: [18], data: new Float32Array(18) }, extra: { shape: [1], data: new Float32Array(1) } }, { strict: false }))
      .toEqual({ missingKeys: ['layers.0.weight', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias'], unexpectedKeys: ['extra'] });
    expect(make(4).loadStateDict(source.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('loads final_layer (TorchUncertainty 0.4 and later) into the last layer, strict or not', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1);
    const bytes = checkpoint(source, (k, shape, data) => [k.replace(/^layers\.2\./, 'final_layer.'), { shape, data }]);
    for (const strict of [true, false]) {
      const target = make(2);
      expect(loadTorchUncertainty(target, bytes, { strict })).toMatchObject({ missingKeys: [], unexpectedKeys: [], layout: { release: '0.5', weight: 'packed' } });
      expectSameParameters(source, target);
    }
  });

  const shapesOf = (bytes: Uint8Array) => Object.fromEntries(Object.entries(readSafetensors(bytes).tensors).map(([k, t]) => [k, t.shape]));

  it('saves the current layout (0.5 and later) by default, with format metadata, and loads it back', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1), target = make(2);
    const bytes = await saveTorchUncertainty(source, { metadata: { epochs: '5' } });
    expect(readSafetensors(bytes).metadata).toEqual({ format: 'pt', ...source.fileMetadata(), epochs: '5' });
    expect(shapesOf(bytes)).toEqual({
      'layers.0.weight': [1, 18, 12], 'layers.0.bias': [18],
      'layers.1.weight': [3, 4, 6], 'layers.1.bias': [12],
      'final_layer.weight': [3, 5, 4], 'final_layer.bias': [15],
    });
    loadTorchUncertainty(target, bytes);
    expectSameParameters(source, target);
  });

  it('saves each release\'s key names and shapes, and reads each back', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1);
    const expected: Record<string, Record<string, number[]>> = {
      '0.2': { 'layers.0.conv1x1.weight': [18, 12, 1], 'layers.0.conv1x1.bias': [18], 'layers.1.conv1x1.weight': [12, 6, 1], 'layers.1.conv1x1.bias': [12], 'layers.2.conv1x1.weight': [15, 4, 1], 'layers.2.conv1x1.bias': [15] },
      '0.3': { 'layers.0.weight': [18, 12, 1], 'layers.0.bias': [18], 'layers.1.weight': [12, 6, 1], 'layers.1.bias': [12], 'layers.2.weight': [15, 4, 1], 'layers.2.bias': [15] },
      '0.4': { 'layers.0.weight': [18, 12, 1], 'layers.0.bias': [18], 'layers.1.weight': [12, 6, 1], 'layers.1.bias': [12], 'final_layer.weight': [15, 4, 1], 'final_layer.bias': [15] },
      '0.5': { 'layers.0.weight': [1, 18, 12], 'layers.0.bias': [18], 'layers.1.weight': [3, 4, 6], 'layers.1.bias': [12], 'final_layer.weight': [3, 5, 4], 'final_layer.bias': [15] },
    };
    for (const [release, versions] of [['0.2', ['0.2', '0.2.2.post2', 'v0.2.0']], ['0.3', ['0.3.1']], ['0.4', ['0.4.3', 'v0.4.0']], ['0.5', ['0.5', '0.8.0', '0.6.0', '1.0']]] as const) {
      for (const version of versions) {
        const bytes = await saveTorchUncertainty(source, { release: version });
        expect(shapesOf(bytes), version).toEqual(expected[release]);
        expect(Object.keys(readSafetensors(bytes).tensors), version).toEqual(Object.keys(expected[release]).sort()); // key order, as save_file
        const target = make(2);
        expect(loadTorchUncertainty(target, bytes).layout).toEqual({ release, weight: release === '0.5' ? 'packed' : 'legacy' });
        expectSameParameters(source, target);
        // saved back by default in the layout it was loaded from
        expect(await saveTorchUncertainty(target)).toEqual(bytes);
      }
    }
  });

  it('maps release strings, and refuses unknown ones', () => {
    expect(['0.2.2.post2', '0.3', 'v0.4.3', '0.5.2.post0', '0.8.0', '2.1'].map(parseRelease)).toEqual(['0.2', '0.3', '0.4', '0.5', '0.5', '0.5']);
    expect(() => parseRelease('0.1.6')).toThrow("TorchUncertainty release '0.1.6': releases before 0.2 are not supported");
    expect(() => parseRelease('latest')).toThrow("TorchUncertainty release 'latest' is not a version such as '0.4' or '0.8.0'");
  });

  it('saves back a dense (sparse/full implementation) checkpoint as it came', async () => {
    await bg.init({ backend: 'js' });
    const source = make(1), target = make(2);
    const bytes = checkpoint(source, weightsAs((G, O, I, data) => ({ shape: [G * O, G * I], data: packedToDense(data, G, O, I) }), (k) => k.replace(/^layers\.2\./, 'final_layer.')));
    expect(loadTorchUncertainty(target, bytes).layout).toEqual({ release: '0.5', weight: 'dense' });
    const back = readSafetensors(await saveTorchUncertainty(target));
    for (const [k, t] of Object.entries(readSafetensors(bytes).tensors)) {
      expect(back.tensors[k].shape).toEqual(t.shape);
      expect([...back.tensors[k].data]).toEqual([...t.data]);
    }
  });
});

describe('TorchUncertainty padded widths', () => {
  it('follows PackedLinear.__init__ of 0.8.0, quirks included', () => {
    const o = { alpha: 3, numEstimators: 4, gamma: 1, first: false, last: false };
    expect(packedWidths(50, 50, o)).toEqual({ extIn: 152, extOut: 152, groups: 4 });
    expect(packedWidths(64, 50, { ...o, first: true })).toEqual({ extIn: 64, extOut: 152, groups: 1 });
    expect(packedWidths(50, 10, { ...o, last: true })).toEqual({ extIn: 152, extOut: 40, groups: 4 });
    expect(packedWidths(7, 7, { ...o, alpha: 1.5 })).toEqual({ extIn: 12, extOut: 12, groups: 4 }); // int(10.5) = 10, padded to 12
    // `ext % M * gamma` is (ext % M) * gamma, and the input pads by M - ext % (M*gamma), which can shrink it
    expect(packedWidths(50, 50, { ...o, gamma: 2 })).toEqual({ extIn: 148, extOut: 148, groups: 8 });
  });

  it('gives new PackedMLP({ hiddenFeatures: [50], alpha: 3 }) TorchUncertainty\'s shapes', async () => {
    await bg.init({ backend: 'js' });
    const model = new bg.nn.PackedMLP({ inFeatures: 64, hiddenFeatures: [50], numClasses: 10, numEstimators: 4, alpha: 3 });
    expect(model.layers.map((l) => l.weight.shape)).toEqual([[1, 152, 64], [4, 10, 38]]);
    expect(model.layers.map((l) => l.bias!.shape)).toEqual([[152], [40]]);
  });

  it('refuses widths TorchUncertainty cannot run either, saying why', async () => {
    await bg.init({ backend: 'js' });
    expect(() => new bg.nn.PackedMLP({ inFeatures: 64, hiddenFeatures: [50, 50], numClasses: 10, numEstimators: 4, alpha: 3, gamma: 2 }))
      .toThrow('PackedLinear(50, 50, alpha=3, M=4, gamma=2): inFeatures 148 and outFeatures 148 must both be divisible by groups 8');
  });
});

describe('torchUncertaintyMLP', () => {
  const save = (model: bg.nn.PackedMLP, release: string) => saveTorchUncertainty(model, { release });

  it('builds the model from any release\'s shapes: widths, gamma, padding', async () => {
    await bg.init({ backend: 'js' });
    for (const options of [
      { inFeatures: 12, hiddenFeatures: [9, 6], numClasses: 5, numEstimators: 3, alpha: 2 },
      { inFeatures: 7, hiddenFeatures: [12], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 3 },
      { inFeatures: 64, hiddenFeatures: [50], numClasses: 10, numEstimators: 4, alpha: 3 },
      { inFeatures: 5, hiddenFeatures: [], numClasses: 4, numEstimators: 2, alpha: 2 },
    ]) {
      const source = new bg.nn.PackedMLP({ ...options, rng: new bg.Rng(1) });
      for (const release of ['0.2', '0.3', '0.4', '0.5']) {
        const bytes = await save(source, release);
        const built = torchUncertaintyMLP(bytes, { numEstimators: options.numEstimators, alpha: options.alpha });
        expect(built.config.hiddenFeatures, release).toEqual(options.hiddenFeatures);
        expect(built.config.gamma).toBe(options.gamma ?? 1);
        expect(built.numClasses).toBe(options.numClasses);
        expectSameParameters(source, built);
        expect(await saveTorchUncertainty(built)).toEqual(bytes);
      }
    }
  });

  it('reads dense block-diagonal weights, counting their blocks, and a wrapper prefix', async () => {
    await bg.init({ backend: 'js' });
    const source = new bg.nn.PackedMLP({ inFeatures: 7, hiddenFeatures: [12, 8], numClasses: 4, numEstimators: 2, gamma: 2, rng: new bg.Rng(1) });
    const bytes = checkpoint(source, weightsAs((G, O, I, data) => ({ shape: [G * O, G * I], data: packedToDense(data, G, O, I) }), (k) => `model.${k.replace(/^layers\.2\./, 'final_layer.')}`));
    const built = torchUncertaintyMLP(bytes, { numEstimators: 2 });
    expect(built.config.gamma).toBe(2);
    expectSameParameters(source, built);
  });

  it('uses packed_mlp\'s default alpha 2 when the widths fit it, else 1, and the activation asked for', async () => {
    await bg.init({ backend: 'js' });
    const padded = new bg.nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [7], numClasses: 2, numEstimators: 2, alpha: 3 });
    const two = torchUncertaintyMLP(await save(padded, '0.5'), { numEstimators: 2, activation: 'gelu' });
    expect([two.config.alpha, two.config.hiddenFeatures, two.config.activation]).toEqual([2, [11], 'gelu']); // 21 padded to 22 = 2 * 11
    expectSameParameters(padded, two);
    const odd = new bg.nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [7], numClasses: 2, numEstimators: 1, alpha: 3 });
    const oddBytes = await save(odd, '0.5');
    const one = torchUncertaintyMLP(oddBytes, { numEstimators: 1 });
    expect([one.config.alpha, one.config.hiddenFeatures, one.config.activation]).toEqual([1, [21], 'relu']);
    expectSameParameters(odd, one);
    expect(() => torchUncertaintyMLP(oddBytes, { numEstimators: 1, alpha: 2 })).toThrow('torchUncertaintyMLP: hidden widths 21 are not TorchUncertainty\'s padded widths for alpha 2, M 1, gamma 1');
  });

  it('names the key and both shapes when a weight fits no packed MLP', async () => {
    await bg.init({ backend: 'js' });
    const source = new bg.nn.PackedMLP({ inFeatures: 64, hiddenFeatures: [48], numClasses: 10, numEstimators: 4, alpha: 2 });
    const wrong = checkpoint(source, (k, shape, data) => k === 'layers.1.weight' ? ['final_layer.weight', { shape: [4, 10, 25], data: new Float32Array(1000) }] : [k.replace(/^layers\.1\./, 'final_layer.'), { shape, data }]);
    expect(() => torchUncertaintyMLP(wrong, { numEstimators: 4 })).toThrow('torchUncertaintyMLP: final_layer.weight is [4, 10, 25] but layers.0 gives 96 features: expected [4, 10, 24]');
    const legacy = await save(source, '0.3');
    expect(() => torchUncertaintyMLP(legacy, { numEstimators: 3 })).toThrow('torchUncertaintyMLP: layers.1.weight has 4 groups, not a multiple of numEstimators 3');
    expect(() => torchUncertaintyMLP(writeSafetensors({ 'fc.weight': { shape: [2, 2], data: new Float32Array(4) } }), { numEstimators: 4 })).toThrow('torchUncertaintyMLP: no packed_mlp keys');
    expect(() => torchUncertaintyMLP(legacy, { numEstimators: 0 })).toThrow('torchUncertaintyMLP: numEstimators must be a positive integer, got 0');
  });
});
