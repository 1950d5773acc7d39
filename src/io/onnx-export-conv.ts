// ONNX export of the packed convolutional models (PackedLeNet, PackedResNet) for inference: every
// PackedConv2d as one grouped Conv (PyTorch's weight [C_out, C_in/G, kh, kw] is ONNX's, with group = G),
// BatchNorm2d as BatchNormalization with its running statistics, pooling as MaxPool / AveragePool /
// GlobalAveragePool, the packed linear layers as block-linear MatMuls, as in the MLP export.
import { outputLength, pair } from '../ops/conv.ts';
import type { Module } from '../nn/module.ts';
import { BatchNorm2d } from '../nn/norm.ts';
import type { PackedConv2d } from '../nn/packed-conv.ts';
import type { PackedLeNet } from '../nn/packed-lenet.ts';
import type { PackedResNet } from '../nn/packed-resnet.ts';
import { Sequential } from '../nn/containers.ts';
import { MaxPool2d } from '../nn/pool.ts';
import { addAdaptiveAvgPool, addBatchNorm, addConv, addMaxPool, GraphBuilder } from './onnx/index.ts';
import { addEnsembleOutputs, addPackedLinearLayer, OPSET } from './onnx-parts.ts';

/** The graph being written, and the spatial size of the current feature map when the input's is fixed. */
interface Writer {
  g: GraphBuilder;
  size: [number, number] | null;
}

async function conv(w: Writer, x: string, layer: PackedConv2d, prefix: string): Promise<string> {
  if (layer.last) throw new Error(`exportOnnx: ${prefix} is a PackedConv2d with last = true, whose (M·B, …) output the export does not write`);
  const c = layer.conv;
  const kernel = c.kernelSize, stride = pair(prefix, 'stride', c.stride, 1), padding = pair(prefix, 'padding', c.padding, 0), dilation = pair(prefix, 'dilation', c.dilation, 1);
  if (w.size) w.size = [0, 1].map((d) => outputLength(w.size![d], kernel[d], stride[d], padding[d], dilation[d])) as [number, number];
  return addConv(w.g, x, {
    weight: (await c.weight.data()) as Float32Array,
    bias: c.bias ? ((await c.bias.data()) as Float32Array) : null,
    outChannels: c.outChannels, inChannels: c.inChannels, kernel, stride, padding, dilation, groups: c.groups,
  }, `${prefix}.conv`);
}

/** A BatchNorm2d in eval mode; anything else (Identity) passes x through. */
async function norm(w: Writer, x: string, layer: Module, prefix: string): Promise<string> {
  if (!(layer instanceof BatchNorm2d)) return x;
  if (!layer.runningMean || !layer.runningVar) throw new Error(`exportOnnx: ${prefix} keeps no running statistics (trackRunningStats false), which inference needs`);
  const C = layer.numFeatures;
  return addBatchNorm(w.g, x, {
    weight: layer.weight ? ((await layer.weight.data()) as Float32Array) : new Float32Array(C).fill(1),
    bias: layer.bias ? ((await layer.bias.data()) as Float32Array) : new Float32Array(C),
    runningMean: (await layer.runningMean.data()) as Float32Array,
    runningVar: (await layer.runningVar.data()) as Float32Array,
    eps: layer.eps,
  }, prefix);
}

function maxPool(w: Writer, x: string, kernelSize: Parameters<typeof pair>[2], options: MaxPool2d['options']): string {
  const kernel = pair('MaxPool2d', 'kernelSize', kernelSize, 1);
  const stride = pair('MaxPool2d', 'stride', options.stride ?? kernel, 1), padding = pair('MaxPool2d', 'padding', options.padding ?? 0, 0);
  const dilation = pair('MaxPool2d', 'dilation', options.dilation ?? 1, 1);
  if (w.size) w.size = [0, 1].map((d) => outputLength(w.size![d], kernel[d], stride[d], padding[d], dilation[d], options.ceilMode)) as [number, number];
  return addMaxPool(w.g, x, { kernel, stride, padding, dilation, ceilMode: options.ceilMode });
}

const relu = (w: Writer, x: string): string => w.g.node('Relu', [x]);
const flatten = (w: Writer, x: string): string => w.g.node('Flatten', [x], { attributes: { axis: { int: 1 } } });

async function lenetGraph(w: Writer, x: string, model: PackedLeNet): Promise<string> {
  if (model.asWritten) throw new Error('exportOnnx: a PackedLeNet built asWritten has no per-estimator logits (its fc3 is not last)');
  let h = maxPool(w, relu(w, await norm(w, await conv(w, x, model.conv1, 'conv1'), model.norm1, 'norm1')), 2, {});
  h = maxPool(w, relu(w, await norm(w, await conv(w, h, model.conv2, 'conv2'), model.norm2, 'norm2')), 2, {});
  const out = pair('PackedLeNet', 'pooling', model.pooling.outputSize as [number, number], 1);
  h = flatten(w, addAdaptiveAvgPool(w.g, h, w.size!, out, 'pooling'));
  h = relu(w, await addPackedLinearLayer(w.g, h, model.fc1, 'fc1'));
  h = relu(w, await addPackedLinearLayer(w.g, h, model.fc2, 'fc2'));
  return addPackedLinearLayer(w.g, h, model.fc3, 'fc3');
}

/** A basic block (conv1-bn1-relu-conv2-bn2) or bottleneck (… -relu-conv3-bn3), plus its shortcut, then relu. */
async function block(w: Writer, x: string, b: Module, prefix: string): Promise<string> {
  const f = b as unknown as Record<string, Module>;
  const input = w.size;
  let h = relu(w, await norm(w, await conv(w, x, f.conv1 as PackedConv2d, `${prefix}.conv1`), f.bn1, `${prefix}.bn1`));
  h = await norm(w, await conv(w, h, f.conv2 as PackedConv2d, `${prefix}.conv2`), f.bn2, `${prefix}.bn2`);
  if (f.conv3) h = await norm(w, await conv(w, relu(w, h), f.conv3 as PackedConv2d, `${prefix}.conv3`), f.bn3, `${prefix}.bn3`);
  const output = w.size;
  const shortcut = f.shortcut as Sequential;
  let skip = x;
  if (shortcut.modules.length) {
    w.size = input;
    skip = await norm(w, await conv(w, x, shortcut.modules[0] as PackedConv2d, `${prefix}.shortcut.0`), shortcut.modules[1], `${prefix}.shortcut.1`);
  }
  w.size = output;
  return relu(w, w.g.node('Add', [h, skip]));
}

async function resnetGraph(w: Writer, x: string, model: PackedResNet): Promise<string> {
  let h = relu(w, await norm(w, await conv(w, x, model.conv1, 'conv1'), model.bn1, 'bn1'));
  if (model.optionalPool instanceof MaxPool2d) h = maxPool(w, h, model.optionalPool.kernelSize, model.optionalPool.options);
  for (const [name, layer] of [['layer1', model.layer1], ['layer2', model.layer2], ['layer3', model.layer3], ['layer4', model.layer4]] as const) {
    if (!(layer instanceof Sequential)) continue; // the 3-stage archs' layer4 is an Identity
    for (const [k, b] of layer.modules.entries()) h = await block(w, h, b, `${name}.${k}`);
  }
  h = flatten(w, w.g.node('GlobalAveragePool', [h]));
  return addPackedLinearLayer(w.g, h, model.linear, 'linear');
}

/** Options of `exportConvOnnx`: the ONNX doc string and the input image size. */
export interface ConvExportOptions {
  /** ONNX doc string. */
  docString?: string;
  /**
   * [height, width] of the input images: fixed in the graph when given. PackedLeNet needs it (its
   * adaptive pooling becomes a fixed AveragePool; default [28, 28]); PackedResNet, whose pooling is global, leaves
   * height and width free when absent.
   */
  inputSize?: [number, number];
}

/**
 * A PackedLeNet or PackedResNet in eval mode (BatchNorm's running statistics, no dropout) as ONNX bytes
 * (opset 17). Input `input` [batch, inChannels, height, width]; outputs `logits` [batch, M·C] (packed, as
 * `model.forward`), `probabilities` [batch, M, C] and `mean` [batch, C].
 * @throws when the model was built asWritten, a BatchNorm2d keeps no running statistics, or PackedLeNet's
 * adaptive pooling has uneven windows at `inputSize`.
 */
export async function exportConvOnnx(model: PackedLeNet | PackedResNet, options: ConvExportOptions = {}): Promise<Uint8Array> {
  const isLeNet = 'fc3' in model;
  const size = options.inputSize ?? (isLeNet ? [28, 28] : null);
  const g = new GraphBuilder(isLeNet ? 'packed_lenet' : 'packed_resnet');
  const inChannels = isLeNet ? model.conv1.conv.inChannels : model.inChannels;
  const x = g.input('input', 'float32', ['batch', inChannels, ...(size ?? ['height', 'width'])]);
  const w: Writer = { g, size: size ? [...size] : null };
  const logits = isLeNet ? await lenetGraph(w, x, model) : await resnetGraph(w, x, model);
  addEnsembleOutputs(g, logits, model.numEstimators, model.numClasses);
  return g.encode({ opset: OPSET, docString: options.docString ?? `blockgrad ${isLeNet ? 'PackedLeNet' : 'PackedResNet'}` });
}
