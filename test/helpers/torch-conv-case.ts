// Replays one PyTorch op case of test/fixtures/torch-conv (scripts/torch-conv-fixtures.py) on the current
// backend: the op with PyTorch's keyword arguments mapped to ours, its output and every input's gradient.
import { readFileSync } from 'node:fs';
import * as bg from '../../src/index.ts';
import { readSafetensors } from '../../src/io/safetensors.ts';
import { relativeError } from './relative-error.ts';

export const torchConvCases = [
  'conv2d-groups3-stride3x4-dil2', 'conv2d-depthwise-nobias', 'conv2d-dense-k5', 'conv1d-groups5-stride2',
  'maxpool-k3s2p1', 'maxpool-stride-gt-kernel-ceil-dil', 'avgpool-k3s2p1', 'avgpool-exclude-pad-ceil',
  'adaptive-avgpool-3x2', 'adaptive-avgpool-1', 'batchnorm-train', 'batchnorm-eval', 'groupnorm-3',
];

type Inputs = Record<string, bg.Tensor>;
type Kwargs = Record<string, never>;

const ops: Record<string, (v: Inputs, k: Kwargs) => bg.Tensor> = {
  conv2d: (v, k) => bg.conv2d(v.x, v.weight, v.bias ?? null, { stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups }),
  conv1d: (v, k) => bg.conv1d(v.x, v.weight, v.bias ?? null, { stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups }),
  maxPool2d: (v, k) => bg.maxPool2d(v.x, k.kernel_size, { stride: k.stride, padding: k.padding, dilation: k.dilation, ceilMode: k.ceil_mode }),
  avgPool2d: (v, k) => bg.avgPool2d(v.x, k.kernel_size, { stride: k.stride, padding: k.padding, ceilMode: k.ceil_mode, countIncludePad: k.count_include_pad }),
  adaptiveAvgPool2d: (v, k) => bg.adaptiveAvgPool2d(v.x, k.output_size),
  batchNorm: (v, k) => bg.batchNorm(v.x, v.running_mean, v.pos_running_var, { weight: v.weight, bias: v.bias, training: k.training, momentum: k.momentum, eps: k.eps }),
  groupNorm: (v, k) => bg.groupNorm(v.x, k.num_groups, v.weight, v.bias, k.eps),
};

/** Relative errors of the output, every gradient and the running statistics after the call. */
export async function replayTorchConvCase(name: string): Promise<Record<string, number>> {
  const file = readSafetensors(readFileSync(new URL(`../fixtures/torch-conv/${name}.safetensors`, import.meta.url)));
  const t = file.tensors;
  const kwargs = JSON.parse(file.metadata.kwargs) as Kwargs;
  const v: Inputs = {};
  for (const [key, value] of Object.entries(t)) {
    if (!key.startsWith('in.')) continue;
    const name = key.slice(3);
    v[name] = bg.tensor(value.data, value.shape, { requiresGrad: `grad.${name}` in t });
  }
  const out = ops[file.metadata.op](v, kwargs);
  const errors: Record<string, number> = { out: relativeError(await out.data(), t.out, 'out') };
  const objective = bg.sum(bg.mul(out, bg.tensor(t.R.data, t.R.shape)));
  objective.backward();
  for (const [name, input] of Object.entries(v)) {
    if (t[`grad.${name}`]) errors[`grad.${name}`] = relativeError(await input.grad!.data(), t[`grad.${name}`], `grad.${name}`);
  }
  if (t['after.running_mean']) {
    errors.running_mean = relativeError(await v.running_mean.data(), t['after.running_mean'], 'running_mean');
    errors.running_var = relativeError(await v.pos_running_var.data(), t['after.running_var'], 'running_var');
  }
  return errors;
}
