// The error function in double precision, for the reference backend (the oracle the f32 kernels are tested
// against): the Taylor series up to |x| = 2, the continued fraction of erfc beyond (torch.erf's values).

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, to about 1e-15; odd, ±1 at ±Infinity, NaN for NaN. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (!(a <= 2)) return a > 2 ? Math.sign(x) * (1 - erfcLarge(a)) : NaN;
  // 2/√π Σ (−1)^n x^(2n+1) / (n!·(2n+1)): the terms fall below 1e-17 of the sum by n = 30
  let term = x, sum = x;
  for (let n = 1; n < 40 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (-a * a) / n;
    sum += term / (2 * n + 1);
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** erfc(a) for a > 2: e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated from depth 60 up. */
function erfcLarge(a: number): number {
  if (a > 27) return 0; // below the smallest double
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}
