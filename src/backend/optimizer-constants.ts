// The scalars of one optimizer update, computed once on the host in f64 (as PyTorch computes them in
// Python floats) and handed to the kernels, which round each to f32 once. A kernel that formed `1 - beta2`
// in f32 itself would be off by 1.3e-5 (relative) for beta2 = 0.999, and its parameters would drift.
import type { AdamAttrs, SgdAttrs } from './backend.ts';

/** Adam/AdamW's update constants for one step (torch.optim.Adam/AdamW, single-tensor path, PyTorch 1.13). */
export interface AdamConstants {
  beta1: number;
  /** 1 - beta1 */
  oneMinusBeta1: number;
  beta2: number;
  /** 1 - beta2 */
  oneMinusBeta2: number;
  eps: number;
  /** L2 coefficient added to the gradient (Adam); 0 for AdamW. */
  l2: number;
  /** Factor the weight is multiplied by first: 1 - lr·weightDecay for AdamW, 1 for Adam. */
  decay: number;
  /** lr / (1 - beta1^step) */
  stepSize: number;
  /** sqrt(1 - beta2^step) */
  biasCorrection2Sqrt: number;
}

/**
 * The update, per element, in PyTorch's order: w ← w·decay; d ← g + l2·w (when l2 ≠ 0);
 * m ← beta1·m + oneMinusBeta1·d; v ← beta2·v + oneMinusBeta2·d·d;
 * w ← w − stepSize·m / (sqrt(v) / biasCorrection2Sqrt + eps).
 */
export function adamConstants(a: AdamAttrs): AdamConstants {
  return {
    beta1: a.beta1,
    oneMinusBeta1: 1 - a.beta1,
    beta2: a.beta2,
    oneMinusBeta2: 1 - a.beta2,
    eps: a.eps,
    l2: a.decoupled ? 0 : a.weightDecay,
    decay: a.decoupled ? 1 - a.lr * a.weightDecay : 1,
    stepSize: a.lr / (1 - Math.pow(a.beta1, a.step)),
    biasCorrection2Sqrt: Math.sqrt(1 - Math.pow(a.beta2, a.step)),
  };
}

/** SGD's update constants (torch.optim.SGD, PyTorch 1.13). */
export interface SgdConstants {
  lr: number;
  momentum: number;
  /** 1 - dampening */
  oneMinusDampening: number;
  weightDecay: number;
}

/**
 * The update, per element: d ← g + weightDecay·w (when weightDecay ≠ 0); with momentum,
 * buf ← d on the first step, else momentum·buf + oneMinusDampening·d, and d ← buf, or d + momentum·buf
 * (Nesterov); w ← w − lr·d.
 */
export function sgdConstants(a: SgdAttrs): SgdConstants {
  return { lr: a.lr, momentum: a.momentum, oneMinusDampening: 1 - a.dampening, weightDecay: a.weightDecay };
}
