// x viewed as [outer, n, inner] reduced over n. A workgroup owns 16 outputs along inner
// (coalesced reads) and splits n over 16 lanes, then folds the lanes in workgroup memory.

override OP: u32 = REDUCE_SUM; // REDUCE_SUM or REDUCE_MAX (the op table's codes)

@group(0) @binding(0) var<uniform> params: ReduceParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, 256>;

fn combine(a: f32, b: f32) -> f32 {
  return select(a + b, maxNan(a, b), OP == REDUCE_MAX);
}

@compute @workgroup_size(16, 16)
fn reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tilesInner = (params.inner + 15u) / 16u;
  let tile = workgroupIndex(wid, nwg);
  if (tile >= params.outer * tilesInner) { return; }
  let p = tile / tilesInner;
  let q = (tile % tilesInner) * 16u + lid.x;
  var acc = select(0.0, fromBits(0xff800000u), OP == REDUCE_MAX);
  if (q < params.inner) {
    for (var r = lid.y; r < params.n; r += 16u) {
      acc = combine(acc, x[(p * params.n + r) * params.inner + q]);
    }
  }
  partial[lid.y * 16u + lid.x] = acc;
  workgroupBarrier();
  for (var s = 8u; s > 0u; s /= 2u) {
    if (lid.y < s) {
      partial[lid.y * 16u + lid.x] = combine(partial[lid.y * 16u + lid.x], partial[(lid.y + s) * 16u + lid.x]);
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && q < params.inner) { out[p * params.inner + q] = partial[lid.x]; }
}
