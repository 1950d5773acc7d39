// PyTorch's two GELUs four lanes at a time, the fused activations of the forward GEMM: the exact one,
// 0.5·z·(1 + erf(z/√2)) as PyTorch computes it, and the tanh approximation, 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))). For the latter 1 + tanh(u) is
// formed as 2/(e^(-2u) + 1) for u < 0 (2 − 2/(e^(2u) + 1) otherwise), so the small values on the negative
// side keep their relative precision.
import { erf4 } from './erf';
import { tanhTail } from './tanh';

const TWO = f32x4.splat(2);
const HALF = f32x4.splat(0.5);
const SCALE = f32x4.splat(0.7978845608); // √(2/π)
const CUBIC = f32x4.splat(0.044715);

const SQRT1_2 = f32x4.splat(0.70710678);
const ONE = f32x4.splat(1);

/** nn.GELU(): 0.5·z·(1 + erf(z/√2)). */
@inline
export function gelu4(z: v128): v128 {
  return f32x4.mul(f32x4.mul(z, HALF), f32x4.add(ONE, erf4(f32x4.mul(z, SQRT1_2))));
}

/** nn.GELU(approximate='tanh'). */
@inline
export function geluTanh4(z: v128): v128 {
  const u = f32x4.mul(f32x4.add(z, f32x4.mul(CUBIC, f32x4.mul(f32x4.mul(z, z), z))), SCALE);
  const q = tanhTail(u); // 1 − |tanh(u)|
  const onePlusTanh = v128.bitselect(q, f32x4.sub(TWO, q), f32x4.lt(u, f32x4.splat(0)));
  return f32x4.mul(f32x4.mul(z, HALF), onePlusTanh);
}
