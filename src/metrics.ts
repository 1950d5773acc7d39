// Classification and uncertainty metrics on host arrays of probabilities (rows of C classes).
import { entr } from './entr.ts';

/** Probabilities [N, C] as a flat array with its class count. */
export interface Probs {
  /** N·C probabilities, row-major: row r, class c at `r * classes + c`; each row sums to 1. */
  data: Float32Array;
  /** C, the number of classes (≥ 1); `data.length` must be a multiple of it. */
  classes: number;
}

const EPS = 1e-12;

function rows(p: Probs): number {
  return p.data.length / p.classes;
}

function argmaxRow(p: Probs, r: number): number {
  let best = 0;
  for (let c = 1; c < p.classes; c++) if (p.data[r * p.classes + c] > p.data[r * p.classes + best]) best = c;
  return best;
}

function checkLabels(p: Probs, labels: ArrayLike<number>): void {
  if (labels.length !== rows(p)) throw new Error(`metrics: ${labels.length} labels for ${rows(p)} rows of probabilities`);
}

/**
 * Fraction of rows whose most probable class is the label, in [0, 1] (ties go to the lower class).
 * @throws Error when the number of labels is not the number of rows of `p`.
 */
export function accuracy(p: Probs, labels: ArrayLike<number>): number {
  checkLabels(p, labels);
  let right = 0;
  for (let r = 0; r < labels.length; r++) if (argmaxRow(p, r) === labels[r]) right++;
  return right / labels.length;
}

/**
 * Mean negative log-likelihood −ln p[label] of the labels, in nats (a probability is clamped to 1e-12 first,
 * so a zero gives about 27.6, not Infinity).
 * @throws Error when the number of labels is not the number of rows of `p`.
 */
export function nll(p: Probs, labels: ArrayLike<number>): number {
  checkLabels(p, labels);
  let s = 0;
  for (let r = 0; r < labels.length; r++) s -= Math.log(Math.max(p.data[r * p.classes + labels[r]], EPS));
  return s / labels.length;
}

/**
 * Mean Brier score: Σ_c (p_c − onehot_c)², averaged over rows, in [0, 2].
 * @throws Error when the number of labels is not the number of rows of `p`.
 */
export function brier(p: Probs, labels: ArrayLike<number>): number {
  checkLabels(p, labels);
  let s = 0;
  for (let r = 0; r < labels.length; r++) {
    for (let c = 0; c < p.classes; c++) {
      const d = p.data[r * p.classes + c] - (c === labels[r] ? 1 : 0);
      s += d * d;
    }
  }
  return s / labels.length;
}

/**
 * Expected calibration error with `bins` equal-width confidence bins (lo, hi] (15 by default, as TorchUncertainty
 * and torchmetrics): Σ_b |Σ confidence − Σ correct| / N, in [0, 1].
 * @throws Error when the number of labels is not the number of rows of `p`.
 */
export function ece(p: Probs, labels: ArrayLike<number>, bins = 15): number {
  checkLabels(p, labels);
  const count = new Float64Array(bins), conf = new Float64Array(bins), right = new Float64Array(bins);
  for (let r = 0; r < labels.length; r++) {
    const k = argmaxRow(p, r), c = p.data[r * p.classes + k];
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1)); // bins (lo, hi], as torchmetrics
    count[b]++;
    conf[b] += c;
    if (k === labels[r]) right[b]++;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (count[b]) e += Math.abs(conf[b] - right[b]);
  return e / labels.length;
}

/**
 * Entropy of each row, in nats: Σ_c entr(p_c) with entr as torch.special.entr (PyTorch 2.x): 0·log 0 counts as 0,
 * and a NaN probability makes its row's entropy NaN (never a silent zero, which would read as full certainty).
 */
export function entropy(p: Probs): Float64Array {
  const out = new Float64Array(rows(p));
  for (let r = 0; r < out.length; r++) {
    let h = 0;
    for (let c = 0; c < p.classes; c++) {
      const v = p.data[r * p.classes + c];
      h += entr(v);
    }
    out[r] = h;
  }
  return out;
}

/**
 * The ensemble's mean probabilities [N, C] from per-estimator ones, estimator-major [M*N, C].
 * @throws Error when the rows are not a multiple of numEstimators.
 */
export function ensembleMean(perEstimator: Probs, numEstimators: number): Probs {
  const n = rows(perEstimator) / numEstimators, C = perEstimator.classes;
  if (!Number.isInteger(n)) throw new Error(`ensembleMean: ${rows(perEstimator)} rows are not ${numEstimators} estimators × N`);
  const out = new Float32Array(n * C);
  for (let m = 0; m < numEstimators; m++) {
    for (let i = 0; i < n * C; i++) out[i] += perEstimator.data[m * n * C + i] / numEstimators;
  }
  return { data: out, classes: C };
}

/** Estimator m's rows of estimator-major probabilities [M*N, C]. */
export function estimatorProbs(perEstimator: Probs, numEstimators: number, m: number): Probs {
  const n = rows(perEstimator) / numEstimators, C = perEstimator.classes;
  return { data: perEstimator.data.subarray(m * n * C, (m + 1) * n * C), classes: C };
}

/** Mutual information per row: entropy of the mean minus the mean entropy of the estimators (NaN where a probability is NaN, as entropy). */
export function mutualInformation(perEstimator: Probs, numEstimators: number): Float64Array {
  const total = entropy(ensembleMean(perEstimator, numEstimators));
  for (let m = 0; m < numEstimators; m++) {
    const h = entropy(estimatorProbs(perEstimator, numEstimators, m));
    for (let r = 0; r < total.length; r++) total[r] -= h[r] / numEstimators;
  }
  return total;
}

/** Per row: the fraction of estimators whose prediction differs from the ensemble's. */
export function disagreement(perEstimator: Probs, numEstimators: number): Float64Array {
  const mean = ensembleMean(perEstimator, numEstimators);
  const out = new Float64Array(rows(mean));
  for (let m = 0; m < numEstimators; m++) {
    const pm = estimatorProbs(perEstimator, numEstimators, m);
    for (let r = 0; r < out.length; r++) if (argmaxRow(pm, r) !== argmaxRow(mean, r)) out[r] += 1 / numEstimators;
  }
  return out;
}

/** The arithmetic mean of `values`, summed in f64; 0 for an empty array. */
export function average(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : 0;
}

/**
 * Area under the ROC curve of a score that should be higher for positives than for negatives: the probability
 * that a random positive scores above a random negative, ties counting half (the Mann-Whitney statistic;
 * the value of torchmetrics' `BinaryAUROC` without thresholds, as TorchUncertainty's OOD AUROC, v0.8).
 * 0.5 = no separation, 1 = every positive above every negative.
 * @throws when either set is empty or a score is NaN.
 */
export function auroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  const nPos = positives.length, nNeg = negatives.length;
  if (!nPos || !nNeg) throw new Error(`auroc: needs at least one positive and one negative score, got ${nPos} and ${nNeg}`);
  const scored = [...Array.from(positives, (s) => ({ s, pos: true })), ...Array.from(negatives, (s) => ({ s, pos: false }))];
  if (scored.some((e) => Number.isNaN(e.s))) throw new Error('auroc: a score is NaN');
  scored.sort((a, b) => a.s - b.s);
  let positiveRanks = 0; // sum of the positives' 1-based ranks, tied scores sharing their mean rank
  for (let i = 0; i < scored.length; ) {
    let j = i;
    while (j < scored.length && scored[j].s === scored[i].s) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (scored[k].pos) positiveRanks += meanRank;
    i = j;
  }
  return (positiveRanks - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
