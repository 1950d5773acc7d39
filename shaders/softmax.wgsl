// Row-wise softmax / log-softmax of x viewed as [rows, cols]: one workgroup of 64 per row. With params.logOut,
// the softmax goes to out and the log-softmax to logOut, from the same max and sum.

@group(0) @binding(0) var<uniform> params: SoftmaxParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> logOut: array<f32>;

var<workgroup> lanes: array<f32, 64>;

// Folds one value per invocation into a workgroup-wide max (isMax) or sum.
fn allReduce(v: f32, lid: u32, isMax: bool) -> f32 {
  lanes[lid] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s /= 2u) {
    if (lid < s) {
      let a = lanes[lid];
      let b = lanes[lid + s];
      lanes[lid] = select(a + b, maxNan(a, b), isMax);
    }
    workgroupBarrier();
  }
  let r = lanes[0];
  workgroupBarrier();
  return r;
}

// exp and log that keep a NaN (SwiftShader's approximate ones do not): a row holding +Inf is NaN, as in PyTorch.
fn expNan(z: f32) -> f32 {
  return select(exp(z), z, isNan(z));
}

fn logNan(z: f32) -> f32 {
  return select(log(z), z, isNan(z));
}

@compute @workgroup_size(64)
fn softmax(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = workgroupIndex(wid, nwg);
  if (row >= params.rows) { return; }
  let base = row * params.cols;
  var m = fromBits(0xff800000u);
  for (var c = lid; c < params.cols; c += 64u) { m = maxNan(m, x[base + c]); }
  m = allReduce(m, lid, true);
  var s = 0.0;
  for (var c = lid; c < params.cols; c += 64u) { s += expNan(x[base + c] - m); }
  s = allReduce(s, lid, false);
  let logSum = logNan(s);
  for (var c = lid; c < params.cols; c += 64u) {
    let z = x[base + c] - m;
    out[base + c] = select(expNan(z) / s, z - logSum, params.log != 0u);
    if (params.logOut != 0u) { logOut[base + c] = z - logSum; }
  }
}
