// Engine layers as ONNX node sequences, for export and for running them in other runtimes.
import type { GraphBuilder } from './builder.ts';

export interface BlockLinearParams {
  /** Packed weight [G, O, I], row-major (the engine's layout). */
  weight: Float32Array;
  /** Bias [G*O], or null. */
  bias: Float32Array | null;
  G: number;
  I: number;
  O: number;
}

/**
 * y [batch, G*O] = blockLinear(x [batch, G*I]): Reshape to [batch, G, I], Transpose to [G, batch, I],
 * one batched MatMul with the weight stored as [G, I, O], back to [batch, G*O], then Add the bias.
 * Returns the name of y; constants are named after `prefix`.
 */
export function addBlockLinear(g: GraphBuilder, x: string, p: BlockLinearParams, prefix: string): string {
  const { G, I, O } = p;
  if (p.weight.length !== G * O * I) throw new Error(`onnx: ${prefix} weight has ${p.weight.length} values, expected G*O*I = ${G * O * I}`);
  const wT = new Float32Array(G * I * O);
  for (let b = 0; b < G; b++) {
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) wT[(b * I + i) * O + o] = p.weight[(b * O + o) * I + i];
  }
  const perm = { perm: { ints: [1, 0, 2] } };
  const blocks = g.node('Reshape', [x, g.constant(`${prefix}.in_shape`, BigInt64Array.from([-1n, BigInt(G), BigInt(I)]))]);
  const groupMajor = g.node('Transpose', [blocks], { attributes: perm });
  const products = g.node('MatMul', [groupMajor, g.constant(`${prefix}.weight`, wT, [G, I, O])]);
  const batchMajor = g.node('Transpose', [products], { attributes: perm });
  const y = g.node('Reshape', [batchMajor, g.constant(`${prefix}.out_shape`, BigInt64Array.from([-1n, BigInt(G * O)]))]);
  return p.bias ? g.node('Add', [y, g.constant(`${prefix}.bias`, p.bias)]) : y;
}
