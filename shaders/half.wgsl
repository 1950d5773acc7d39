// The f16 cast pass of the block GEMMs at precision 'f16': f32 values packed two per word as binary16
// (element 2k in the low half, as an array<f16> reads the same bytes), halving what the GEMMs load.

// params.n: f32 elements; the packed buffer holds ceil(n / 2) words
@group(0) @binding(0) var<uniform> params: HalfParams;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> packed: array<u32>;

// pack2x16float leaves values beyond f16's finite range indeterminate: overflow and NaN are encoded
// here, so that an overflowing (loss-scaled) gradient reaches the GEMM as infinity.
fn halfBits(v: f32) -> u32 {
  let bits = bitcast<u32>(v);
  let sign = (bits >> 16u) & 0x8000u;
  if (isNan(v)) { return sign | 0x7e00u; }
  if ((bits & 0x7fffffffu) >= 0x477ff000u) { return sign | 0x7c00u; } // 65520 and above round to infinity
  return pack2x16float(vec2<f32>(clamp(v, -65504.0, 65504.0), 0.0)) & 0xffffu;
}

@compute @workgroup_size(256)
fn packHalf(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flatIndex(wid, nwg, lid);
  if (2u * k >= params.n) { return; }
  var high = 0u;
  if (2u * k + 1u < params.n) { high = halfBits(src[2u * k + 1u]); }
  packed[k] = halfBits(src[2u * k]) | (high << 16u);
}
