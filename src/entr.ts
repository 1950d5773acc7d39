// The entropy term of one probability, shared by metrics.entropy and a served prediction's entropy.

/**
 * −p·log p in nats, with 0·log 0 = 0 and NaN staying NaN (never a silent zero, which would read as full
 * certainty): torch.special.entr (PyTorch 2.x) for p ≥ 0.
 */
export function entr(p: number): number {
  return p === 0 ? 0 : -p * Math.log(p);
}
