// Concurrent predict calls merged into one forward pass: their rows concatenated, the result cut back apart.
import type { Prediction } from './predict.ts';

export interface Rows {
  x: Float32Array;
  n: number;
}

/** The requests' rows one after the other, in a fresh buffer (so it can be transferred). */
export function concatRows(requests: Rows[]): Rows {
  const n = requests.reduce((s, r) => s + r.n, 0);
  const x = new Float32Array(requests.reduce((s, r) => s + r.x.length, 0));
  let at = 0;
  for (const r of requests) {
    x.set(r.x, at);
    at += r.x.length;
  }
  return { x, n };
}

/** Rows [start, start + n) of a prediction (one request's share of a merged batch). */
export function sliceRows(p: Prediction, start: number, n: number): Prediction {
  if (start === 0 && n === p.n) return p;
  const C = p.classes, M = p.estimators;
  const perEstimator = new Float32Array(M * n * C);
  for (let m = 0; m < M; m++) perEstimator.set(p.perEstimator.subarray((m * p.n + start) * C, (m * p.n + start + n) * C), m * n * C);
  return {
    n,
    classes: C,
    estimators: M,
    probs: p.probs.slice(start * C, (start + n) * C),
    perEstimator,
    entropy: p.entropy.slice(start, start + n),
    mutualInformation: p.mutualInformation.slice(start, start + n),
  };
}
