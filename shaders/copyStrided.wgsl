// dst[walk.y] = src[walk.x] for every index of the shape; copies raw bits (f32 or i32).

@group(0) @binding(0) var<uniform> params: CopyParams;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

@compute @workgroup_size(WG)
fn copyStrided(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i < params.n) {
    let off = walk(params.walk, i);
    dst[off.y] = src[off.x];
  }
}
