// How far our values are from a reference's (PyTorch's, TorchUncertainty's, onnxruntime's, the engine's).
import { expect } from 'vitest';

/**
 * Largest |ours − reference| over the largest |reference| (guarded against an all-zero reference); asserts
 * both hold as many values, `what` naming them in the failure.
 */
export function relativeError(ours: ArrayLike<number>, reference: ArrayLike<number> | { data: ArrayLike<number> }, what?: string): number {
  const theirs = 'data' in reference ? reference.data : reference;
  expect(ours.length, what && `${what}: element count`).toBe(theirs.length);
  let err = 0, scale = 0;
  for (let i = 0; i < ours.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  return err / Math.max(scale, 1e-30);
}
