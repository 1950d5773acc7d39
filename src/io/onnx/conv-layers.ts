// Convolutional layers as ONNX nodes (opset 17), NCHW as in the engine and PyTorch: grouped Conv,
// BatchNormalization with running statistics (inference), MaxPool, AveragePool / GlobalAveragePool.
import type { GraphBuilder } from './builder.ts';

export interface ConvParams {
  /** PyTorch's grouped weight [outChannels, inChannels/groups, kh, kw], row-major (= the packed [G, O, I·kh·kw]). */
  weight: Float32Array;
  /** [outChannels], or null. */
  bias: Float32Array | null;
  outChannels: number;
  inChannels: number;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** y = Conv(x) with `group` = groups and symmetric zero padding (ONNX pads are [top, left, bottom, right]). */
export function addConv(g: GraphBuilder, x: string, p: ConvParams, prefix: string): string {
  const [kh, kw] = p.kernel, perGroup = p.inChannels / p.groups;
  if (!Number.isInteger(perGroup) || p.outChannels % p.groups) throw new Error(`onnx: ${prefix}: ${p.inChannels} input and ${p.outChannels} output channels are not divisible by ${p.groups} groups`);
  if (p.weight.length !== p.outChannels * perGroup * kh * kw) {
    throw new Error(`onnx: ${prefix} weight has ${p.weight.length} values, expected [${p.outChannels}, ${perGroup}, ${kh}, ${kw}]`);
  }
  const inputs = [x, g.constant(`${prefix}.weight`, p.weight, [p.outChannels, perGroup, kh, kw])];
  if (p.bias) inputs.push(g.constant(`${prefix}.bias`, p.bias));
  return g.node('Conv', inputs, {
    attributes: {
      group: { int: p.groups },
      kernel_shape: { ints: [kh, kw] },
      strides: { ints: [...p.stride] },
      pads: { ints: [p.padding[0], p.padding[1], p.padding[0], p.padding[1]] },
      dilations: { ints: [...p.dilation] },
    },
  });
}

export interface BatchNormParams {
  /** Affine scale and shift [C] (ones and zeros for a BatchNorm without affine). */
  weight: Float32Array;
  bias: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
  eps: number;
}

/** Inference-mode BatchNormalization: (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel. */
export function addBatchNorm(g: GraphBuilder, x: string, p: BatchNormParams, prefix: string): string {
  const names = (['weight', 'bias', 'runningMean', 'runningVar'] as const).map((k) => g.constant(`${prefix}.${k === 'runningMean' ? 'running_mean' : k === 'runningVar' ? 'running_var' : k}`, p[k]));
  return g.node('BatchNormalization', [x, ...names], { attributes: { epsilon: { float: p.eps } } });
}

export interface PoolParams {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation?: [number, number];
  ceilMode?: boolean;
}

/** MaxPool with PyTorch's padding (never chosen: ONNX pads with -inf for MaxPool). */
export function addMaxPool(g: GraphBuilder, x: string, p: PoolParams): string {
  return g.node('MaxPool', [x], {
    attributes: {
      kernel_shape: { ints: [...p.kernel] },
      strides: { ints: [...p.stride] },
      pads: { ints: [p.padding[0], p.padding[1], p.padding[0], p.padding[1]] },
      dilations: { ints: [...(p.dilation ?? [1, 1])] },
      ceil_mode: { int: p.ceilMode ? 1 : 0 },
    },
  });
}

/**
 * AdaptiveAvgPool2d to [outH, outW] of an input of known spatial size [h, w]: GlobalAveragePool for 1x1,
 * else AveragePool with kernel = stride = input / output.
 * @throws when the input size is not a multiple of the output size (PyTorch's uneven windows have no ONNX op).
 */
export function addAdaptiveAvgPool(g: GraphBuilder, x: string, input: [number, number], output: [number, number], prefix: string): string {
  if (output[0] === 1 && output[1] === 1) return g.node('GlobalAveragePool', [x]);
  if (input[0] % output[0] || input[1] % output[1]) {
    throw new Error(`onnx: ${prefix}: adaptive average pooling of ${input.join('x')} to ${output.join('x')} has uneven windows, which ONNX's AveragePool cannot express; export at an input size whose feature map here is a multiple of ${output.join('x')}`);
  }
  const kernel = [input[0] / output[0], input[1] / output[1]];
  if (kernel[0] === 1 && kernel[1] === 1) return x;
  return g.node('AveragePool', [x], { attributes: { kernel_shape: { ints: kernel }, strides: { ints: kernel } } });
}
