// The one multiply-add every SIMD kernel uses: fused where the relaxed-SIMD build allows it.
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b)); // c first: the chain stays in evaluation order after Binaryen inlines
}
