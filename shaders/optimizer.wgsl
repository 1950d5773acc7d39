// In-place optimizer updates, one invocation per parameter (semantics of the JS reference).

struct Sgd {
  n: u32,
  lr: f32,
  momentum: f32,
  dampening: f32,
  weightDecay: f32,
  nesterov: u32,
  firstStep: u32,
  hasMomentum: u32,
}

struct Adam {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  decoupled: u32,
  // bias corrections 1 - beta^step, computed on the host in f64
  c1: f32,
  c2: f32,
}

@group(0) @binding(0) var<uniform> sgd: Sgd;
@group(0) @binding(0) var<uniform> adam: Adam;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(WG)
fn sgdStep(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= sgd.n) { return; }
  var d = grad[i] + sgd.weightDecay * param[i];
  if (sgd.hasMomentum != 0u) {
    let buf = select(sgd.momentum * m[i] + (1.0 - sgd.dampening) * d, d, sgd.firstStep != 0u);
    m[i] = buf;
    d = select(buf, d + sgd.momentum * buf, sgd.nesterov != 0u);
  }
  param[i] -= sgd.lr * d;
}

@compute @workgroup_size(WG)
fn adamStep(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= adam.n) { return; }
  var p = param[i];
  var d = grad[i];
  if (adam.decoupled != 0u) {
    p *= 1.0 - adam.lr * adam.weightDecay;
  } else {
    d += adam.weightDecay * p;
  }
  let mi = adam.beta1 * m[i] + (1.0 - adam.beta1) * d;
  let vi = adam.beta2 * v[i] + (1.0 - adam.beta2) * d * d;
  m[i] = mi;
  v[i] = vi;
  param[i] = p - (adam.lr * (mi / adam.c1)) / (sqrt(vi / adam.c2) + adam.eps);
}
