// createInferenceWorker's client and loadModel: each call is answered for the rows it was given even when the
// caller reuses its buffer at once, a NaN row reports NaN uncertainty (never a silent zero), bad shapes and
// architectures are refused by name, terminate() names itself to the calls in flight, and any number of calls
// leave the host's memory where it was (it once raced every call against a never-settling promise, which kept
// ~550 bytes a call).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The host's heap in bytes after two full collections. */
function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const config = { inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };
let model: bg.nn.PackedMLP;
let bytes: Uint8Array;

beforeAll(async () => {
  await bg.init({ backend: 'js' });
  model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(5) });
  model.eval();
  bytes = await bg.io.saveSafetensors(model, bg.packedMLPMetadata(config));
});
afterAll(() => model.parameters().forEach((p) => p.dispose()));

describe('createInferenceWorker: the client', () => {
  it('answers each call for the rows it was given, though the caller refills its buffer right after calling', async () => {
    const worker = await bg.createInferenceWorker({ model: bytes, backend: 'js' });
    try {
      const rng = new bg.Rng(6);
      const rows = Array.from({ length: 5 }, () => Float32Array.from({ length: 6 }, () => rng.normal()));
      const buffer = new Float32Array(6);
      const calls = rows.map((r) => {
        buffer.set(r);
        return worker.predict(buffer, 1); // merged into one pass after this loop has overwritten buffer 4 times
      });
      const got = await Promise.all(calls);
      for (const [k, r] of rows.entries()) expect(got[k].probs, `row ${k}`).toEqual((await bg.predictBatch(model, r, 1)).probs);
      expect(new Set(got.map((p) => p.probs[0])).size).toBe(5);
      expect(buffer).toEqual(rows[4]); // the caller's buffer is read, never detached or written
    } finally {
      worker.terminate();
    }
  });

  it('a row with NaN in it gets NaN probabilities, entropy and mutual information; the rows beside it are untouched', async () => {
    const worker = await bg.createInferenceWorker({ model: bytes, backend: 'js' });
    try {
      const x = Float32Array.from({ length: 3 * 6 }, (_, i) => Math.sin(i));
      x[6 + 2] = Number.NaN;
      const got = await worker.predict(x, 3);
      expect([...got.probs.subarray(3, 6)].every(Number.isNaN)).toBe(true);
      expect([got.entropy[1], got.mutualInformation[1]].every(Number.isNaN)).toBe(true);
      for (const row of [0, 2]) {
        const alone = await bg.predictBatch(model, x.slice(row * 6, row * 6 + 6), 1);
        expect(got.probs.subarray(row * 3, row * 3 + 3), `row ${row}`).toEqual(alone.probs);
        expect(Number.isFinite(got.entropy[row]) && Number.isFinite(got.mutualInformation[row]), `row ${row}`).toBe(true);
      }
    } finally {
      worker.terminate();
    }
  });

  it('refuses an empty batch, a missing shape and an unknown architecture, naming the problem', async () => {
    const worker = await bg.createInferenceWorker({ model: bytes, backend: 'js' });
    try {
      await expect(worker.predict(new Float32Array(0), 0)).rejects.toThrow(/^predict: the shape's dimensions must be positive integers \(a batch holds at least one row\), got \[0, 6\]$/);
      await expect(worker.predict(new Float32Array(6), undefined as unknown as number)).rejects.toThrow(/^predict: shape must be a row count or an array of dimensions, got undefined$/);
      await expect(bg.predictBatch(model, new Float32Array(6), '1' as unknown as number)).rejects.toThrow(/shape must be a row count or an array of dimensions, got the string '1'$/);
      await expect(worker.predict(null as unknown as Float32Array, 1)).rejects.toThrow(/^predict: x must be a Float32Array of the batch's values, got null$/);
      await expect(worker.predict(6 as unknown as Float32Array, 1)).rejects.toThrow(/^predict: x must be a Float32Array of the batch's values, got number$/);
      expect((await worker.predict(new Float32Array(6), 1)).probs).toHaveLength(3); // and it still serves
    } finally {
      worker.terminate();
    }
    expect(() => bg.loadModel(bytes, { architecture: 'Foo' as bg.Architecture })).toThrow(/^loadModel: architecture must be one of PackedMLP, PackedLeNet, PackedResNet, got 'Foo'$/);
  });

  it('refuses a model source that is none of bytes, a URL or a path, naming what it got', async () => {
    for (const [source, got] of [[42, 'number 42'], [undefined, 'undefined undefined'], [null, 'null'], [{ bytes }, 'Object']] as const) {
      await expect(bg.createInferenceWorker({ model: source as unknown as Uint8Array, backend: 'js' })).rejects.toThrow(
        `createInferenceWorker: model must be the safetensors file's bytes (Uint8Array or ArrayBuffer), a URL or a path, got ${got}`,
      );
    }
  });

  it('a file whose packed weights are of other widths than the config says names both shapes, without the pre-0.5 layout', async () => {
    const wider = new bg.nn.PackedMLP({ ...config, hiddenFeatures: [10], rng: new bg.Rng(6) });
    const wrong = await bg.io.saveSafetensors(wider, bg.packedMLPMetadata(config)); // the metadata says 8 hidden features
    wider.parameters().forEach((p) => p.dispose());
    expect(() => bg.loadModel(wrong)).toThrow("loadModel: 'layers.0.weight' is [1, 20, 6] in the file, but the model's 'layers.0.weight' is [1, 16, 6]: check numEstimators, alpha, gamma and the widths");
  });

  it('loadModel says which architecture a file holds when asked for another, and asks for a conv config\'s architecture', async () => {
    const leNetConfig = { inChannels: 1, numClasses: 3, numEstimators: 2 };
    const leNet = new bg.nn.PackedLeNet({ ...leNetConfig, rng: new bg.Rng(7) });
    const leNetBytes = await bg.io.saveSafetensors(leNet);
    leNet.parameters().forEach((p) => p.dispose());
    expect(() => bg.loadModel(leNetBytes, { architecture: 'PackedResNet' })).toThrow(
      /^loadModel: the safetensors file has no PackedResNet config in its __metadata__ \(it holds a PackedLeNet config\); pass `config`$/,
    );
    const fromFile = bg.loadModel(leNetBytes); // the architecture and the full config from the file's metadata
    expect(fromFile.architecture).toBe('PackedLeNet');
    expect(() => bg.loadModel(leNetBytes, { config: fromFile.config })).toThrow(
      /^loadModel: the config has inChannels, a conv model's; pass architecture: 'PackedLeNet' or 'PackedResNet' with it \(the default is 'PackedMLP'\)$/,
    );
    const given = bg.loadModel(leNetBytes, { architecture: 'PackedLeNet', config: fromFile.config });
    expect(given.architecture).toBe('PackedLeNet');
    for (const l of [fromFile, given]) l.model.parameters().forEach((p) => p.dispose());
  });

  it('terminate() with a call in flight rejects it as terminated, not as a crash', async () => {
    const worker = await bg.createInferenceWorker({ model: bytes, backend: 'js' });
    const x = new Float32Array(4096 * 6);
    const inFlight = worker.predict(x, 4096);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the pass has been posted to the worker
    worker.terminate();
    await expect(inFlight).rejects.toThrow(/^predict: the inference worker was terminated$/);
    await expect(worker.predict(x, 4096)).rejects.toThrow(/^predict: the inference worker was terminated$/);
  });

  it('10,000 more calls leave the host heap where it was', async () => {
    const worker = await bg.createInferenceWorker({ model: bytes, backend: 'js' });
    const x = Float32Array.from({ length: 6 }, (_, i) => Math.cos(i));
    try {
      for (let i = 0; i < 2000; i++) await worker.predict(x, 1); // warm-up: code compiled, pools grown
      const before = heapAfterGc();
      const calls = 10_000;
      for (let i = 0; i < calls; i++) await worker.predict(x, 1);
      const grownPerCall = (heapAfterGc() - before) / calls;
      expect(grownPerCall).toBeLessThan(50); // bytes; the leak this guards against kept ~550
    } finally {
      worker.terminate();
    }
  });
});
