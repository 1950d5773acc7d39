// The packed ResNet-18 trained with tfjs ops, as a web developer has to write it: tf.conv2d has no
// groups (tensorflow/tfjs#3900), so every grouped convolution is a loop over its groups (split the
// channels, one conv2d per group, concat). NHWC, tfjs's layout. BatchNorm from the batch's moments,
// softmax cross-entropy of every estimator, tf.train.adam; the step ends with the loss read back.
// tfjs's wasm backend registers no Conv2DBackpropFilter kernel (4.22), so this runs on its cpu backend.
import type { Scalar, Tensor as TfTensor, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import { convBatch, resnet18Shape, type ConvModel, type ConvShape } from './conv-model.ts';
import type { TfjsPeer } from './tfjs.ts';
import type { TrainingWorkload } from './training-engine.ts';
import { estimatorOneHot, LEARNING_RATE } from './training-model.ts';

type Tf = TfjsPeer['tf'];

/** Switches tfjs to its cpu backend (the one that can take a convolution's gradient); returns its name. */
export async function useTfjsCpu(tf: Tf): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend did not initialise');
  await tf.ready();
  return 'cpu';
}

export function tfjsConvTraining(tf: Tf, m: ConvModel): TrainingWorkload {
  const shape = resnet18Shape(m), M = m.numEstimators, B = m.batch, C = m.classes;
  const variables: Variable[] = [];
  const variable = (t: TfTensor): Variable => {
    const v = tf.variable(t);
    variables.push(v);
    return v;
  };
  /** One [k, k, in/G, out/G] filter per group (the slices of PyTorch's [out, in/G, k, k]). */
  const convLayer = (c: ConvShape) => {
    const filters = Array.from({ length: c.groups }, () =>
      variable(tf.mul(tf.randomNormal([c.kernel, c.kernel, c.inChannels / c.groups, c.outChannels / c.groups]), Math.sqrt(2 / ((c.inChannels / c.groups) * c.kernel ** 2)))));
    return (x: Tensor4D): Tensor4D => {
      const pad = c.padding ? ([[0, 0], [c.padding, c.padding], [c.padding, c.padding], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : 'valid';
      const group = (input: Tensor4D, g: number): Tensor4D => tf.conv2d(input, filters[g] as Tensor4D, c.stride, pad);
      if (c.groups === 1) return group(x, 0);
      return tf.concat(tf.split(x, c.groups, 3).map((p, g) => group(p as Tensor4D, g)), 3);
    };
  };
  const batchNorm = (channels: number) => {
    const gamma = variable(tf.ones([channels])), beta = variable(tf.zeros([channels]));
    return (x: Tensor4D): Tensor4D => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5) as Tensor4D;
    };
  };
  const stem = convLayer(shape.stem), stemBn = batchNorm(shape.stem.outChannels);
  const blocks = shape.blocks.map((b) => ({
    conv1: convLayer(b.conv1), bn1: batchNorm(b.conv1.outChannels),
    conv2: convLayer(b.conv2), bn2: batchNorm(b.conv2.outChannels),
    shortcut: b.shortcut ? { conv: convLayer(b.shortcut), bn: batchNorm(b.shortcut.outChannels) } : null,
  }));
  const L = shape.linear;
  const linearW = variable(tf.mul(tf.randomNormal([L.groups, L.in, L.out]), Math.sqrt(1 / L.in)));
  const linearB = variable(tf.zeros([L.groups * L.out]));

  const batch = convBatch(m);
  const x = tf.transpose(tf.tensor4d(batch.x, [B, m.inChannels, m.size, m.size]), [0, 2, 3, 1]) as Tensor4D; // NCHW -> NHWC
  const targets = tf.tensor2d(estimatorOneHot(m, batch.labels), [M * B, C]);
  const optimizer = tf.train.adam(LEARNING_RATE);

  const loss = (): Scalar => {
    let h = tf.relu(stemBn(stem(x)));
    for (const b of blocks) {
      const out = b.bn2(b.conv2(tf.relu(b.bn1(b.conv1(h)))));
      h = tf.relu(tf.add(out, b.shortcut ? b.shortcut.bn(b.shortcut.conv(h)) : h));
    }
    const pooled = tf.mean(h, [1, 2]); // [B, features]
    const grouped = tf.transpose(tf.reshape(pooled, [B, L.groups, L.in]), [1, 0, 2]); // [M, B, in]
    const logits = tf.add(tf.reshape(tf.transpose(tf.matMul(grouped, linearW), [1, 0, 2]), [B, L.groups * L.out]), linearB);
    const estimatorMajor = tf.reshape(tf.transpose(tf.reshape(logits, [B, M, C]), [1, 0, 2]), [M * B, C]);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(estimatorMajor)), 1))) as Scalar;
  };
  return {
    async step() {
      const l = optimizer.minimize(loss, true, variables);
      await l?.data();
      l?.dispose();
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([...variables, x, targets]);
    },
  };
}
