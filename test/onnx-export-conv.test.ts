// ONNX export of the packed conv models, run by onnxruntime-web: TorchUncertainty's packed ResNet-18 (its own
// eval-mode logits), and PackedLeNet / PackedResNet (imagenet stem, bottlenecks) against the engine's eval forward.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { writeSafetensors } from '../src/io/safetensors.ts';
import { readConvFixture } from './helpers/tu-conv-fixture.ts';
import { relativeError } from './helpers/relative-error.ts';
import { runOnnx } from './helpers/run-onnx.ts';

/** ONNX against the engine's eval-mode forward: packed logits, each estimator's softmax, and their mean. */
async function check(model: bg.nn.PackedLeNet | bg.nn.PackedResNet, shape: number[], rng: bg.Rng, options?: bg.io.ConvExportOptions): Promise<void> {
  model.eval();
  const x = bg.randn(shape, { rng });
  const M = model.numEstimators, C = model.numClasses, n = shape[0];
  const out = await runOnnx(await bg.io.exportOnnx(model, options), (await x.data()) as Float32Array, shape);
  const logits = bg.noGrad(() => model.forward(x));
  const probs = bg.noGrad(() => bg.softmax(bg.reshape(logits, [n, M, C])));
  const mean = bg.noGrad(() => bg.mean(probs, 1));
  expect(out.logits.dims).toEqual([n, M * C]);
  expect(relativeError(out.logits.data as Float32Array, await logits.data()), 'logits').toBeLessThan(1e-5);
  expect(relativeError(out.probabilities.data as Float32Array, await probs.data()), 'probabilities').toBeLessThan(1e-5);
  expect(relativeError(out.mean.data as Float32Array, await mean.data()), 'mean').toBeLessThan(1e-5);
  for (const t of [x, logits, probs, mean]) t.dispose();
}

/** A train-mode forward, so the BatchNorm running statistics are not their initial zeros and ones. */
function moveRunningStats(model: bg.nn.Module & { forward(x: bg.Tensor): bg.Tensor }, shape: number[], rng: bg.Rng): void {
  model.train();
  bg.noGrad(() => bg.tidy(() => void model.forward(bg.randn(shape, { rng }))));
}

describe('ONNX export of packed conv models, run by onnxruntime-web', () => {
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    await bg.init({ backend: 'js' });
  });

  it("TorchUncertainty's packed ResNet-18 (CIFAR stem, 1/4 width): its own eval-mode logits", async () => {
    const { t, state } = readConvFixture('head-resnet18-cifar-narrow');
    const model = new bg.nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 10, numEstimators: 4, alpha: 2, style: 'cifar', widthMultiplier: 0.25 });
    bg.io.loadTorchUncertainty(model, writeSafetensors(state));
    model.eval();
    const input = t['ref.input'], want = t['ref.logits_eval'].data; // (M·B, C), row m·B + b
    const [B] = input.shape, M = 4, C = 10;
    const out = await runOnnx(await bg.io.exportOnnx(model), input.data as Float32Array, input.shape);
    const packed = out.logits.data as Float32Array; // [B, M·C]
    const estimatorMajor = new Float32Array(M * B * C);
    for (let m = 0; m < M; m++) for (let b = 0; b < B; b++) estimatorMajor.set(packed.subarray(b * M * C + m * C, b * M * C + (m + 1) * C), (m * B + b) * C);
    expect(relativeError(estimatorMajor, want)).toBeLessThan(1e-5);
  });

  it('PackedLeNet with and without BatchNorm at 28x28, and its refusal of uneven adaptive pooling', async () => {
    const rng = new bg.Rng(5);
    const plain = new bg.nn.PackedLeNet({ inChannels: 1, numClasses: 10, numEstimators: 4, alpha: 2, rng });
    await check(plain, [3, 1, 28, 28], rng);
    const normed = new bg.nn.PackedLeNet({ inChannels: 3, numClasses: 5, numEstimators: 2, alpha: 2, norm: 'batchnorm', rng });
    moveRunningStats(normed, [4, 3, 28, 28], rng);
    await check(normed, [2, 3, 28, 28], rng);
    await check(plain, [2, 1, 44, 44], rng, { inputSize: [44, 44] }); // 8x8 before the (4, 4) pooling: AveragePool 2x2
    await expect(bg.io.exportOnnx(plain, { inputSize: [32, 32] })).rejects.toThrow(/adaptive average pooling of 5x5 to 4x4 has uneven windows/);
    const asWritten = new bg.nn.PackedLeNet({ inChannels: 1, numClasses: 10, asWritten: true });
    await expect(bg.io.exportOnnx(asWritten)).rejects.toThrow(/asWritten has no per-estimator logits/);
  });

  it('PackedResNet: imagenet stem (max pooling), gamma 2, conv bias, odd image size; the bottleneck ResNet-50', async () => {
    const rng = new bg.Rng(6);
    const imagenet = new bg.nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 7, numEstimators: 2, alpha: 2, gamma: 2, style: 'imagenet', widthMultiplier: 0.125, convBias: true, rng });
    moveRunningStats(imagenet, [3, 3, 37, 33], rng);
    await check(imagenet, [2, 3, 37, 33], rng);
    const bottleneck = new bg.nn.PackedResNet({ arch: 50, inChannels: 2, numClasses: 3, numEstimators: 4, alpha: 2, style: 'cifar', widthMultiplier: 0.0625, rng });
    moveRunningStats(bottleneck, [2, 2, 9, 9], rng);
    await check(bottleneck, [2, 2, 9, 9], rng);
  });
});
