// The same Packed-Ensembles MLP trained with tfjs ops (its wasm backend), as a web developer would write
// it: per layer one batched matMul over the blocks, relu, softmax cross-entropy of every estimator,
// tf.train.adam; the step ends with the loss read back.
import type { Scalar, Tensor as TfTensor, Variable } from '@tensorflow/tfjs-core';
import type { TfjsPeer } from './tfjs.ts';
import type { TrainingWorkload } from './training-engine.ts';
import { estimatorOneHot, LEARNING_RATE, layerShapes, trainingBatch, type TrainingModel } from './training-model.ts';

export function tfjsTraining({ tf }: Pick<TfjsPeer, 'tf'>, m: TrainingModel): TrainingWorkload {
  const layers = layerShapes(m);
  const B = m.batch, M = m.numEstimators, C = m.classes;
  const weights: Variable[] = layers.map((l) => tf.variable(tf.mul(tf.randomNormal([l.groups, l.out, l.in]), Math.sqrt(1 / l.in))));
  const biases: Variable[] = layers.map((l) => tf.variable(tf.zeros([l.groups * l.out])));
  const batch = trainingBatch(m);
  const x = tf.tensor2d(batch.x, [B, m.inFeatures]);
  const targets = tf.tensor2d(estimatorOneHot(m, batch.labels), [M * B, C]);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const loss = (): Scalar => {
    let h: TfTensor = x;
    layers.forEach((l, k) => {
      const groupMajor = tf.transpose(tf.reshape(h, [B, l.groups, l.in]), [1, 0, 2]); // [G, B, I]
      const y = tf.matMul(groupMajor, weights[k], false, true); // [G, B, O]
      h = tf.add(tf.reshape(tf.transpose(y, [1, 0, 2]), [B, l.groups * l.out]), biases[k]);
      if (k < layers.length - 1) h = tf.relu(h);
    });
    const logits = tf.reshape(tf.transpose(tf.reshape(h, [B, M, C]), [1, 0, 2]), [M * B, C]);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as Scalar;
  };
  return {
    async step() {
      const l = optimizer.minimize(loss, true, [...weights, ...biases]); // its own tidy around the loss and gradients
      await l?.data();
      l?.dispose();
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([...weights, ...biases, x, targets]);
    },
  };
}
