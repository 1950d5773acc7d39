// Losses: crossEntropy one node with its closed-form gradient (one kernel), mse composed from primitives.
import { engine } from '../engine.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape } from '../shapes.ts';
import { backendOf, compute, expectDType, record, stridesOf, valueRange } from './core.ts';
import { mul, sub } from './elementwise.ts';
import { neg } from './unary.ts';
import { mean, sum } from './reduce.ts';
import { logSoftmax } from './softmax.ts';

/**
 * The one-hot f32 [n, classes] of i32 labels [n], as torch.nn.functional.one_hot (PyTorch 1.13, which gives
 * i64); no gradient.
 * @throws Error when labels are not i32 of shape [n], a label is outside [0, classes), or they were disposed.
 */
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

/**
 * Mean cross-entropy of logits [N, C] against i32 labels [N], as PyTorch's F.cross_entropy (torch 1.13,
 * reduction 'mean'): a 0-d f32 tensor. One node on the tape with the closed-form gradient
 * dlogits = (onehot - softmax)·(-dy/N), computed in the order the composed ops used (so the bits of the
 * loss and of every gradient are the same as logSoftmax, mul, sum, mean and neg chained). The target's
 * log-probability is selected (the 'mask' kernel), never multiplied by the one-hot, so -∞ logits (masked
 * classes) and logits near the f32 limits give PyTorch's loss and gradient; a row with +∞ or only -∞ gives NaN,
 * as in PyTorch.
 * @throws Error on logits that are not f32 of rank 2, labels that are not i32 [N], or labels outside [0, C).
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const op = 'crossEntropy';
  if (logits.rank !== 2) throw new Error(`${op}: logits must be [N, C], got ${formatShape(logits.shape)}`);
  expectDType(op, logits, 'f32', 'logits');
  expectDType(op, labels, 'i32', 'labels');
  const [N, C] = logits.shape;
  if (labels.rank !== 1 || labels.shape[0] !== N) {
    throw new Error(`${op}: labels ${formatShape(labels.shape)} do not match logits ${formatShape(logits.shape)} (want [${N}])`);
  }
  checkLabelRange(op, labels, C);
  const full = stridesOf([N, C]);
  const logProbs = compute(op, [N, C], [logits], (b, out, [x]) => b.softmax(x, out, N, C, true));
  const hot = compute(op, [N, C], [labels], (b, out, [l]) => b.oneHot(l, out, N, C));
  const loss = engine.noGrad(() => {
    // The target's log-probability selected, not multiplied by the one-hot: 0·(-∞) would be NaN.
    const picked = compute(op, [N, C], [logProbs, hot], (b, out, [a, h]) => b.binary('mask', a, h, out, [N, C], full, full));
    const perRow = compute(op, [N], [picked], (b, out, [p]) => b.reduce('sum', p, out, N, C, 1));
    const total = compute(op, [], [perRow], (b, out, [r]) => b.reduce('sum', r, out, 1, N, 1));
    const y = compute(op, [], [total], (b, out, [t]) => b.scalar('mul', t, -1 / N, out));
    for (const t of [picked, perRow, total]) t.dispose();
    return y;
  });
  // logProbs and hot ride along as inputs without gradients, so the graph keeps them until backward.
  const out = record(loss, op, [logits, logProbs, hot], (dy) => {
    // hot·(-dy/N) − exp(logProbs)·(-dy/N) in one kernel, the bits of a scalar mul, two muls, an exp and a sub
    const g = compute(op, [N, C], [dy, logProbs, hot], (b, o, [d, l, h]) => b.crossEntropyGrad(d, -1 / N, l, h, o));
    return [g, null, null];
  });
  logProbs.dispose();
  hot.dispose();
  return out;
}

/**
 * Mean squared error mean((prediction − target)²), a 0-d f32 tensor, as torch.nn.functional.mse_loss
 * (PyTorch 1.13, reduction 'mean'). Both f32 of one shape.
 * @throws Error when the shapes differ, an input is not f32, or one was disposed.
 */
export function mse(prediction: Tensor, target: Tensor): Tensor {
  if (prediction.shape.join() !== target.shape.join()) {
    throw new Error(`mse: prediction ${formatShape(prediction.shape)} and target ${formatShape(target.shape)} differ`);
  }
  return engine.tidy(() => {
    const d = sub(prediction, target);
    return mean(mul(d, d));
  });
}
