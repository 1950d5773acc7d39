// The Packed-Ensembles MLPs of the training benchmark and what every runner shares about them: the layer
// shapes PackedMLP builds (TorchUncertainty's semantics, gamma 1) and one seeded synthetic batch.
import { Rng } from '../../src/random.ts';

export interface TrainingModel {
  name: 'digits' | 'wide';
  inFeatures: number;
  hidden: number[];
  numEstimators: number;
  alpha: number;
  classes: number;
  batch: number;
}

export const trainingModels: Record<TrainingModel['name'], TrainingModel> = {
  digits: { name: 'digits', inFeatures: 64, hidden: [128, 128], numEstimators: 4, alpha: 2, classes: 10, batch: 128 },
  wide: { name: 'wide', inFeatures: 64, hidden: [1024, 1024], numEstimators: 4, alpha: 2, classes: 10, batch: 128 },
};

export const LEARNING_RATE = 1e-3;

/** One packed layer: weight [groups, out, in] (per group), bias [groups·out]. */
export interface LayerShape {
  groups: number;
  out: number;
  in: number;
}

/** The layers of PackedMLP: the first reads the shared input (one group), the last emits M·C logits. */
export function layerShapes(m: TrainingModel): LayerShape[] {
  const widths = [m.inFeatures, ...m.hidden, m.classes];
  return widths.slice(1).map((outFeatures, k) => {
    const first = k === 0, last = k === widths.length - 2;
    const extIn = widths[k] * (first ? 1 : m.alpha), extOut = outFeatures * (last ? m.numEstimators : m.alpha);
    const groups = first ? 1 : m.numEstimators;
    return { groups, out: extOut / groups, in: extIn / groups };
  });
}

export function parameterCount(m: TrainingModel): number {
  return layerShapes(m).reduce((n, l) => n + l.groups * l.out * (l.in + 1), 0);
}

/** Floats the forward keeps for the backward (input, every layer's output, the estimator-major logits), and as many gradients. */
export function activationFloats(m: TrainingModel): number {
  const outs = layerShapes(m).reduce((n, l) => n + l.groups * l.out, 0);
  return 2 * m.batch * (m.inFeatures + outs + m.numEstimators * m.classes);
}

/** The least one Adam step can hold: parameters, gradients, Adam's two moments, activations and their gradients (f32). */
export const trainingBudgetBytes = (m: TrainingModel): number => 4 * (4 * parameterCount(m) + activationFloats(m));

/** A synthetic batch: standard normal inputs [batch, in], labels in [0, classes). */
export function trainingBatch(m: TrainingModel): { x: Float32Array<ArrayBuffer>; labels: Int32Array<ArrayBuffer> } {
  const rng = new Rng(7);
  const x = Float32Array.from({ length: m.batch * m.inFeatures }, () => rng.normal());
  const labels = Int32Array.from({ length: m.batch }, () => rng.int(m.classes));
  return { x, labels };
}

/** One-hot labels repeated for every estimator, estimator-major [M·batch, classes] (the loss's layout). */
export function estimatorOneHot(m: Pick<TrainingModel, 'numEstimators' | 'batch' | 'classes'>, labels: Int32Array): Float32Array<ArrayBuffer> {
  const out = new Float32Array(m.numEstimators * m.batch * m.classes);
  for (let e = 0; e < m.numEstimators; e++) labels.forEach((c, i) => (out[(e * m.batch + i) * m.classes + c] = 1));
  return out;
}
