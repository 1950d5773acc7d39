// Concurrent predict calls merged into one forward pass: their rows concatenated (the result is cut back
// apart by unpackPrediction).

export interface Rows {
  x: Float32Array;
  n: number;
}

/**
 * The requests' rows one after the other, in a buffer that can be transferred: a lone request's own (each holds
 * the client's copy of its caller's rows), else a fresh one.
 */
export function concatRows(requests: Rows[]): Rows {
  if (requests.length === 1) return requests[0];
  const n = requests.reduce((s, r) => s + r.n, 0);
  const x = new Float32Array(requests.reduce((s, r) => s + r.x.length, 0));
  let at = 0;
  for (const r of requests) {
    x.set(r.x, at);
    at += r.x.length;
  }
  return { x, n };
}
