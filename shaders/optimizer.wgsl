// In-place optimizer updates, one invocation per parameter (semantics of the JS reference). Every scalar
// (1 - beta, bias corrections, step size) is computed on the host in f64 (src/backend/optimizer-constants.ts).

// SgdParams and AdamParams: the op table's uniform structs (src/backend/op-table.ts).
@group(0) @binding(0) var<uniform> sgd: SgdParams;
@group(0) @binding(0) var<uniform> adam: AdamParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(WG)
fn sgdStep(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= sgd.n) { return; }
  var d = grad[i];
  if (sgd.weightDecay != 0.0) { d += sgd.weightDecay * param[i]; }
  if (sgd.hasMomentum != 0u) {
    let buf = select(sgd.momentum * m[i] + sgd.oneMinusDampening * d, d, sgd.firstStep != 0u);
    m[i] = buf;
    d = select(buf, d + sgd.momentum * buf, sgd.nesterov != 0u);
  }
  param[i] -= sgd.lr * d;
}

@compute @workgroup_size(WG)
fn adamStep(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= adam.n) { return; }
  let p = param[i] * adam.decay;
  var d = grad[i];
  if (adam.l2 != 0.0) { d += adam.l2 * p; }
  let mi = adam.beta1 * m[i] + adam.oneMinusBeta1 * d;
  let vi = adam.beta2 * v[i] + adam.oneMinusBeta2 * d * d;
  m[i] = mi;
  v[i] = vi;
  param[i] = p - (adam.stepSize * mi) / (sqrt(vi) / adam.biasCorrection2Sqrt + adam.eps);
}
