// Replays one TorchUncertainty conv reference run (test/fixtures/torch-uncertainty-conv/README.md) on the
// current backend: the same model built from the file's builder call, the BatchNorm buffers as they were before
// the recorded pass, the train-mode forward and backward, the running-statistics update, and the eval forward.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as bg from '../../src/index.ts';
import { readSafetensors, stateValues } from '../../src/io/safetensors.ts';
import { fromTorchUncertainty } from '../../src/io/torch-uncertainty/index.ts';
import { relativeError } from './relative-error.ts';

const dir = new URL('../fixtures/torch-uncertainty-conv/', import.meta.url);

export function readConvFixture(name: string) {
  const file = readSafetensors(readFileSync(new URL(`tu-conv-${name}.safetensors`, dir)));
  const t = file.tensors;
  const pick = (prefix: string) => Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const state = Object.fromEntries(Object.entries(t).filter(([k]) => !/^(ref|ref64|grad|pre)\./.test(k)));
  return { t, state, grads: pick('grad.'), pre: pick('pre.'), config: JSON.parse(file.metadata.config), tag: name.split('-')[0] === 'head' ? 'head' : 'v0.4.3' };
}

type Config = { builder: string; arguments: Record<string, unknown> };

/** The blockgrad model of a fixture's TorchUncertainty builder call. */
export function buildModel(config: Config): bg.nn.Module {
  const a = config.arguments as Record<string, never>;
  if (config.builder.endsWith('packed_resnet')) {
    return new bg.nn.PackedResNet({
      arch: a.arch, inChannels: a.in_channels, numClasses: a.num_classes, numEstimators: a.num_estimators, alpha: a.alpha,
      gamma: a.gamma, groups: a.groups, style: a.style, widthMultiplier: a.width_multiplier, convBias: a.conv_bias, dropoutRate: a.dropout_rate,
    });
  }
  if (config.builder.endsWith('PackedConv2d')) {
    return new bg.nn.PackedConv2d(a.in_channels, a.out_channels, a.kernel_size, {
      alpha: a.alpha, numEstimators: a.num_estimators, gamma: a.gamma, stride: a.stride, padding: a.padding, dilation: a.dilation,
      groups: a.groups, minimumChannelsPerGroup: a.minimum_channels_per_group, bias: a.bias, first: a.first, last: a.last,
    });
  }
  if (config.builder.endsWith('packed_lenet')) {
    return new bg.nn.PackedLeNet({
      inChannels: a.in_channels, numClasses: a.num_classes, numEstimators: a.num_estimators, alpha: a.alpha, gamma: a.gamma,
      norm: String(a.norm).endsWith('BatchNorm2d') ? 'batchnorm' : 'identity', dropoutRate: a.dropout_rate, asWritten: true,
    });
  }
  throw new Error(`no model for builder ${config.builder}`);
}

/** The output TorchUncertainty's model gives: (M·B, C) for the ResNet, v0.4.3's (B, ext_out, …) for a `last` PackedConv2d. */
function output(model: bg.nn.Module, x: bg.Tensor, tag: string): bg.Tensor {
  if (model instanceof bg.nn.PackedResNet) return model.estimatorLogits(x);
  const y = model.forward(x);
  if (!(model instanceof bg.nn.PackedConv2d) || !model.last || tag === 'head') return y;
  // 0.4.3 ignores `last` in forward: undo our "(m b) c h w" back to "b (m c) h w".
  const [MB, C, H, W] = y.shape, M = model.numEstimators;
  return bg.tidy(() => bg.reshape(bg.transpose(bg.reshape(y, [M, MB / M, C, H * W]), [1, 0, 2, 3]), [MB / M, M * C, H, W]));
}

/** Every relative error of one fixture on the current backend (asserting shapes and keys on the way). */
export async function replayConvFixture(name: string): Promise<Record<string, number>> {
  const { t, state, grads, pre, config, tag } = readConvFixture(name);
  const model = buildModel(config);
  const errors: Record<string, number> = {};
  model.loadStateDict(fromTorchUncertainty(model, stateValues({ ...state, ...pre })).state);
  model.train();
  const x = bg.tensor(t['ref.input'].data, t['ref.input'].shape, { requiresGrad: true });
  const out = output(model, x, tag);
  let objective: bg.Tensor;
  if (t['ref.loss']) {
    const targets = bg.tensor(t['ref.targets'].data, t['ref.targets'].shape, { dtype: 'i32' });
    objective = bg.crossEntropy(out, bg.repeat(targets, (model as bg.nn.PackedResNet).numEstimators));
    errors.logits_train = relativeError(await out.data(), t['ref.logits_train'], 'logits_train');
    errors.loss = relativeError([await objective.item()], t['ref.loss'], 'loss');
    targets.dispose();
  } else {
    const R = bg.tensor(t['ref.R'].data, t['ref.R'].shape);
    objective = bg.sum(bg.mul(out, R));
    const reference = t['ref.output'] ?? t['ref.logits_train'];
    expect([...out.shape]).toEqual(reference.shape);
    errors.output_train = relativeError(await out.data(), reference, 'output');
    errors.objective = relativeError([await objective.item()], t['ref.objective'], 'objective');
    R.dispose();
  }
  objective.backward();
  errors.grad_input = relativeError(await x.grad!.data(), t['ref.grad_input'], 'grad_input');
  const expected = fromTorchUncertainty(model, stateValues(grads)).state;
  const params = model.namedParameters();
  expect(params.map(([k]) => k).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, p] of params) errors[`grad.${key}`] = relativeError(await p.grad!.data(), { ...grads[key], data: expected[key].data }, `grad.${key}`);
  // The train-mode pass moved the running statistics exactly as PyTorch's did.
  for (const [key, buffer] of model.namedBuffers()) {
    errors[`buffer.${key}`] = relativeError(await buffer.data(), state[key], key);
    if (key.endsWith('num_batches_tracked')) expect([...(await buffer.data())], key).toEqual([...state[key].data]);
  }
  model.eval();
  const evalOut = bg.noGrad(() => output(model, x, tag));
  const evalRef = t['ref.logits_eval'] ?? t['ref.output'];
  errors.output_eval = relativeError(await evalOut.data(), evalRef, 'eval output');
  for (const tensor of [x, out, objective, evalOut]) tensor.dispose();
  for (const p of model.parameters()) p.dispose();
  for (const [, b] of model.namedBuffers()) b.dispose();
  return errors;
}
