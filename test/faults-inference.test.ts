// An inference worker that crashes with calls in flight: those calls reject with an error naming the
// crash, and the next call starts a new worker, reloads the model and answers correctly.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { InferenceClient } from '../src/inference/client.ts';
import { spawnInferenceWorker, type SpawnedWorker } from '../src/inference/spawn.ts';
import { saveSafetensors } from '../src/io/safetensors.ts';

const config = { inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };

describe('inference worker crash', () => {
  it('pending predictions reject; the next call recovers on a fresh worker', async () => {
    await bg.init({ backend: 'js' });
    const model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(4) });
    const bytes = await saveSafetensors(model, bg.packedMLPMetadata(config));
    const x = Float32Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i));
    const want = await bg.predictBatch(model, x, 4);

    const spawned: SpawnedWorker[] = [];
    let crashNext = false;
    // Workers whose predict can be made to die with the call in flight: termination starts before the
    // call is posted, so the worker can never answer it first (no race with a fast worker).
    const client = new InferenceClient({ bytes, backend: 'js' }, async () => {
      const w = await spawnInferenceWorker();
      spawned.push(w);
      const api = {
        load: w.api.load,
        predict: (...args: Parameters<typeof w.api.predict>) => {
          if (crashNext) w.terminate();
          crashNext = false;
          return w.api.predict(...args);
        },
      } as unknown as SpawnedWorker['api'];
      return { ...w, api };
    });
    await client.connect();
    expect((await client.predict(x.slice(), 4)).probs).toEqual(want.probs);

    crashNext = true;
    const inFlight = [client.predict(x.slice(), 4), client.predict(x.slice(0, 6), 1)]; // merged into one call
    for (const p of inFlight) await expect(p).rejects.toThrow(/the inference worker crashed \(.+\); the next call starts a new one/);

    const again = await client.predict(x.slice(), 4);
    expect(spawned).toHaveLength(2);
    expect(again.probs).toEqual(want.probs);
    expect(again.mutualInformation).toEqual(want.mutualInformation);
    client.terminate();
    await expect(client.predict(x.slice(), 4)).rejects.toThrow(/the inference worker was terminated/);
    model.parameters().forEach((p) => p.dispose());
  });
});
