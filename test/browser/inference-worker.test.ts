// createInferenceWorker in Node (worker_threads): loading, batching of concurrent calls, crash and restart.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as bg from '../../src/index.ts';
import { createInferenceWorker, predictBatch, type InferenceWorker } from '../../src/inference/index.ts';
import { InferenceClient } from '../../src/inference/client.ts';
import { spawnInferenceWorker, type SpawnedWorker } from '../../src/inference/spawn.ts';
import type { InferenceWorkerApi } from '../../src/inference/protocol.ts';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.ts';
import { loadDigits } from '../../app/cli/load-digits.ts';

const modelUrl = new URL('../../demo/public/digits-model.safetensors', import.meta.url);
const digits = loadDigits();
const rows = (start: number, n: number) => digits.x.slice(start * 64, (start + n) * 64);

/** A spawn that records each worker and every forward pass's row count. */
function recordingSpawn(): { spawn: () => Promise<SpawnedWorker>; workers: SpawnedWorker[]; forwards: number[] } {
  const workers: SpawnedWorker[] = [], forwards: number[] = [];
  const spawn = async () => {
    const inner = await spawnInferenceWorker();
    const api: InferenceWorkerApi = {
      load: (r) => inner.api.load(r),
      predict: (x, shape) => {
        forwards.push(shape[0]);
        return inner.api.predict(x, shape);
      },
    };
    const worker = { ...inner, api };
    workers.push(worker);
    return worker;
  };
  return { spawn, workers, forwards };
}

describe('createInferenceWorker in Node', () => {
  let worker: InferenceWorker;
  beforeAll(async () => {
    worker = await createInferenceWorker({ model: modelUrl, backend: 'wasm', threads: 1 });
  });
  afterAll(() => worker.terminate());

  test('reads the architecture from the file and predicts the digits with uncertainty', async () => {
    expect(worker.config).toEqual({ inFeatures: 64, hiddenFeatures: [64], numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1 });
    expect(worker.backend.name).toBe('wasm');
    const x = rows(0, 100), p = await worker.predict(x, 100);
    expect(x.length).toBe(6400); // the caller's input is not detached
    expect([p.n, p.classes, p.estimators, p.probs.length, p.perEstimator.length]).toEqual([100, 10, 4, 1000, 4000]);
    let right = 0;
    for (let r = 0; r < 100; r++) {
      const row = p.probs.subarray(r * 10, r * 10 + 10);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (row.indexOf(Math.max(...row)) === digits.y[r]) right++;
      expect(p.entropy[r]).toBeGreaterThanOrEqual(0);
      expect(p.mutualInformation[r]).toBeGreaterThan(-1e-6);
      expect(p.mutualInformation[r]).toBeLessThanOrEqual(p.entropy[r] + 1e-6);
    }
    expect(right).toBeGreaterThan(90);
  });

  test('rejects input that is not n rows of the model\'s features', async () => {
    await expect(worker.predict(new Float32Array(63), 1)).rejects.toThrow(/63 values are not a batch of shape \[1, 64\]/);
    await expect(worker.predict(new Float32Array(64), [1, 1, 8, 8])).rejects.toThrow(/a PackedMLP takes \[n, 64\], got \[1, 1, 8, 8\]/);
    expect(worker.architecture).toBe('PackedMLP');
  });

  test('needs the architecture when the file has none', async () => {
    const file = readSafetensors(new Uint8Array(await readFile(modelUrl)));
    const bare = writeSafetensors(file.tensors);
    await expect(createInferenceWorker({ model: bare, backend: 'js' })).rejects.toThrow(/no PackedMLP config.*pass `config`/);
    const given = await createInferenceWorker({ model: bare, backend: 'js', config: worker.config });
    const [a, b] = [await given.predict(rows(0, 5), 5), await worker.predict(rows(0, 5), 5)];
    given.terminate();
    a.probs.forEach((v, i) => expect(v).toBeCloseTo(b.probs[i], 5));
  });
});

describe('InferenceClient', () => {
  const request = async () => ({ bytes: new Uint8Array(await readFile(modelUrl)), backend: 'js' as const });

  test('merges concurrent calls into one forward pass and hands each its own rows', async () => {
    const { spawn, forwards } = recordingSpawn();
    const client = new InferenceClient(await request(), spawn);
    await client.connect();
    const alone = await Promise.all([client.predict(rows(0, 3), 3)]);
    const together = await Promise.all([client.predict(rows(0, 3), 3), client.predict(rows(3, 2), 2), client.predict(rows(5, 4), 4)]);
    expect(forwards).toEqual([3, 9]);
    expect(together.map((p) => p.n)).toEqual([3, 2, 4]);
    expect(together[0]).toEqual(alone[0]);
    const second = await client.predict(rows(3, 2), 2);
    second.perEstimator.forEach((v, i) => expect(v).toBeCloseTo(together[1].perEstimator[i], 6));
    client.terminate();
    await expect(client.predict(rows(0, 1), 1)).rejects.toThrow(/terminated/);
  });

  test('a crash rejects the calls in flight, and the next call starts a new worker', async () => {
    const { spawn, workers } = recordingSpawn();
    const client = new InferenceClient(await request(), spawn);
    await client.connect();
    const pending = client.predict(rows(0, 50), 50);
    await Promise.resolve(); // the call leaves for the worker
    workers[0].terminate(); // the worker dies under it
    await expect(pending).rejects.toThrow(/crashed/);
    const p = await client.predict(rows(0, 2), 2);
    expect(p.n).toBe(2);
    expect(workers.length).toBe(2);
    client.terminate();
  });
});

describe('createInferenceWorker serving conv models', () => {
  beforeAll(() => bg.init({ backend: 'js' }));

  test('a PackedLeNet with BatchNorm: [n, C, H, W] images, the architecture from the file, the same prediction as in this thread', async () => {
    const rng = new bg.Rng(8);
    const model = new bg.nn.PackedLeNet({ inChannels: 1, numClasses: 10, numEstimators: 4, alpha: 2, norm: 'batchnorm', rng });
    bg.noGrad(() => bg.tidy(() => void model.forward(bg.randn([4, 1, 28, 28], { rng })))); // moves the running statistics
    model.eval();
    const bytes = await bg.io.saveSafetensors(model);
    const x = (await bg.randn([3, 1, 28, 28], { rng }).data()) as Float32Array;
    const served = await createInferenceWorker({ model: bytes, backend: 'js' });
    try {
      expect(served.architecture).toBe('PackedLeNet');
      expect(served.config).toEqual({ inChannels: 1, numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1, norm: 'batchnorm', dropoutRate: 0 });
      const [p, here] = [await served.predict(x, [3, 1, 28, 28]), await predictBatch(model, x, [3, 1, 28, 28])];
      expect([p.n, p.classes, p.estimators]).toEqual([3, 10, 4]);
      p.perEstimator.forEach((v, i) => expect(v).toBeCloseTo(here.perEstimator[i], 6));
      p.mutualInformation.forEach((v, i) => expect(v).toBeCloseTo(here.mutualInformation[i], 6));
      await expect(served.predict(x, 3)).rejects.toThrow(/a PackedLeNet takes images: pass their shape \[n, 1, height, width\]/);
      await expect(served.predict(x, [1, 3, 28, 28])).rejects.toThrow(/a PackedLeNet takes \[n, 1, height, width\], got \[1, 3, 28, 28\]/);
      await expect(served.predict(x, [3, 1, 28, 27])).rejects.toThrow(/2352 values are not a batch of shape \[3, 1, 28, 27\]/);
      await expect(served.predict(new Float32Array(2 * 4 * 4), [2, 1, 4, 4])).rejects.toThrow(/PackedLeNet|kernel|smaller/);
      expect((await served.predict(x.subarray(0, 784), [1, 1, 28, 28])).n).toBe(1); // the worker survives a bad call
      // a file without the architecture: given with its config, or refused naming what is missing
      const bare = writeSafetensors(readSafetensors(bytes).tensors);
      await expect(createInferenceWorker({ model: bare, backend: 'js', architecture: 'PackedLeNet' })).rejects.toThrow(/no PackedLeNet config in its __metadata__; pass `config`/);
      await expect(createInferenceWorker({ model: bare, backend: 'js', architecture: 'PackedLeNet', config: { ...served.config, norm: 'layer' } as never })).rejects.toThrow(/^PackedLeNet config: norm must be 'identity' or 'batchnorm', got "layer"$/);
      const given = await createInferenceWorker({ model: bare, backend: 'js', architecture: 'PackedLeNet', config: served.config });
      (await given.predict(x, [3, 1, 28, 28])).probs.forEach((v, i) => expect(v).toBeCloseTo(here.probs[i], 6));
      given.terminate();
    } finally {
      served.terminate();
    }
  });

  test('a PackedResNet: concurrent calls of one image size share a pass, other sizes get their own', async () => {
    const rng = new bg.Rng(9);
    const model = new bg.nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 5, numEstimators: 2, alpha: 2, style: 'cifar', widthMultiplier: 0.0625, rng });
    model.eval();
    const { spawn, forwards } = recordingSpawn();
    const client = new InferenceClient({ bytes: await bg.io.saveSafetensors(model), backend: 'js' }, spawn);
    await client.connect();
    expect(client.architecture).toBe('PackedResNet');
    const image = (n: number, size: number) => bg.randn([n, 3, size, size], { rng }).dataSync() as Float32Array;
    const [a, b, c] = [image(2, 8), image(1, 8), image(1, 12)];
    const out = await Promise.all([client.predict(a, [2, 3, 8, 8]), client.predict(c, [1, 3, 12, 12]), client.predict(b, [1, 3, 8, 8])]);
    expect(forwards).toEqual([3, 1]);
    expect(out.map((p) => p.n)).toEqual([2, 1, 1]);
    const alone = await predictBatch(model, c, [1, 3, 12, 12]);
    out[1].probs.forEach((v, i) => expect(v).toBeCloseTo(alone.probs[i], 6));
    client.terminate();
  });
});
