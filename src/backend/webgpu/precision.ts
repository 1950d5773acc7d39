// How the block GEMMs read their operands at each precision, and the WGSL prelude of each way.
import type { Precision } from '../backend.ts';
import { shaders } from './shaders.generated.ts';

/**
 * 'f32': the storages as they are. 'f16': binary16 pairs packed in u32 words by a cast pass, unpacked
 * to f32 (any adapter). 'f16-native': the same packed bytes read as array<f16> with f16 arithmetic.
 */
export type GemmOperands = 'f32' | 'f16' | 'f16-native';

/** The operand variant of the block GEMMs for `precision` on an adapter with or without `shader-f16`. */
export function gemmOperands(precision: Precision, shaderF16: boolean): GemmOperands {
  if (precision === 'f32') return 'f32';
  return shaderF16 ? 'f16-native' : 'f16';
}

/** WGSL declaring lhs, rhs, Elem, lhsAt and rhsAt for shaders/blockLinear.wgsl; it goes first in the module (enable directives). */
export const operandPrelude: Record<GemmOperands, string> = {
  f32: shaders.gemmOperandsF32,
  f16: shaders.gemmOperandsF16,
  'f16-native': shaders.gemmOperandsF16Native,
};
