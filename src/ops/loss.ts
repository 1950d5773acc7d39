// Losses, composed from primitives (their gradients come from the parts).
import { engine } from '../engine.ts';
import { formatShape, type Tensor } from '../tensor.ts';
import { backendOf, compute, expectDType, valueRange } from './core.ts';
import { mul, neg, sub } from './elementwise.ts';
import { mean, sum } from './reduce.ts';
import { logSoftmax } from './softmax.ts';

/** [n, classes] one-hot f32 of i32 labels (no gradient). */
export function oneHot(labels: Tensor, classes: number): Tensor {
  expectDType('oneHot', labels, 'i32', 'labels');
  if (labels.rank !== 1) throw new Error(`oneHot: labels must be [n], got ${formatShape(labels.shape)}`);
  checkLabelRange('oneHot', labels, classes);
  const n = labels.shape[0];
  return compute('oneHot', [n, classes], [labels], (b, out, [l]) => b.oneHot(l, out, n, classes));
}

function checkLabelRange(op: string, labels: Tensor, classes: number): void {
  let range = labels.intRange;
  if (!range) {
    const backend = backendOf(op, labels);
    if (!backend.downloadSync) return; // checked when the labels were made (tensor()/concat keep the range)
    range = valueRange(labels.dataSync());
    labels.intRange = range;
  }
  if (range[0] < 0 || range[1] >= classes) {
    throw new Error(`${op}: labels must be in [0, ${classes - 1}], found values in [${range[0]}, ${range[1]}]`);
  }
}

/** Mean cross-entropy of logits [N, C] against i32 labels [N], as PyTorch's F.cross_entropy. */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits must be [N, C], got ${formatShape(logits.shape)}`);
  expectDType('crossEntropy', labels, 'i32', 'labels');
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`crossEntropy: labels ${formatShape(labels.shape)} do not match logits ${formatShape(logits.shape)} (want [${logits.shape[0]}])`);
  }
  checkLabelRange('crossEntropy', labels, logits.shape[1]);
  return engine.tidy(() => {
    const picked = sum(mul(logSoftmax(logits), oneHot(labels, logits.shape[1])), -1);
    return neg(mean(picked));
  });
}

/** Mean squared error. */
export function mse(prediction: Tensor, target: Tensor): Tensor {
  if (prediction.shape.join() !== target.shape.join()) {
    throw new Error(`mse: prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)} differ`);
  }
  return engine.tidy(() => {
    const d = sub(prediction, target);
    return mean(mul(d, d));
  });
}
