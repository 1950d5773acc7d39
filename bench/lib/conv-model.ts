// The packed ResNet-18 of the conv benchmark (TorchUncertainty's packed_resnet, arch 18, CIFAR stem) as
// plain layer shapes, so the peers (tfjs, jax-js) build the very network nn.PackedResNet builds, and the
// seeded synthetic batch every runner shares.
import { Rng } from '../../src/random.ts';

export interface ConvModel {
  name: string;
  inChannels: number;
  /** Side of the square input images. */
  size: number;
  classes: number;
  numEstimators: number;
  alpha: number;
  /** in_planes = 64 · widthMultiplier. */
  widthMultiplier: number;
  batch: number;
}

/** A convolution as the grouped Conv2d inside a PackedConv2d: weight [outChannels, inChannels/groups, k, k], no bias. */
export interface ConvShape {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
  groups: number;
}

/** conv1 -> bn1 -> relu -> conv2 -> bn2, plus the shortcut (1x1 conv -> bn) where the shape changes; then relu. */
export interface BlockShape {
  conv1: ConvShape;
  conv2: ConvShape;
  shortcut: ConvShape | null;
}

export interface ResNetShape {
  stem: ConvShape;
  blocks: BlockShape[];
  /** The last PackedLinear: weight [M, classes, features/M]. */
  linear: { groups: number; out: number; in: number };
}

/** TorchUncertainty's PackedConv2d channel rules at gamma 1 and groups 1 (alpha widening, padding by M - r; no gamma reduction to make). */
export function packedConv(inPlanes: number, outPlanes: number, kernel: number, stride: number, padding: number, m: ConvModel, first = false): ConvShape {
  const M = m.numEstimators;
  let extIn = Math.trunc(inPlanes * (first ? 1 : m.alpha)), extOut = Math.trunc(outPlanes * m.alpha);
  const groups = first ? 1 : M;
  if (extIn % groups) extIn += M - (extIn % groups);
  if (extOut % groups) extOut += M - (extOut % groups);
  return { inChannels: extIn, outChannels: extOut, kernel, stride, padding, groups };
}

export function resnet18Shape(m: ConvModel): ResNetShape {
  const P = Math.trunc(64 * m.widthMultiplier);
  const stem = packedConv(m.inChannels, P, 3, 1, 1, m, true);
  const blocks: BlockShape[] = [];
  let inPlanes = P;
  [P, 2 * P, 4 * P, 8 * P].forEach((planes, stage) => {
    for (let b = 0; b < 2; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      blocks.push({
        conv1: packedConv(inPlanes, planes, 3, stride, 1, m),
        conv2: packedConv(planes, planes, 3, 1, 1, m),
        shortcut: stride !== 1 || inPlanes !== planes ? packedConv(inPlanes, planes, 1, stride, 0, m) : null,
      });
      inPlanes = planes;
    }
  });
  const features = 8 * P * m.alpha, M = m.numEstimators;
  return { stem, blocks, linear: { groups: M, out: m.classes, in: features / M } };
}

export const convModels = {
  /** The benchmark's model: full width, CIFAR-10-sized input. */
  resnet18: { name: 'packed ResNet-18', inChannels: 3, size: 32, classes: 10, numEstimators: 4, alpha: 2, widthMultiplier: 1, batch: 32 },
  /** The quick subset's: a sixteenth of the width, 8x8 input, batch 2 (checks every runner works, measures little). */
  tiny: { name: 'packed ResNet-18 (1/16 width, 8x8)', inChannels: 3, size: 8, classes: 10, numEstimators: 4, alpha: 2, widthMultiplier: 0.0625, batch: 2 },
} satisfies Record<string, ConvModel>;

/** Multiply-adds x 2 of one forward pass (convolutions and the linear layer). */
export function forwardFlops(m: ConvModel): number {
  const s = resnet18Shape(m);
  let size = m.size, flops = 0;
  const conv = (c: ConvShape, at: number): number => {
    const out = Math.floor((at + 2 * c.padding - c.kernel) / c.stride) + 1;
    flops += 2 * m.batch * out * out * c.outChannels * (c.inChannels / c.groups) * c.kernel * c.kernel;
    return out;
  };
  size = conv(s.stem, size);
  for (const b of s.blocks) {
    const out = conv(b.conv1, size);
    conv(b.conv2, out);
    if (b.shortcut) conv(b.shortcut, size);
    size = out;
  }
  return flops + 2 * m.batch * s.linear.groups * s.linear.out * s.linear.in;
}

/** A synthetic batch: standard normal images [batch, C, size, size], labels in [0, classes). */
export function convBatch(m: ConvModel): { x: Float32Array<ArrayBuffer>; labels: Int32Array<ArrayBuffer> } {
  const rng = new Rng(11);
  const x = Float32Array.from({ length: m.batch * m.inChannels * m.size * m.size }, () => rng.normal());
  const labels = Int32Array.from({ length: m.batch }, () => rng.int(m.classes));
  return { x, labels };
}
