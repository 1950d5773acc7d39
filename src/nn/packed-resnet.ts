// TorchUncertainty's packed ResNet (models/classification/resnet/packed.py, 0.4.3 to 0.8): the same modules,
// module names and state-dict keys, so its checkpoints load with io.loadTorchUncertainty.
import { engine } from '../engine.ts';
import { add } from '../ops/elementwise.ts';
import { relu } from '../ops/unary.ts';
import { rearrangeEstimators } from '../ops/shape.ts';
import type { Rng } from '../random.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { Sequential } from './containers.ts';
import { Module } from './module.ts';
import { BatchNorm2d } from './norm.ts';
import { PackedConv2d } from './packed-conv.ts';
import { PackedLinear } from './packed.ts';
import { packedResNetMetadata, type PackedResNetConfig } from './packed-conv-config.ts';
import { AdaptiveAvgPool2d, Dropout, Dropout2d, Flatten, Identity, MaxPool2d } from './pool.ts';

/** Blocks per stage of each ResNet depth TorchUncertainty builds. */
const stagesOf: Record<number, number[]> = {
  18: [2, 2, 2, 2], 20: [3, 3, 3], 34: [3, 4, 6, 3], 44: [7, 7, 7], 50: [3, 4, 6, 3], 56: [9, 9, 9],
  101: [3, 4, 23, 3], 110: [18, 18, 18], 152: [3, 8, 36, 3], 1202: [200, 200, 200],
};
const basicArchs = [18, 20, 34, 44, 56, 110, 1202];
const narrowArchs = [20, 44, 56, 110, 1202]; // in_planes 16 instead of 64

/** Options of `PackedResNet`, as TorchUncertainty's `packed_resnet` arguments (0.4.3 to 0.8, camelCased). */
export interface PackedResNetOptions {
  /** 18, 20, 34, 44, 50, 56, 101, 110, 152 or 1202 (basic blocks below 50, except 50/101/152: bottlenecks). */
  arch: number;
  /** Channels of the input images (3 for RGB). */
  inChannels: number;
  /** C, classes each estimator predicts. */
  numClasses: number;
  /** M, ensemble members packed in each layer (no default, as in TorchUncertainty). */
  numEstimators: number;
  /** Default 2. */
  alpha?: number;
  /** Default 1. */
  gamma?: number;
  /** Default 1. */
  groups?: number;
  /** 'cifar' (3x3 stem, no pooling) or 'imagenet' (7x7 stride-2 stem and 3x3 max pooling). Default 'imagenet'. */
  style?: 'cifar' | 'imagenet';
  /** Scales in_planes (64, or 16 for the 3-stage archs), truncated. Default 1. */
  widthMultiplier?: number;
  /** Bias in every PackedConv2d: false in TorchUncertainty 0.8, true in 0.4.3. Default false. */
  convBias?: boolean;
  /** Dropout2d in the blocks and Dropout before the linear layer. Default 0. */
  dropoutRate?: number;
  /** Draws the initial weights. Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

interface BlockOptions {
  alpha: number;
  numEstimators: number;
  gamma: number;
  groups: number;
  bias: boolean;
  dropoutRate: number;
  rng?: Rng;
}

function packed(o: BlockOptions, gamma: number, extra: { stride?: number; padding?: number } = {}) {
  return { alpha: o.alpha, numEstimators: o.numEstimators, gamma, groups: o.groups, bias: o.bias, rng: o.rng, ...extra };
}

/** The projection shortcut (PackedConv2d 1x1 + BatchNorm2d) or the identity (an empty Sequential). */
function shortcutOf(inPlanes: number, outPlanes: number, stride: number, o: BlockOptions): Sequential {
  if (stride === 1 && inPlanes === outPlanes) return new Sequential();
  const conv = new PackedConv2d(inPlanes, outPlanes, 1, packed(o, o.gamma, { stride }));
  return new Sequential(conv, new BatchNorm2d(conv.conv.outChannels));
}

/** relu(main + shortcut(x)), the end of both block kinds. */
function residual(main: Tensor, shortcut: Sequential, x: Tensor): Tensor {
  const skip = shortcut.modules.length ? shortcut.forward(x) : x;
  return relu(add(main, skip));
}

/** TorchUncertainty's _BasicBlock: conv3x3-bn-dropout-relu, conv3x3 (gamma)-bn, plus the shortcut, relu. */
class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: PackedConv2d;
  bn1: BatchNorm2d;
  dropout: Dropout2d;
  conv2: PackedConv2d;
  bn2: BatchNorm2d;
  shortcut: Sequential;
  constructor(inPlanes: number, planes: number, stride: number, o: BlockOptions) {
    super();
    this.conv1 = new PackedConv2d(inPlanes, planes, 3, packed(o, 1, { stride, padding: 1 }));
    this.bn1 = new BatchNorm2d(this.conv1.conv.outChannels);
    this.dropout = new Dropout2d(o.dropoutRate, o.rng);
    this.conv2 = new PackedConv2d(planes, planes, 3, packed(o, o.gamma, { padding: 1 }));
    this.bn2 = new BatchNorm2d(this.conv2.conv.outChannels);
    this.shortcut = shortcutOf(inPlanes, planes, stride, o);
  }
  forward(x: Tensor): Tensor {
    return engine.tidy(() => {
      const h = relu(this.dropout.forward(this.bn1.forward(this.conv1.forward(x))));
      return residual(this.bn2.forward(this.conv2.forward(h)), this.shortcut, x);
    });
  }
}

/** TorchUncertainty's _Bottleneck: conv1x1-bn-relu, conv3x3 (gamma)-bn-dropout-relu, conv1x1 (4x, gamma)-bn, shortcut, relu. */
class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: PackedConv2d;
  bn1: BatchNorm2d;
  conv2: PackedConv2d;
  bn2: BatchNorm2d;
  dropout: Dropout2d;
  conv3: PackedConv2d;
  bn3: BatchNorm2d;
  shortcut: Sequential;
  constructor(inPlanes: number, planes: number, stride: number, o: BlockOptions) {
    super();
    this.conv1 = new PackedConv2d(inPlanes, planes, 1, packed(o, 1));
    this.bn1 = new BatchNorm2d(this.conv1.conv.outChannels);
    this.conv2 = new PackedConv2d(planes, planes, 3, packed(o, o.gamma, { stride, padding: 1 }));
    this.bn2 = new BatchNorm2d(this.conv2.conv.outChannels);
    this.dropout = new Dropout2d(o.dropoutRate, o.rng);
    this.conv3 = new PackedConv2d(planes, 4 * planes, 1, packed(o, o.gamma));
    this.bn3 = new BatchNorm2d(this.conv3.conv.outChannels);
    this.shortcut = shortcutOf(inPlanes, 4 * planes, stride, o);
  }
  forward(x: Tensor): Tensor {
    return engine.tidy(() => {
      const h1 = relu(this.bn1.forward(this.conv1.forward(x)));
      const h2 = relu(this.dropout.forward(this.bn2.forward(this.conv2.forward(h1))));
      return residual(this.bn3.forward(this.conv3.forward(h2)), this.shortcut, x);
    });
  }
}

/**
 * TorchUncertainty's packed_resnet (0.4.3 to 0.8): a PackedConv2d stem (`first`), BatchNorm2d, 3 or 4 stages of
 * packed basic or bottleneck blocks, global average pooling and a `last` PackedLinear. Keys as TorchUncertainty's
 * state_dict (`conv1.conv.weight`, `bn1.running_mean`, `layer2.0.shortcut.0.conv.weight`, `linear.weight` …).
 * Input [B, inChannels, H, W]; `forward` gives packed logits (B, M·C), `estimatorLogits` TorchUncertainty's
 * (M·B, C) with row m·B + b. Throws on an unknown arch or style and on channel counts the packing cannot split.
 */
export class PackedResNet extends Module {
  /** The stem, `first`: PackedConv2d 7×7 stride 2 ('imagenet') or 3×3 stride 1 ('cifar'). */
  conv1: PackedConv2d;
  /** BatchNorm2d after the stem. */
  bn1: BatchNorm2d;
  /** MaxPool2d(3, stride 2, padding 1) for 'imagenet', Identity for 'cifar'. */
  optionalPool: Module;
  /** Stage 1: blocks at the first width, stride 1. */
  layer1: Sequential;
  /** Stage 2: twice the width, stride 2. */
  layer2: Sequential;
  /** Stage 3: four times the width, stride 2. */
  layer3: Sequential;
  /** Stage 4 (eight times the width, stride 2), or Identity for the 3-stage archs (20, 44, 56, 110, 1202). */
  layer4: Module;
  /** AdaptiveAvgPool2d(1): global average pooling. */
  pool: AdaptiveAvgPool2d;
  /** Flatten(1): [B, C, 1, 1] to [B, C]. */
  flatten: Flatten;
  /** Dropout(dropoutRate) before the last layer. */
  finalDropout: Dropout;
  /** PackedLinear to numClasses, `last`: per-estimator logits. */
  linear: PackedLinear;
  /** M, ensemble members. */
  readonly numEstimators: number;
  /** C, classes each estimator predicts. */
  readonly numClasses: number;
  /** Channels of the input images. */
  readonly inChannels: number;
  /** The options it was built with (without the Rng): what `fileMetadata` saves. */
  readonly config: PackedResNetConfig;
  /**
   * Builds the layers with freshly initialised parameters on the current backend.
   * @throws Error on an unknown arch or style, a widthMultiplier that leaves no channels, or channel counts the
   *   packing cannot split.
   */
  constructor(options: PackedResNetOptions) {
    super();
    const { arch, inChannels, numClasses, numEstimators, alpha = 2, gamma = 1, groups = 1, style = 'imagenet', widthMultiplier = 1, convBias = false, dropoutRate = 0, rng } = options;
    const stages = stagesOf[arch];
    if (!stages) throw new Error(`PackedResNet: arch must be one of ${Object.keys(stagesOf).join(', ')}, got ${arch}`);
    if (style !== 'cifar' && style !== 'imagenet') throw new Error(`PackedResNet: style must be 'cifar' or 'imagenet', got '${style}'`);
    const Block = basicArchs.includes(arch) ? BasicBlock : Bottleneck;
    const planes = Math.trunc((narrowArchs.includes(arch) ? 16 : 64) * widthMultiplier);
    if (planes < 1) throw new Error(`PackedResNet: widthMultiplier ${widthMultiplier} leaves no channels`);
    const o: BlockOptions = { alpha, numEstimators, gamma, groups, bias: convBias, dropoutRate, rng };
    const stem = style === 'imagenet' ? { kernel: 7, stride: 2, padding: 3 } : { kernel: 3, stride: 1, padding: 1 };
    this.conv1 = new PackedConv2d(inChannels, planes, stem.kernel, { ...packed(o, 1, { stride: stem.stride, padding: stem.padding }), first: true });
    this.bn1 = new BatchNorm2d(this.conv1.conv.outChannels);
    this.optionalPool = style === 'imagenet' ? new MaxPool2d(3, { stride: 2, padding: 1 }) : new Identity();
    let inPlanes = planes;
    const stage = (width: number, blocks: number, stride: number): Sequential => {
      const list: Module[] = [];
      for (let k = 0; k < blocks; k++) {
        list.push(new Block(inPlanes, width, k === 0 ? stride : 1, o));
        inPlanes = width * Block.expansion;
      }
      return new Sequential(...list);
    };
    this.layer1 = stage(planes, stages[0], 1);
    this.layer2 = stage(planes * 2, stages[1], 2);
    this.layer3 = stage(planes * 4, stages[2], 2);
    this.layer4 = stages.length === 4 ? stage(planes * 8, stages[3], 2) : new Identity();
    this.pool = new AdaptiveAvgPool2d(1);
    this.flatten = new Flatten(1);
    this.finalDropout = new Dropout(dropoutRate, rng);
    const linearMultiplier = stages.length === 4 ? 8 : 4;
    this.linear = new PackedLinear(planes * linearMultiplier * Block.expansion, numClasses, { alpha, numEstimators, last: true, rng });
    this.numEstimators = numEstimators;
    this.numClasses = numClasses;
    this.inChannels = inChannels;
    this.config = { arch, inChannels, numClasses, numEstimators, alpha, gamma, groups, style, widthMultiplier, convBias, dropoutRate };
  }

  /** Its architecture under `PACKED_RESNET_METADATA_KEY`, so a saved file alone rebuilds the model. */
  override fileMetadata(): Record<string, string> {
    return packedResNetMetadata(this.config);
  }

  /**
   * Packed logits (B, M·C) from images x [B, inChannels, H, W] f32: estimator m's logits are columns [m·C, (m+1)·C).
   * @throws Error when x is not [B, inChannels, H, W] f32 (naming both shapes), the images are too small for the
   *   strided stages, or a tensor was disposed.
   */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`PackedResNet: input must be [B, ${this.inChannels}, H, W], got ${formatShape(x.shape)}`);
    }
    return engine.tidy(() => {
      let h = relu(this.bn1.forward(this.conv1.forward(x)));
      h = this.optionalPool.forward(h);
      for (const layer of [this.layer1, this.layer2, this.layer3, this.layer4]) h = layer.forward(h);
      return this.linear.forward(this.finalDropout.forward(this.flatten.forward(this.pool.forward(h))));
    });
  }

  /**
   * TorchUncertainty's output: logits (M·B, C), row m·B + b = estimator m on sample b.
   * @throws Error as `forward`.
   */
  estimatorLogits(x: Tensor): Tensor {
    return engine.tidy(() => rearrangeEstimators(this.forward(x), this.numEstimators));
  }
}
