// Helpers prepended to every kernel module (see src/backend/webgpu/pipelines.ts).

// 1-D kernels run 256 invocations per workgroup.
const WG: u32 = 256u;

// A workgroup's index in a grid folded over x, then y, then z: the host keeps each dimension within the
// adapter's maxComputeWorkgroupsPerDimension (src/backend/webgpu/webgpu-backend.ts, fold).
fn workgroupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
}

fn flatIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return workgroupIndex(wid, nwg) * WG + lid;
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

// erf of each lane (torch.erf), the one WGSL erf (the elementwise kernel's; a fused epilogue may call it too),
// the approximation of assembly/erf.ts: below |x| = 1 the odd Taylor series x·P(x²); from 1 to 4,
// 1 − Q(1/|x|)·e^(−x²) with Q a degree-8 fit of erfc(a)·e^(a²); past 4, ±1. NaN stays NaN.
fn erf4(x: vec4<f32>) -> vec4<f32> {
  let a = abs(x);
  let z = a * a;
  var p = vec4<f32>(-1.2290555240213052e-9);
  p = p * z + 1.4807192805221803e-8;
  p = p * z - 1.6365844146548625e-7;
  p = p * z + 1.6462114444948384e-6;
  p = p * z - 1.4925650248187594e-5;
  p = p * z + 1.2055332626914605e-4;
  p = p * z - 8.548327023163438e-4;
  p = p * z + 5.223977845162153e-3;
  p = p * z - 2.686617150902748e-2;
  p = p * z + 1.1283791810274124e-1;
  p = p * z - 3.7612637877464294e-1;
  p = p * z + 1.128379225730896;
  let u = 1.0 / max(a, vec4<f32>(1.0));
  var q = vec4<f32>(-7.106618955731392e-3);
  q = q * u + 1.684301346540451e-2;
  q = q * u + 4.8705413937568665e-2;
  q = q * u - 2.714609205722809e-1;
  q = q * u + 5.181747078895569e-1;
  q = q * u - 4.8105913400650024e-1;
  q = q * u + 4.4517580419778824e-2;
  q = q * u + 5.586768984794617e-1;
  q = q * u + 2.926261513493955e-4;
  var r = select(1.0 - q * exp(-min(z, vec4<f32>(16.0))), a * p, a < vec4<f32>(1.0));
  r = select(r, vec4<f32>(1.0), a >= vec4<f32>(4.0));
  r = bitcast<vec4<f32>>(bitcast<vec4<u32>>(r) | (bitcast<vec4<u32>>(x) & vec4<u32>(0x80000000u)));
  return select(r, x, isNan4(x));
}
