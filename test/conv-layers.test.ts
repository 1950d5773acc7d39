// Conv layers and models: TorchUncertainty's channel arithmetic and key names, BatchNorm buffers read and
// written (I64 num_batches_tracked), train/eval switching, and load/save round trips that keep every key.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { readSafetensors, writeSafetensors } from '../src/io/safetensors.ts';
import { readConvFixture } from './helpers/tu-conv-fixture.ts';

const { nn, io } = bg;
const fixtureBytes = (name: string) => readFileSync(new URL(`./fixtures/torch-uncertainty-conv/tu-conv-${name}`, import.meta.url));
const shapes = (m: bg.nn.Module) => Object.entries(m.stateDict()).map(([k, t]) => `${k}:${t.shape.join('x')}`);

describe('PackedConv2d channels (TorchUncertainty layers/packed.py)', () => {
  const weight = (c: bg.nn.PackedConv2d) => [...c.conv.weight.shape];
  it('reduces gamma while a group would get fewer than minimumChannelsPerGroup inputs', () => {
    const reduced = new nn.PackedConv2d(8, 16, 3, { alpha: 2, numEstimators: 4, gamma: 2 });
    expect([weight(reduced), reduced.conv.groups, reduced.channels.gamma]).toEqual([[32, 4, 3, 3], 4, 1]);
    const kept = new nn.PackedConv2d(8, 16, 3, { alpha: 2, numEstimators: 4, gamma: 2, minimumChannelsPerGroup: 1 });
    expect([weight(kept), kept.conv.groups]).toEqual([[32, 2, 3, 3], 8]);
  });
  it('widens channels the groups do not divide by M − r, and refuses when that is still not divisible', () => {
    const padded = new nn.PackedConv2d(5, 7, 3, { alpha: 3, numEstimators: 4, padding: 1 });
    expect([padded.conv.inChannels, padded.conv.outChannels, ...weight(padded)]).toEqual([16, 24, 24, 4, 3, 3]);
    // G = 8 > M = 4: 10 output channels -> 10 + 4 - 2 = 12, not divisible by 8 (nn.Conv2d raises too).
    expect(() => new nn.PackedConv2d(8, 5, 3, { alpha: 2, numEstimators: 4, gamma: 2, minimumChannelsPerGroup: 1 })).toThrow(/outChannels 12 must both be divisible by groups 8/);
  });
  it('first: dense over the raw input; last: M × outChannels, rearranged to (M·B, C, H, W)', () => {
    const layer = new nn.PackedConv2d(3, 5, 3, { alpha: 2, numEstimators: 4, padding: 1, first: true, last: true });
    expect([weight(layer), layer.conv.groups]).toEqual([[20, 3, 3, 3], 1]);
    const x = bg.randn([2, 3, 4, 6]);
    const y = layer.forward(x), raw = layer.conv.forward(x);
    expect(y.shape).toEqual([8, 5, 4, 6]);
    const yv = y.dataSync(), rv = raw.dataSync();
    // row m·B + b, channel c = raw[b, m·5 + c]
    expect(yv[(3 * 2 + 1) * 5 * 24 + 2 * 24 + 7]).toBe(rv[(1 * 20 + 3 * 5 + 2) * 24 + 7]);
  });
  it('PackedConv1d has the same arithmetic over [B, C, L]', () => {
    const layer = new nn.PackedConv1d(5, 7, 3, { alpha: 3, numEstimators: 4, padding: 1 });
    expect(layer.conv.weight.shape).toEqual([24, 4, 3]);
    expect(layer.forward(bg.randn([2, 16, 9])).shape).toEqual([2, 24, 9]);
    expect(() => layer.forward(bg.randn([2, 15, 9]))).toThrow(/input must be \[B, 16, L\]/);
  });
});

describe('PackedResNet', () => {
  it('has TorchUncertainty keys and shapes (narrow ResNet-18, cifar) in state_dict order', () => {
    const model = new nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1, style: 'cifar', widthMultiplier: 0.25 });
    const { state } = readConvFixture('head-resnet18-cifar-narrow');
    expect(shapes(model).sort()).toEqual(Object.entries(state).map(([k, t]) => `${k}:${t.shape.join('x')}`).sort());
    expect(Object.keys(model.stateDict()).slice(0, 7)).toEqual([
      'conv1.conv.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', 'layer1.0.conv1.conv.weight',
    ]);
  });
  it('counts TorchUncertainty parameters at full width; builds 34 and the bottleneck 50', () => {
    const count = (m: bg.nn.Module) => m.parameters().reduce((s, p) => s + p.size, 0);
    const cifar = new nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 10, numEstimators: 4, alpha: 2, style: 'cifar' });
    expect(count(cifar)).toBe(11_190_440);
    const imagenet = new nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 10, numEstimators: 4, alpha: 2, style: 'imagenet' });
    expect(count(imagenet)).toBe(11_205_800);
    expect(imagenet.conv1.conv.weight.shape).toEqual([128, 3, 7, 7]);
    const r34 = new nn.PackedResNet({ arch: 34, inChannels: 3, numClasses: 10, numEstimators: 2, widthMultiplier: 0.125, style: 'cifar' });
    expect(r34.layer3.modules.length).toBe(6);
    const r50 = new nn.PackedResNet({ arch: 50, inChannels: 1, numClasses: 3, numEstimators: 2, alpha: 2, widthMultiplier: 0.125, style: 'cifar' });
    expect(Object.keys(r50.stateDict())).toContain('layer1.0.conv3.conv.weight');
    expect(r50.linear.weight.shape).toEqual([2, 3, 8 * 8 * 4 * 2 / 2]);
    const out = r50.estimatorLogits(bg.randn([2, 1, 8, 8]));
    expect(out.shape).toEqual([4, 3]);
    expect(() => new nn.PackedResNet({ arch: 19, inChannels: 3, numClasses: 10, numEstimators: 4 })).toThrow(/arch must be one of/);
  });
});

describe('BatchNorm2d buffers and modes', () => {
  it('counts batches in training only, uses the running statistics in eval, and saves num_batches_tracked as I64 []', async () => {
    const bn = new nn.BatchNorm2d(3);
    const x = bg.randn([4, 3, 2, 2]).keep();
    bn.forward(x);
    bn.forward(x);
    expect([...bn.numBatchesTracked!.dataSync()]).toEqual([2]);
    bn.eval();
    const evalOut = bn.forward(x).dataSync();
    expect([...bn.numBatchesTracked!.dataSync()]).toEqual([2]);
    const file = readSafetensors(await io.saveSafetensors(bn));
    expect(file.tensors.num_batches_tracked).toMatchObject({ dtype: 'I64', shape: [] });
    expect([...file.tensors.num_batches_tracked.data]).toEqual([2]);
    const copy = new nn.BatchNorm2d(3);
    io.loadSafetensors(copy, await io.saveSafetensors(bn));
    copy.eval();
    expect([...copy.forward(x).dataSync()]).toEqual([...evalOut]);
    copy.train();
    copy.forward(x);
    expect([...copy.numBatchesTracked!.dataSync()]).toEqual([3]); // counting on from the loaded value
    const cumulative = new nn.BatchNorm2d(3, { momentum: null });
    cumulative.forward(x);
    expect([...cumulative.runningMean!.dataSync()]).toEqual([...bg.mean(x, [0, 2, 3]).dataSync()]);
  });
  it('names a wrong channel count and counts no batch for it; without weight and statistics any count is taken, as PyTorch', () => {
    const bn = new nn.BatchNorm2d(8);
    expect(() => bn.forward(bg.randn([2, 4, 3, 3]))).toThrow('BatchNorm2d(8): input [2, 4, 3, 3] has 4 channels, expected 8');
    expect([...bn.numBatchesTracked!.dataSync()]).toEqual([0]);
    expect(() => new nn.BatchNorm2d(8, { trackRunningStats: false }).forward(bg.randn([2, 4, 3, 3]))).toThrow('has 4 channels, expected 8');
    expect(new nn.BatchNorm2d(8, { affine: false, trackRunningStats: false }).forward(bg.randn([2, 4, 3, 3])).shape).toEqual([2, 4, 3, 3]);
  });
  it('moves its buffers with its parameters (module.to)', async () => {
    await bg.init({ backend: 'js' });
    const bn = new nn.BatchNorm2d(2);
    bn.forward(bg.randn([3, 2, 2, 2])).dispose(); // frees the graph, which holds views of the weight
    const before = bn.runningVar!.dataSync();
    await bn.to('wasm');
    expect(bn.runningVar!.backend.name).toBe('wasm');
    expect(bn.numBatchesTracked!.backend.name).toBe('wasm');
    expect([...bn.runningVar!.dataSync()]).toEqual([...before]);
    expect([...bn.numBatchesTracked!.dataSync()]).toEqual([1]);
  });
  it('train() and eval() switch dropout in every child', () => {
    const model = new nn.Sequential(new nn.Dropout(0.5), new nn.Dropout2d(0.5));
    const x = bg.ones([2, 4, 3, 3]);
    model.eval();
    expect([...model.forward(x).dataSync()]).toEqual([...x.dataSync()]);
    model.train();
    expect(Math.min(...model.forward(x).dataSync())).toBe(0);
  });
});

describe('TorchUncertainty checkpoints of conv models', () => {
  it.each(['head-conv-only', 'head-conv-pad', 'head-lenet-g1-in4', 'v0.4.3-conv-only'])('%s loads and saves back with every key, shape and value', async (name) => {
    const original = fixtureBytes(`${name}.model.safetensors`);
    const { config } = readConvFixture(name);
    const { buildModel } = await import('./helpers/tu-conv-fixture.ts');
    const model = buildModel(config);
    // Conv models' keys and shapes are the same from 0.4.3 to 0.8 (their PackedLinear heads store [G, O, I]
    // in these files): reported as the current layout, not as the MLPs' 0.3 (a user found '0.3' misleading).
    expect(io.loadTorchUncertainty(model, original).layout).toEqual({ release: '0.5', weight: 'packed' });
    const saved = readSafetensors(await io.saveTorchUncertainty(model)).tensors;
    const want = readSafetensors(original).tensors;
    expect(Object.keys(saved).sort()).toEqual(Object.keys(want).sort());
    for (const [k, t] of Object.entries(want)) expect(saved[k], k).toEqual(t);
  });
  it('a ResNet with BatchNorm keeps its buffers, num_batches_tracked included, through a save and load', async () => {
    const { state } = readConvFixture('head-resnet18-cifar-narrow');
    const bytes = writeSafetensors(state);
    const model = new nn.PackedResNet({ arch: 18, inChannels: 3, numClasses: 10, numEstimators: 4, style: 'cifar', widthMultiplier: 0.25 });
    io.loadTorchUncertainty(model, bytes);
    const saved = readSafetensors(await io.saveTorchUncertainty(model)).tensors;
    expect(Object.keys(saved).sort()).toEqual(Object.keys(state).sort());
    for (const [k, t] of Object.entries(state)) expect(saved[k], k).toEqual(t);
    expect(saved['bn1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
  });
  it('names a checkpoint that does not fit', () => {
    const model = new nn.PackedConv2d(8, 16, 3, { alpha: 2, numEstimators: 4, gamma: 2, minimumChannelsPerGroup: 1 });
    expect(() => io.loadTorchUncertainty(model, fixtureBytes('head-conv-only.model.safetensors'))).toThrow("loadTorchUncertainty: 'conv.weight' is [32, 4, 3, 3] in the file, but the model's 'conv.weight' is [32, 2, 3, 3]: check numEstimators, alpha, gamma and the widths");
  });
});

describe('PackedLeNet', () => {
  it('runs on 1-channel 28x28 images with TorchUncertainty key names, (M·B, C) estimator logits', () => {
    const model = new nn.PackedLeNet({ inChannels: 1, numClasses: 10, norm: 'batchnorm', dropoutRate: 0.1 });
    expect(shapes(model).filter((k) => !k.startsWith('norm'))).toEqual([
      'conv1.conv.weight:12x1x5x5', 'conv1.conv.bias:12', 'conv2.conv.weight:32x3x5x5', 'conv2.conv.bias:32',
      'fc1.weight:4x60x128', 'fc1.bias:240', 'fc2.weight:4x42x60', 'fc2.bias:168', 'fc3.weight:4x10x42', 'fc3.bias:40',
    ]);
    expect(model.stateDict()['norm1.running_mean'].shape).toEqual([12]);
    const x = bg.randn([3, 1, 28, 28]);
    expect(model.forward(x).shape).toEqual([3, 40]);
    expect(model.estimatorLogits(x).shape).toEqual([12, 10]);
    const written = new nn.PackedLeNet({ inChannels: 1, numClasses: 10, asWritten: true });
    expect(written.conv1.conv.weight.shape).toEqual([12, 1, 5, 5]);
    expect(() => written.estimatorLogits(bg.randn([2, 4, 28, 28]))).toThrow(/no per-estimator logits/);
    expect(() => new nn.PackedLeNet({ inChannels: 1, numClasses: 10, alpha: 3 })).toThrow(/conv1 gives 18 features but conv2 takes 20/);
    const lenet = new nn.PackedLeNet({ inChannels: 1, numClasses: 10 });
    expect(() => lenet.forward(bg.randn([2, 1, 15, 28]))).toThrow('PackedLeNet: images must be at least 16x16 (two 5x5 convolutions, each followed by a 2x2 max pooling), got [2, 1, 15, 28]');
    expect(lenet.forward(bg.randn([2, 1, 16, 16])).shape).toEqual([2, 40]);
  });
});
