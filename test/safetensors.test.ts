// safetensors: every dtype round trip, conversions, a hand-built file, every malformed case, and model state dicts.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as bg from '../src/index.ts';
import { loadSafetensors, readSafetensors, saveSafetensors, writeSafetensors } from '../src/io/safetensors.ts';
import { saveTorchUncertainty } from '../src/io/torch-uncertainty/index.ts';
import { loadPackedMLP, packedMLPMetadata, PACKED_MLP_METADATA_KEY } from '../src/inference/index.ts';

const { nn } = bg;

/** A safetensors file from a header (object or raw text) and a data section. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (n: number) => ({ dtype: 'F32', shape: [n], data_offsets: [0, 4 * n] });

describe('safetensors round trip', () => {
  it('keeps F32, I32 and I64 exactly, with metadata', () => {
    const floats = Float32Array.from([0, -1.5, 3.25e-7, 1e30, -Infinity, 0.1]);
    const ints = Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31), 42]);
    const bytes = writeSafetensors(
      { f: { shape: [2, 3], data: floats }, i: { shape: [5], data: ints }, l: { dtype: 'I64', shape: [5, 1], data: ints } },
      { format: 'pt', note: 'π' },
    );
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', note: 'π' });
    expect(back.tensors.f).toEqual({ dtype: 'F32', shape: [2, 3], data: floats });
    expect(back.tensors.i).toEqual({ dtype: 'I32', shape: [5], data: ints });
    expect(back.tensors.l).toEqual({ dtype: 'I64', shape: [5, 1], data: ints });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3); // a view at an odd offset, as a pooled Node Buffer can be
    expect(readSafetensors(shifted.subarray(3)).tensors.f.data).toEqual(floats);
  });

  it('converts F16 and BF16 to f32 exactly and rounds to nearest even on write', () => {
    const values = Float32Array.from([1.5, -2, 65504, 2 ** -24, 2 ** -14, -0, Infinity, 0.1, 1 / 3, 70000, 2 ** -26]);
    const back = readSafetensors(writeSafetensors({ h: { dtype: 'F16', shape: [11], data: values }, b: { dtype: 'BF16', shape: [11], data: values } }));
    expect([...back.tensors.h.data]).toEqual([1.5, -2, 65504, 2 ** -24, 2 ** -14, -0, Infinity, 0.0999755859375, 0.333251953125, Infinity, 0]);
    expect([...back.tensors.b.data]).toEqual([1.5, -2, 65536, 2 ** -24, 2 ** -14, -0, Infinity, 0.10009765625, 0.333984375, 70144, 2 ** -26]);
    const nan = readSafetensors(writeSafetensors({ h: { dtype: 'F16', shape: [1], data: Float32Array.of(NaN) }, b: { dtype: 'BF16', shape: [1], data: Float32Array.of(NaN) } }));
    expect(nan.tensors.h.data[0]).toBeNaN();
    expect(nan.tensors.b.data[0]).toBeNaN();
    // ties go to even: 1 + 2^-11 sits halfway between 1 and 1 + 2^-10
    const tie = readSafetensors(writeSafetensors({ h: { dtype: 'F16', shape: [2], data: Float32Array.of(1 + 2 ** -11, 1 + 3 * 2 ** -11) } }));
    expect([...tie.tensors.h.data]).toEqual([1, 1 + 2 ** -9]);
  });

  it('pads the header to 8 bytes and keeps every tensor aligned to its element size', () => {
    const bytes = writeSafetensors({ a: { dtype: 'F16', shape: [3], data: new Float32Array(3) }, b: { shape: [1], data: new Float32Array(1) }, c: { dtype: 'I64', shape: [1], data: new Int32Array(1) } });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.c.data_offsets).toEqual([0, 8]);
    expect(header.b.data_offsets).toEqual([8, 12]);
    expect(header.a.data_offsets).toEqual([12, 18]);
    expect(bytes.length).toBe(8 + n + 18);
  });

  it('reads a file built by hand (unpadded header, empty tensor, no metadata)', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setFloat32(0, 2.5, true);
    new DataView(data.buffer).setInt32(4, -7, true);
    new DataView(data.buffer).setUint16(8, 0x3c00, true); // f16 1.0
    new DataView(data.buffer).setUint16(10, 0xc000, true); // bf16 -2.0
    const back = readSafetensors(file({
      x: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
      y: { dtype: 'I32', shape: [1, 1], data_offsets: [4, 8] },
      h: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [10, 12] },
      e: { dtype: 'F32', shape: [0, 3], data_offsets: [4, 4] },
    }, data));
    expect(back.metadata).toEqual({});
    expect(back.tensors.x).toEqual({ dtype: 'F32', shape: [], data: Float32Array.of(2.5) });
    expect(back.tensors.y.data).toEqual(Int32Array.of(-7));
    expect(back.tensors.h.data).toEqual(Float32Array.of(1));
    expect(back.tensors.b.data).toEqual(Float32Array.of(-2));
    expect(back.tensors.e.data).toEqual(new Float32Array(0));
  });
});

describe('safetensors accepts what the format allows', () => {
  it('a header padded with spaces, tensors in any key order, an empty tensor between two, a scalar', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setFloat32(8, 5, true);
    const back = readSafetensors(file('{"z":' + JSON.stringify(f32(2)) + ',"e":{"dtype":"I64","shape":[0],"data_offsets":[8,8]},"a":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}      ', data));
    expect(Object.keys(back.tensors).sort()).toEqual(['a', 'e', 'z']);
    expect(back.tensors.a.data).toEqual(Float32Array.of(5));
    expect(back.tensors.e.data).toEqual(new Int32Array(0));
  });
  it('the same name in two different objects is no duplicate', () => {
    const back = readSafetensors(file({ __metadata__: { dtype: 'x', shape: 'y' }, dtype: f32(1) }, new Uint8Array(4)));
    expect(back.metadata).toEqual({ dtype: 'x', shape: 'y' });
  });
});

describe.each(['js', 'wasm', 'webgpu'] as const)('a malformed file leaves the model unchanged, on %s', (backend) => {
  it("the issue's duplicate key", async () => {
    await bg.init({ backend });
    const model = new nn.PackedMLP({ inFeatures: 3, hiddenFeatures: [4], numClasses: 2, numEstimators: 2, rng: new bg.Rng(1) });
    const good = await saveSafetensors(model);
    const before = await Promise.all(model.parameters().map((p) => p.data()));
    const baseline = bg.memory();
    // The same file with its first tensor's entry written twice (the second pointing at zeros would win in JSON.parse).
    const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + new DataView(good.buffer).getUint32(0, true))));
    const [first] = Object.keys(header).filter((k) => k !== '__metadata__');
    const text = JSON.stringify(header).replace(/}$/, `,${JSON.stringify(first)}:${JSON.stringify(header[first])}}`);
    const bad = file(text, good.subarray(8 + new DataView(good.buffer).getUint32(0, true)));
    expect(() => loadSafetensors(model, bad)).toThrow(`safetensors: the header holds the key '${first}' twice`);
    expect(await Promise.all(model.parameters().map((p) => p.data()))).toEqual(before);
    expect(bg.memory()).toEqual(baseline);
    model.parameters().forEach((p) => p.dispose());
    await bg.init({ backend: 'js' });
  });
});

describe('safetensors refuses malformed files, naming the problem', () => {
  const cases: [string, () => Uint8Array, string | RegExp][] = [
    ['a file shorter than the length', () => new Uint8Array(5), 'safetensors: the file is 5 bytes, too short for the 8-byte header length'],
    ['a header length beyond the file', () => file({}, new Uint8Array(0), 1000), 'safetensors: header length 1000 is beyond the end of the file (2 bytes follow the length)'],
    ['a huge bogus header length', () => { const b = file({ a: f32(1) }, new Uint8Array(4)); b[5] = 1; return b; }, /^safetensors: header length 10995116\d{5} is over the format's limit of 100000000 bytes$/],
    ['a truncated file', () => writeSafetensors({ a: { shape: [4], data: new Float32Array(4) } }).subarray(0, -3), "tensor 'a': data_offsets [0, 16] are out of range: the data section has 13 bytes"],
    ['bad JSON', () => file('{"a": {'), 'safetensors: the header is not valid JSON'],
    ['a header that is not an object', () => file([1, 2]), `the header must begin with '{', found "["`],
    ['invalid UTF-8', () => { const b = file('{"a":1}'); b[9] = 0xff; return b; }, 'the header is not valid UTF-8'],
    ['an entry that is not an object', () => file({ a: 3 }), "tensor 'a': the entry must be an object with dtype, shape and data_offsets"],
    ['a wrong dtype', () => file({ a: { ...f32(1), dtype: 'F64' } }, new Uint8Array(4)), `tensor 'a': unsupported dtype "F64" (supported: F32, F16, BF16, I32, I64)`],
    ['an inherited name as dtype', () => file({ a: { ...f32(1), dtype: 'toString' } }, new Uint8Array(4)), `tensor 'a': "toString" is not a safetensors dtype (the format's are BOOL, U8, I8`],
    ["PyTorch's name for a dtype", () => file({ a: { ...f32(1), dtype: 'float32' } }, new Uint8Array(4)), `tensor 'a': "float32" is not a safetensors dtype`],
    ['a bad shape', () => file({ a: { ...f32(1), shape: [2, -1] } }, new Uint8Array(4)), "tensor 'a': shape must be an array of non-negative integers, got [2,-1]"],
    ['reversed offsets', () => file({ a: { ...f32(1), data_offsets: [4, 0] } }, new Uint8Array(4)), "tensor 'a': data_offsets must be [begin, end] with 0 <= begin <= end, got [4,0]"],
    ['offsets out of range', () => file({ a: { ...f32(2), data_offsets: [4, 12] } }, new Uint8Array(8)), "tensor 'a': data_offsets [4, 12] are out of range: the data section has 8 bytes"],
    ['overlapping tensors', () => file({ a: f32(2), b: { ...f32(2), data_offsets: [4, 12] } }, new Uint8Array(12)), "safetensors: tensors 'a' [0, 8] and 'b' [4, 12] overlap"],
    ['a shape/size mismatch', () => file({ a: { ...f32(2), shape: [3] } }, new Uint8Array(8)), "tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8"],
    ['bad metadata', () => file({ __metadata__: { n: 1 } }), 'safetensors: __metadata__ must map strings to strings'],
    ['an I64 beyond 32 bits', () => { const b = file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)); b[b.length - 4] = 1; return b; }, "tensor 'a': I64 value 4294967296 at index 0 does not fit in 32 bits"],
    // The format's rules beyond the basics (its README, "Format", and its reference loader's checks):
    ["the issue's input: the key 'w' twice (JSON.parse keeps the last)", () => file('{"w":' + JSON.stringify(f32(1)) + ',"w":' + JSON.stringify(f32(1)) + '}', new Uint8Array(4)),
      "safetensors: the header holds the key 'w' twice (the format disallows duplicate keys)"],
    ['a key twice under two spellings', () => file('{"w":' + JSON.stringify(f32(1)) + ',"\\u0077":' + JSON.stringify(f32(1)) + '}', new Uint8Array(4)), "holds the key 'w' twice"],
    ['a field twice within a tensor', () => file('{"w":{"dtype":"F32","shape":[1],"dtype":"F16","data_offsets":[0,4]}}', new Uint8Array(4)), "the header holds the key 'dtype' twice within 'w'"],
    ['a metadata key twice', () => file('{"__metadata__":{"k":"a","k":"b"}}'), "the header holds the key 'k' twice within '__metadata__'"],
    ['__metadata__ twice', () => file('{"__metadata__":{},"__metadata__":{"k":"b"}}'), "holds the key '__metadata__' twice"],
    ['a metadata value that is not a string', () => file({ __metadata__: { name: 'm', epochs: 3 } }), "__metadata__ must map strings to strings: 'epochs' holds 3"],
    ['metadata that is not an object', () => file({ __metadata__: 'x' }), '__metadata__ must map strings to strings, got "x"'],
    ['a header beginning with a space', () => file(' {}'), `the header must begin with '{', found " "`],
    ['a header length over the format\'s limit', () => file({}, new Uint8Array(0), 100_000_001), "header length 100000001 is over the format's limit of 100000000 bytes"],
    ['a hole before the first tensor', () => file({ a: { ...f32(1), data_offsets: [4, 8] } }, new Uint8Array(8)),
      "tensor 'a': data_offsets [4, 8] leave 4 bytes at the start of the data section that belong to no tensor (the format allows no holes)"],
    ['a hole between two tensors', () => file({ a: f32(1), b: { ...f32(1), data_offsets: [8, 12] } }, new Uint8Array(12)),
      "tensor 'b': data_offsets [8, 12] leave 4 bytes after tensor 'a' (which ends at 4) that belong to no tensor"],
    ['bytes after the last tensor', () => file({ a: f32(1) }, new Uint8Array(9)),
      'safetensors: 5 bytes after the last tensor\'s data belong to no tensor (the data section has 9 bytes, the tensors cover 4)'],
    ['data but no tensor', () => file({}, new Uint8Array(3)), '3 bytes after the last tensor\'s data belong to no tensor'],
    ['a tensor inside another', () => file({ a: f32(3), b: { ...f32(1), data_offsets: [4, 8] } }, new Uint8Array(12)), "tensors 'a' [0, 12] and 'b' [4, 8] overlap"],
    ['an empty tensor inside another', () => file({ a: f32(2), e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } }, new Uint8Array(8)), "tensors 'a' [0, 8] and 'e' [4, 4] overlap"],
    ['a shape too large to address', () => file({ a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, new Uint8Array(4)), "tensor 'a': shape [1073741824, 1073741824, 1073741824] of F32 is too large to address"],
    ['offsets that are not integers', () => file({ a: { ...f32(1), data_offsets: [0, 4.5] } }, new Uint8Array(4)), 'data_offsets must be [begin, end]'],
    ['three offsets', () => file({ a: { ...f32(1), data_offsets: [0, 4, 8] } }, new Uint8Array(4)), 'data_offsets must be [begin, end]'],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => expect(() => readSafetensors(make())).toThrow(message));
  }

  it('refuses to write what it cannot represent', () => {
    expect(() => writeSafetensors({ a: { shape: [2, 2], data: new Float32Array(3) } })).toThrow("safetensors: tensor 'a': shape [2, 2] has 4 elements but the data has 3");
    expect(() => writeSafetensors({ a: { dtype: 'I64', shape: [1], data: new Float32Array(1) } })).toThrow("tensor 'a': I64 is written from an Int32Array, got Float32Array");
    expect(() => writeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } })).toThrow("'__metadata__' is reserved");
    expect(() => writeSafetensors({ a: { shape: [1.5], data: new Float32Array(1) } })).toThrow("tensor 'a': shape [1.5] must hold non-negative integers");
  });
});

describe('model state dicts in safetensors', () => {
  const make = (seed: number, hidden = [6]) => new nn.PackedMLP({ inFeatures: 5, hiddenFeatures: hidden, numClasses: 3, numEstimators: 2, rng: new bg.Rng(seed) });

  it('saves a model and loads it into another', async () => {
    await bg.init({ backend: 'js' });
    const a = make(1), b = make(2);
    const bytes = await saveSafetensors(a, { epochs: '3' });
    const file = loadSafetensors(b, bytes);
    expect(file.metadata).toEqual({ ...packedMLPMetadata(a.config), epochs: '3' });
    expect(Object.keys(file.tensors).sort()).toEqual(['layers.0.bias', 'layers.0.weight', 'layers.1.bias', 'layers.1.weight']);
    expect(file.tensors['layers.1.weight'].shape).toEqual([2, 3, 6]);
    const x = bg.randn([4, 5]);
    expect([...b.forward(x).dataSync()]).toEqual([...a.forward(x).dataSync()]);
  });

  it('rebuilds a GELU model from its metadata with its GELU (an older file without activation is ReLU, an older \'gelu\' the tanh one); refuses an unknown one', async () => {
    await bg.init({ backend: 'js' });
    const config = { inFeatures: 5, hiddenFeatures: [6], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };
    const x = bg.randn([4, 5], { rng: new bg.Rng(8) });
    for (const activation of ['gelu', 'gelu_tanh', 'relu'] as const) {
      const model = new nn.PackedMLP({ ...config, activation, rng: new bg.Rng(3) });
      const bytes = await saveSafetensors(model);
      expect(JSON.parse(readSafetensors(bytes).metadata[PACKED_MLP_METADATA_KEY])).toEqual({ ...config, activation, version: 2 });
      const { model: loaded, config: stored } = loadPackedMLP(bytes);
      expect(stored).toEqual({ ...config, activation });
      expect([...loaded.forward(x).dataSync()]).toEqual([...model.forward(x).dataSync()]);
    }
    // Written before 'gelu' meant the exact GELU: no version, and 'gelu' was the tanh approximation.
    const olderGelu = new nn.PackedMLP({ ...config, activation: 'gelu_tanh', rng: new bg.Rng(3) });
    const { model: loadedGelu, config: storedGelu } = loadPackedMLP(await saveSafetensors(olderGelu, { [PACKED_MLP_METADATA_KEY]: JSON.stringify({ ...config, activation: 'gelu' }) }));
    expect(storedGelu.activation).toBe('gelu_tanh');
    expect([...loadedGelu.forward(x).dataSync()]).toEqual([...olderGelu.forward(x).dataSync()]);
    const older = new nn.PackedMLP({ ...config, rng: new bg.Rng(3) });
    const { model: loaded, config: stored } = loadPackedMLP(await saveSafetensors(older, { [PACKED_MLP_METADATA_KEY]: JSON.stringify(config) }));
    expect(stored.activation).toBeUndefined();
    expect([...loaded.forward(x).dataSync()]).toEqual([...older.forward(x).dataSync()]);
    expect(() => packedMLPMetadata({ ...config, activation: 'tanh' as 'gelu' })).toThrow(/^PackedMLP config: activation must be 'relu' or 'gelu' or 'gelu_tanh' if given, got "tanh"$/);
    expect(() => new nn.PackedMLP({ ...config, activation: 'tanh' as 'gelu' })).toThrow(/PackedMLP: activation must be 'relu', 'gelu' or 'gelu_tanh', got 'tanh'/);
  });

  it('writes the architecture on every saving path, so loadPackedMLP rebuilds what each one wrote', async () => {
    await bg.init({ backend: 'js' });
    const model = new nn.PackedMLP({ inFeatures: 5, hiddenFeatures: [8, 4], numClasses: 4, numEstimators: 2, alpha: 2, gamma: 2, activation: 'gelu', rng: new bg.Rng(4) });
    const x = bg.randn([3, 5], { rng: new bg.Rng(9) });
    for (const bytes of [await saveSafetensors(model), await saveTorchUncertainty(model), await saveTorchUncertainty(model, { metadata: { epochs: '2' } })]) {
      const { model: loaded, config } = loadPackedMLP(bytes);
      expect(config).toEqual(model.config);
      expect([...loaded.forward(x).dataSync()]).toEqual([...model.forward(x).dataSync()]);
    }
    // The demo's digit page model, written by scripts/train-digits-model.ts.
    const shipped = loadPackedMLP(new Uint8Array(readFileSync(new URL('../demo/public/digits-model.safetensors', import.meta.url))));
    expect(shipped.config).toMatchObject({ inFeatures: 64, numClasses: 10 });
  });

  it('names missing, unexpected and mis-shaped keys; non-strict loads the keys it has', async () => {
    await bg.init({ backend: 'js' });
    const small = await saveSafetensors(make(1, [4]));
    expect(() => loadSafetensors(make(2), small)).toThrow('loadStateDict: layers.0.weight: checkpoint [1, 8, 5] vs model [1, 12, 5]; layers.0.bias: checkpoint [8] vs model [12]; layers.1.weight: checkpoint [2, 3, 4] vs model [2, 3, 6]');
    const partial = writeSafetensors({ 'layers.0.bias': { shape: [12], data: new Float32Array(12).fill(0.5) }, extra: { shape: [1], data: Int32Array.of(1) } });
    const b = make(2);
    expect(() => loadSafetensors(b, partial)).toThrow('loadStateDict: missing keys: layers.0.weight, layers.1.weight, layers.1.bias; unexpected keys: extra');
    loadSafetensors(b, partial, { strict: false });
    expect([...b.layers[0].bias!.dataSync()]).toEqual(new Array(12).fill(0.5));
  });
});

// Dawn keeps the process alive while a device lives.
afterAll(async () => (await bg.getBackend('webgpu')).dispose());
