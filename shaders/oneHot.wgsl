// out [n, classes] = one-hot of the i32 labels [n].

@group(0) @binding(0) var<uniform> params: OneHotParams;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn oneHot(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < params.total) {
    out[i] = select(0.0, 1.0, labels[i / params.classes] == i32(i % params.classes));
  }
}
