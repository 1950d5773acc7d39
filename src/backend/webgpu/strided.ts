// Host side of the shaders' strided walk (struct Walk in shaders/common.wgsl).
import type { Uniforms } from './batch.ts';

const maxRank = 6;

export interface Walk {
  shape: number[];
  a: number[];
  b: number[];
}

/**
 * The walk of shape with strides a and b, without size-1 axes and with neighbours that both operands
 * step through contiguously merged (fewer axes for the shader); throws past maxRank axes.
 */
export function toWalk(kernel: string, shape: number[], a: number[], b: number[]): Walk {
  const out: Walk = { shape: [], a: [], b: [] };
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    const k = out.shape.length - 1;
    if (k >= 0 && a[d] === out.a[k] * out.shape[k] && b[d] === out.b[k] * out.shape[k]) {
      out.shape[k] *= shape[d];
    } else {
      out.shape.push(shape[d]);
      out.a.push(a[d]);
      out.b.push(b[d]);
    }
  }
  out.shape.reverse();
  out.a.reverse();
  out.b.reverse();
  if (out.shape.length > maxRank) {
    throw new Error(`webgpu backend: ${kernel} walks at most ${maxRank} axes, got ${out.shape.length} after merging`);
  }
  return out;
}

/** Writes a Walk at `word`: shape (8 words), a strides (8), b strides (8), then the two offsets. */
export function writeWalk(u: Uniforms, word: number, w: Walk, offA: number, offB: number): void {
  const pad = maxRank - w.shape.length;
  for (let d = 0; d < maxRank; d++) {
    const k = d - pad;
    u.u32(word + d, k < 0 ? 1 : w.shape[k]);
    u.i32(word + 8 + d, k < 0 ? 0 : w.a[k]);
    u.i32(word + 16 + d, k < 0 ? 0 : w.b[k]);
  }
  u.i32(word + 24, offA);
  u.i32(word + 25, offB);
}
