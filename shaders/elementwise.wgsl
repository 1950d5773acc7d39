// Elementwise kernels: fill, unary, scalar and broadcasting binary. The op is a pipeline constant (OP),
// one of the op table's codes (OP_NEG, OP_ADD… in the generated prelude, from src/backend/op-table.ts).

override OP: u32 = 0u;

@group(0) @binding(0) var<uniform> params: ElementwiseParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
// fill writes raw bits so that it serves i32 storages too.
@group(0) @binding(4) var<storage, read_write> outBits: array<u32>;

fn unaryOp(v: f32) -> f32 {
  // Every unary op maps NaN to NaN, but approximate exp/log (SwiftShader's) may not.
  if (isNan(v)) { return v; }
  switch OP {
    case OP_NEG: { return -v; }
    case OP_EXP: { return exp(v); }
    // log and sqrt of a negative number (-Inf included) are NaN; WGSL leaves them undefined
    case OP_LOG: { return select(log(v), fromBits(0x7fc00000u), v < 0.0); }
    // clamped because some drivers compute tanh through exp and overflow to NaN
    case OP_TANH: { return tanh(clamp(v, -10.0, 10.0)); }
    case OP_SIGMOID: { return 1.0 / (1.0 + exp(-v)); }
    case OP_RELU: { return max(v, 0.0); }
    case OP_SQRT: { return select(sqrt(v), fromBits(0x7fc00000u), v < 0.0); }
    case OP_ABS: { return abs(v); }
    case OP_ERF: { return erf4(vec4<f32>(v)).x; }
    // softplus ln(1 + eˣ), x itself above PyTorch's threshold 20; WGSL has no log1p, so ln(w)·u/(w − 1) with
    // w = 1 + u, exact where w rounds to 1 (Goldberg's log1p)
    case OP_SOFTPLUS: {
      if (v > 20.0) { return v; }
      let u = exp(v);
      let w = 1.0 + u;
      return select(log(w) * u / (w - 1.0), u, w == 1.0);
    }
    default: { return fromBits(0x7fc00000u); } // unreachable: the host sends only the table's codes
  }
}

// Math.pow semantics where WGSL's pow is undefined: b = 0, NaN, and negative bases.
fn powJs(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return a + b; }
  if (a >= 0.0) { return pow(a, b); }
  // a finite negative base to a fractional power is NaN; -Inf to any power and any base to ±Inf are not
  if (floor(b) != b && a > fromBits(0xff800000u)) { return fromBits(0x7fc00000u); }
  let odd = floor(b) == b && abs(b) < 16777216.0 && fract(b * 0.5) != 0.0; // f32 integers past 2^24 are even
  let r = pow(-a, b);
  return select(r, -r, odd);
}

fn binaryOp(a: f32, b: f32) -> f32 {
  switch OP {
    case OP_ADD: { return a + b; }
    case OP_SUB: { return a - b; }
    case OP_MUL: { return a * b; }
    case OP_DIV: { return a / b; }
    case OP_MAX: { return maxNan(a, b); }
    case OP_MIN: { return minNan(a, b); }
    case OP_POW: { return powJs(a, b); }
    case OP_GT: { return select(0.0, 1.0, a > b); }
    case OP_EQ: { return select(0.0, 1.0, a == b); }
    // mask: a where b is not ±0 (NaN included, by its bits: SwiftShader's NaN comparisons are unreliable), never 0 * a
    case OP_MASK: { return select(0.0, a, (bitcast<u32>(b) & 0x7fffffffu) != 0u); }
    // thresholdBackward: 0 where b <= 0, else a (NaN b too), by b's bits for the same reason
    case OP_THRESHOLD_BACKWARD: {
      let u = bitcast<u32>(b);
      let positive = u != 0u && u < 0x80000000u;
      return select(0.0, a, positive || (u & 0x7fffffffu) > 0x7f800000u);
    }
    default: { return fromBits(0x7fc00000u); } // unreachable: the host sends only the table's codes
  }
}

@compute @workgroup_size(WG)
fn fill(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < params.n) { outBits[i] = params.bits; }
}

@compute @workgroup_size(WG)
fn unary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < params.n) { out[i] = unaryOp(x[i]); }
}

@compute @workgroup_size(WG)
fn scalar(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < params.n) { out[i] = binaryOp(x[i], params.s); }
}

@compute @workgroup_size(WG)
fn binary(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < params.n) {
    let off = walk(params.walk, i);
    out[i] = binaryOp(x[off.x], y[off.y]);
  }
}
