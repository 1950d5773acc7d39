// The ONNX writer: protobuf wire bytes, and models it writes run by onnxruntime-web against the engine.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { addBlockLinear, encodeModel, GraphBuilder, ProtoWriter } from '../src/io/onnx/index.ts';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `at ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

async function run(model: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
  const y = out[session.outputNames[0]];
  await session.release();
  return y.data as Float32Array;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('ProtoWriter', () => {
  it('writes the wire format of varints, negative int64s, floats, strings and packed repeats', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08ffffffffffffffffff01');
    expect(hex(new ProtoWriter().int(20, true).finish())).toBe('a00101');
    expect(hex(new ProtoWriter().float(1, 1).finish())).toBe('0d0000803f');
    expect(hex(new ProtoWriter().string(2, 'hi').finish())).toBe('12026869');
    expect(hex(new ProtoWriter().packedInts(4, [3, 270]).finish())).toBe('2203038e02');
    expect(hex(new ProtoWriter().packedFloats(5, [1]).finish())).toBe('2a040000803f');
    expect(hex(new ProtoWriter().message(3, (m) => m.int(1, 150)).finish())).toBe('1a03089601');
  });

  it('keeps every byte while its buffer grows', () => {
    const w = new ProtoWriter();
    for (let i = 0; i < 1000; i++) w.int(1, i);
    const bytes = w.finish();
    expect(bytes.length).toBe(2 * 128 + 3 * 872);
    expect(hex(bytes.subarray(bytes.length - 3))).toBe('08e707');
  });
});

describe('ONNX models run by onnxruntime-web', () => {
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    await bg.init({ backend: 'js' });
  });

  it('MatMul + Add equals linear', async () => {
    const [B, I, O] = [5, 7, 3];
    const rng = new bg.Rng(1);
    const x = bg.randn([B, I], { rng }), w = bg.randn([O, I], { rng }), b = bg.randn([O], { rng });
    const wT = bg.transpose(w);
    const g = new GraphBuilder('linear');
    const input = g.input('x', 'float32', ['batch', I]);
    const product = g.node('MatMul', [input, g.constant('w', wT.dataSync() as Float32Array, [I, O])]);
    g.node('Add', [product, g.constant('b', b.dataSync() as Float32Array)], { output: 'y' });
    g.output('y', 'float32', ['batch', O]);
    close(await run(g.encode(), x.dataSync() as Float32Array, [B, I]), bg.linear(x, w, b).dataSync());
  });

  it('Gemm with float and int attributes equals a scaled linear', async () => {
    const [B, I, O] = [4, 6, 5];
    const rng = new bg.Rng(2);
    const x = bg.randn([B, I], { rng }), w = bg.randn([O, I], { rng }), b = bg.randn([O], { rng });
    const g = new GraphBuilder('gemm');
    const input = g.input('x', 'float32', [B, I]);
    const attributes = { alpha: { float: 0.5 }, beta: { float: 2 }, transB: { int: 1 } };
    const y = g.node('Gemm', [input, g.constant('w', w.dataSync() as Float32Array, [O, I]), g.constant('b', b.dataSync() as Float32Array)], { attributes });
    g.output(y, 'float32', [B, O]);
    const expected = bg.add(bg.mul(bg.linear(x, w), 0.5), bg.mul(b, 2));
    close(await run(g.encode(), x.dataSync() as Float32Array, [B, I]), expected.dataSync());
  });

  it.each([
    [7, 3, 5, 4],
    [2, 1, 9, 9],
    [3, 16, 2, 3],
  ])('addBlockLinear equals blockLinear (B=%i, G=%i, I=%i, O=%i)', async (B, G, I, O) => {
    const rng = new bg.Rng(B + G);
    const x = bg.randn([B, G * I], { rng }), w = bg.randn([G, O, I], { rng }), b = bg.randn([G * O], { rng });
    const g = new GraphBuilder('block');
    const input = g.input('x', 'float32', ['batch', G * I]);
    const y = addBlockLinear(g, input, { weight: w.dataSync() as Float32Array, bias: b.dataSync() as Float32Array, G, I, O }, 'layer0');
    g.output(y, 'float32', ['batch', G * O]);
    close(await run(g.encode({ producerVersion: '0.1.0' }), x.dataSync() as Float32Array, [B, G * I]), bg.blockLinear(x, w, b).dataSync());
  });
});

describe('GraphBuilder and encodeModel errors', () => {
  it('rejects reused names, undefined inputs and outputs, and initializers of the wrong size', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', 'float32', [1]);
    expect(() => g.constant('x', new Float32Array(1))).toThrow(/already used/);
    expect(() => g.node('Relu', ['nope'])).toThrow(/nothing defines/);
    expect(() => g.output('missing', 'float32', [1])).toThrow(/not defined/);
    g.output(g.node('Relu', [x]), 'float32', [1]);
    const bad = { name: 'g', nodes: [], inputs: [], outputs: [], initializers: [{ name: 'c', dims: [2, 2], data: new Float32Array(3) }] };
    expect(() => encodeModel(bad)).toThrow(/4 values\) but 3/);
  });
});
