// Helpers prepended to every kernel module (see src/backend/webgpu/pipelines.ts).

// 1-D kernels run 256 invocations per workgroup; grids past 65535 workgroups fold into y.
const WG: u32 = 256u;

fn flatIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG + lid;
}

// NaN tested on the bits: compilers may assume `v != v` is false.
fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn isNan4(v: vec4<f32>) -> vec4<bool> {
  return (bitcast<vec4<u32>>(v) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
}

// Bits read through a variable, because a NaN or infinite constant expression is a compile error.
fn fromBits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

// max/min that return NaN when either side is NaN (IEEE max/min drop it); a + b carries the NaN.
fn maxNan(a: f32, b: f32) -> f32 {
  return select(max(a, b), a + b, isNan(a) || isNan(b));
}

fn minNan(a: f32, b: f32) -> f32 {
  return select(min(a, b), a + b, isNan(a) || isNan(b));
}

// A strided walk over up to 6 axes: element offsets into two operands for each row-major index.
// Unused leading axes have size 1 and stride 0.
struct Walk {
  shape: array<vec4<u32>, 2>,
  a: array<vec4<i32>, 2>,
  b: array<vec4<i32>, 2>,
  offset: vec2<i32>,
}

fn walk(w: Walk, index: u32) -> vec2<u32> {
  var rest = index;
  var off = w.offset;
  for (var k = 0u; k < 6u; k++) {
    let d = 5u - k;
    let size = w.shape[d / 4u][d % 4u];
    let c = i32(rest % size);
    rest /= size;
    off += c * vec2<i32>(w.a[d / 4u][d % 4u], w.b[d / 4u][d % 4u]);
  }
  return vec2<u32>(off);
}
