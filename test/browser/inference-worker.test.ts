// createInferenceWorker in Node (worker_threads): loading, batching of concurrent calls, crash and restart.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInferenceWorker, type InferenceWorker } from '../../src/inference/index.ts';
import { InferenceClient } from '../../src/inference/client.ts';
import { spawnInferenceWorker, type SpawnedWorker } from '../../src/inference/spawn.ts';
import type { InferenceWorkerApi } from '../../src/inference/protocol.ts';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.ts';
import { loadDigits } from '../../src/cli/load-digits.ts';

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
      predict: (x, n) => {
        forwards.push(n);
        return inner.api.predict(x, n);
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
    await expect(worker.predict(new Float32Array(63), 1)).rejects.toThrow(/63 values are not 1 rows of 64 features/);
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
