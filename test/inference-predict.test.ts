// predictBatch's single host pass over the packed probabilities against the metrics composed on the
// estimator-major softmax, on the js and wasm backends: the same bits, but for the mutual information, whose
// estimator entropies come from the backend's f32 log-softmax (f32 rounding apart).
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { ensembleMean, entropy, mutualInformation } from '../src/metrics.ts';
import { softmaxAndLogSoftmax } from '../src/ops/softmax.ts';
import { predictPacked, unpackPrediction } from '../src/inference/predict.ts';

describe('predictBatch', () => {
  for (const backend of ['js', 'wasm'] as const) {
    it(`${backend}: probabilities, mean and entropy are those of the composed metrics bit for bit, the mutual information to f32 rounding`, async () => {
      await bg.init({ backend, threads: 2 });
      const model = new bg.nn.PackedMLP({ inFeatures: 7, hiddenFeatures: [12], numClasses: 5, numEstimators: 3, alpha: 2, rng: new bg.Rng(3) });
      model.eval();
      const n = 11, rng = new bg.Rng(4);
      const x = Float32Array.from({ length: n * 7 }, () => 3 * rng.normal());
      const got = await bg.predictBatch(model, x, n);
      const probs = bg.noGrad(() => bg.tidy(() => bg.softmax(model.estimatorLogits(bg.tensor(x, [n, 7])))));
      const per = { data: (await probs.data()) as Float32Array, classes: 5 };
      probs.dispose();
      const mean = ensembleMean(per, 3);
      expect(got.perEstimator).toEqual(per.data);
      expect(got.probs).toEqual(mean.data);
      expect(got.entropy).toEqual(Float32Array.from(entropy(mean)));
      const mi = mutualInformation(per, 3);
      got.mutualInformation.forEach((v, i) => expect(Math.abs(v - mi[i]), `row ${i}`).toBeLessThan(1e-6 * (1 + Math.abs(mi[i])) + 1e-6));
      expect(mi.some((v) => v > 1e-3)).toBe(true); // the estimators disagree: a difference of entropies, not 0 - 0
      expect([got.n, got.classes, got.estimators]).toEqual([n, 5, 3]);
      // each array in a buffer of its own (a user may transfer one); the worker's answer is the same values in one buffer
      for (const a of [got.probs, got.perEstimator, got.entropy, got.mutualInformation]) expect(a.buffer.byteLength).toBe(a.byteLength);
      const packed = await predictPacked(model, x, n);
      expect(packed.values).toEqual(Float32Array.from([...got.perEstimator, ...got.probs, ...got.entropy, ...got.mutualInformation]));
      const whole = unpackPrediction(packed);
      expect(whole).toEqual(got);
      for (const a of [whole.probs, whole.perEstimator, whole.entropy, whole.mutualInformation]) expect(a.buffer.byteLength).toBe(a.byteLength);
      // rows [3, 7) of a merged pass: each estimator's run of those rows, and the rows' slices of the rest
      const part = unpackPrediction(packed, 3, 4);
      const perRows = [0, 1, 2].flatMap((m) => [...got.perEstimator.subarray((m * n + 3) * 5, (m * n + 7) * 5)]);
      expect(part).toEqual({ n: 4, classes: 5, estimators: 3, perEstimator: Float32Array.from(perRows), probs: got.probs.slice(15, 35), entropy: got.entropy.slice(3, 7), mutualInformation: got.mutualInformation.slice(3, 7) });
      for (const p of model.parameters()) p.dispose();
    });

    it(`${backend}: softmaxAndLogSoftmax gives softmax's and logSoftmax's bits, and refuses to run where a gradient is wanted`, async () => {
      await bg.init({ backend, threads: 2 });
      const rng = new bg.Rng(5);
      const x = bg.tensor(Float32Array.from({ length: 9 * 13 }, () => 8 * rng.normal()), [9, 13]);
      const [p, l] = softmaxAndLogSoftmax(x);
      expect(await p.data()).toEqual(await bg.softmax(x).data());
      expect(await l.data()).toEqual(await bg.logSoftmax(x).data());
      x.requiresGrad = true;
      expect(() => softmaxAndLogSoftmax(x)).toThrow(/softmaxAndLogSoftmax: records no gradient/);
      expect(bg.noGrad(() => softmaxAndLogSoftmax(x))).toHaveLength(2);
    });
  }
});
