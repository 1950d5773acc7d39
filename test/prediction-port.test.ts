// The inference worker's prediction port: answers matched to their requests by id (also out of order), errors
// carried by name and message, thrown or rejected, and the real worker's answer before a model is loaded.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { predictionCaller, servePredictions } from '../src/inference/prediction-port.ts';
import type { PackedPrediction } from '../src/inference/predict.ts';
import { spawnInferenceWorker, type SpawnedWorker } from '../src/inference/spawn.ts';

type Port = Parameters<typeof servePredictions>[0];

/** A prediction whose values say which request it answers: [first row value, row count]. */
const echo = (x: Float32Array, shape: number[]): PackedPrediction => ({ n: shape[0], classes: 1, estimators: 1, values: Float32Array.of(x[0], shape[0]) });

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function connect(predict: (x: Float32Array, shape: number[]) => Promise<PackedPrediction>): (x: Float32Array, shape: number[]) => Promise<PackedPrediction> {
  const channel = new MessageChannel();
  channels.push(channel);
  servePredictions(channel.port2 as unknown as Port, predict);
  return predictionCaller(channel.port1 as unknown as Port);
}

describe('prediction port', () => {
  it('resolves each call with the answer to its own request, also when the answers come out of order', async () => {
    const held: (() => void)[] = [];
    const predict = connect((x, shape) => new Promise((resolve) => held.push(() => resolve(echo(x, shape)))));
    const first = predict(Float32Array.of(7, 7), [1, 2]), second = predict(Float32Array.of(9, 9, 9, 9), [2, 2]);
    while (held.length < 2) await new Promise((r) => setTimeout(r, 1));
    held[1](); // the second request's answer goes first
    held[0]();
    expect(Array.from((await first).values)).toEqual([7, 1]);
    expect(Array.from((await second).values)).toEqual([9, 2]);
  });

  it('transfers the rows to the worker and the answer back', async () => {
    const predict = connect(async (x, shape) => echo(x, shape));
    const x = Float32Array.of(3, 4);
    const p = await predict(x, [1, 2]);
    expect(x.buffer.byteLength).toBe(0); // detached: sent without a copy
    expect(Array.from(p.values)).toEqual([3, 1]);
  });

  it('rejects with the name and message of an error the worker throws or rejects with, and goes on answering', async () => {
    let fail: 'throw' | 'reject' | null = 'throw';
    const predict = connect((x, shape) => {
      if (fail === 'throw') throw new RangeError('predict: row 0 is out of range');
      if (fail === 'reject') return Promise.reject(new TypeError('predict: not a batch'));
      return Promise.resolve(echo(x, shape));
    });
    const thrown = await predict(Float32Array.of(1), [1, 1]).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect([(thrown as Error).name, (thrown as Error).message]).toEqual(['RangeError', 'predict: row 0 is out of range']);
    fail = 'reject';
    await expect(predict(Float32Array.of(1), [1, 1])).rejects.toThrow(/^predict: not a batch$/);
    fail = null;
    expect(Array.from((await predict(Float32Array.of(5), [1, 1])).values)).toEqual([5, 1]);
  });

  it("a spawned inference worker answers a prediction before any model is loaded with the worker's error", async () => {
    let worker: SpawnedWorker | undefined;
    try {
      worker = await spawnInferenceWorker();
      worker.setBusy(true);
      await expect(worker.api.predict(new Float32Array(4), [1, 4])).rejects.toThrow(/^inference worker: predict before load$/);
    } finally {
      worker?.terminate();
    }
  });
});
