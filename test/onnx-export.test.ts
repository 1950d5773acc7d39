// ONNX export: the exported bytes, run by onnxruntime-web, give our logits, per-estimator probabilities and ensemble mean.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { exportOnnx } from '../src/io/onnx-export.ts';
import { trainTestSplit } from '../app/data/digits.ts';
import { loadDigits } from '../app/cli/load-digits.ts';
import { defaultTrainConfig, predictEstimators, trainPackedMLP } from '../app/training.ts';
import { relativeError } from './helpers/relative-error.ts';
import { runOnnx } from './helpers/run-onnx.ts';

/** Runs the exported model on x [n, features] and checks every output against the engine. */
async function check(model: bg.nn.PackedMLP, x: Float32Array, n: number): Promise<void> {
  const M = model.numEstimators, C = model.numClasses, features = model.layers[0].inFeatures;
  const out = await runOnnx(await exportOnnx(model), x, [n, features]);
  expect(out.logits.dims).toEqual([n, M * C]);
  expect(out.probabilities.dims).toEqual([n, M, C]);
  expect(out.mean.dims).toEqual([n, C]);

  const data = { x, y: new Int32Array(n), n, features, classes: C };
  const logits = bg.noGrad(() => model.forward(bg.tensor(x, [n, features])));
  const per = await predictEstimators(model, data); // estimator-major [M*n, C]
  const perBatchMajor = new Float32Array(n * M * C);
  for (let m = 0; m < M; m++) for (let b = 0; b < n; b++) perBatchMajor.set(per.data.subarray((m * n + b) * C, (m * n + b + 1) * C), (b * M + m) * C);
  const errors = {
    logits: relativeError(out.logits.data as Float32Array, await logits.data()),
    probabilities: relativeError(out.probabilities.data as Float32Array, perBatchMajor),
    mean: relativeError(out.mean.data as Float32Array, bg.metrics.ensembleMean(per, M).data),
  };
  for (const [what, e] of Object.entries(errors)) expect(e, what).toBeLessThan(1e-5);
}

describe('ONNX export run by onnxruntime-web', () => {
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    await bg.init({ backend: 'js' });
  });

  it('a packed MLP trained on digits', async () => {
    const { train, test } = trainTestSplit(loadDigits(), 0.2, 42);
    const { model } = await trainPackedMLP(train, test, { ...defaultTrainConfig, epochs: 2, hidden: [32, 16] });
    await check(model, test.x, test.n);
  });

  it('odd widths, gamma 2 and alpha 1.5', async () => {
    const rng = new bg.Rng(3);
    for (const options of [
      { inFeatures: 12, hiddenFeatures: [9, 6], numClasses: 6, numEstimators: 3, alpha: 2, gamma: 2 },
      { inFeatures: 10, hiddenFeatures: [8], numClasses: 4, numEstimators: 2, alpha: 1.5 },
      { inFeatures: 5, hiddenFeatures: [], numClasses: 3, numEstimators: 4, alpha: 2 },
      { inFeatures: 8, hiddenFeatures: [10, 6], numClasses: 3, numEstimators: 2, alpha: 2, activation: 'gelu' as const },
      { inFeatures: 8, hiddenFeatures: [10, 6], numClasses: 3, numEstimators: 2, alpha: 2, activation: 'gelu_tanh' as const },
    ]) {
      const model = new bg.nn.PackedMLP({ ...options, rng });
      const x = bg.randn([7, options.inFeatures], { rng });
      await check(model, x.dataSync() as Float32Array, 7);
    }
  });

  it('names a model it cannot export', async () => {
    await expect(exportOnnx(new bg.nn.Conv2d(1, 2, 3) as never)).rejects.toThrow('exportOnnx: a Conv2d cannot be exported; exportOnnx writes a PackedMLP, PackedLeNet or PackedResNet');
  });
});
