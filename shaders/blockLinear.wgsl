// The block GEMMs. Each is C_g = A_g · B_g for every block g, read and written through strides,
// so the packed weight [G, O, I] serves as W_g or as W_gᵀ without a copy.
// Tile: 8×8 invocations, each owning 4×4 outputs as vec4 accumulators (a 32×32 output tile);
// K advances 32 at a time through workgroup memory. Workgroups run over the output tiles of every block
// in one index (tiles of N fastest, then of M, then blocks), folded over x, y and z by the host.
// The operands lhs and rhs, their element type Elem and lhsAt/rhsAt come from the operand prelude of
// the precision (shaders/gemmOperands*.wgsl, chosen in src/backend/webgpu/precision.ts); outputs are f32.

override CHECKED: bool = true; // false only when M, N and K are multiples of 32
override HAS_BIAS: bool = false;
override RELU: bool = false;
override GELU: bool = false; // nn.GELU(): 0.5·z·(1 + erf(z/√2))
override GELU_TANH: bool = false; // nn.GELU(approximate='tanh')
override STORE_PRE: bool = false; // writes the pre-activation to `pre` (GELU's gradient reads it)

@group(0) @binding(0) var<uniform> shape: GemmShape;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> pre: array<f32>;

// Element (row, col) of an operand lives at base + row * rowStride + col * colStride.
struct Operand {
  base: u32,
  rowStride: u32,
  colStride: u32,
}

// C (M×N) = A (M×K) · B (K×N).
struct Gemm {
  M: u32,
  N: u32,
  K: u32,
  a: Operand,
  b: Operand,
  c: Operand,
}

// Where a workgroup works: block g and the first row/column of its output tile.
struct Place {
  g: u32,
  m0: u32,
  n0: u32,
}

var<workgroup> tileA: array<vec4<Elem>, 256>; // [32 rows m][8 × 4 k]
var<workgroup> tileB: array<vec4<Elem>, 256>; // [32 rows k][8 × 4 n]

fn at(o: Operand, row: u32, col: u32) -> u32 {
  return o.base + row * o.rowStride + col * o.colStride;
}

fn place(wid: vec3<u32>, nwg: vec3<u32>, M: u32, N: u32) -> Place {
  let tilesN = (N + 31u) / 32u;
  let perBlock = ((M + 31u) / 32u) * tilesN;
  let t = workgroupIndex(wid, nwg);
  let r = t % perBlock;
  return Place(t / perBlock, (r / tilesN) * 32u, (r % tilesN) * 32u);
}

// Element e of a 32×32 tile as (row, col), walking the operand's contiguous axis fastest.
fn tileCoord(e: u32, rowContiguous: bool) -> vec2<u32> {
  return select(vec2<u32>(e / 32u, e % 32u), vec2<u32>(e % 32u, e / 32u), rowContiguous);
}

fn stageTiles(p: Gemm, m0: u32, n0: u32, k0: u32, lid: u32) {
  for (var j = 0u; j < 16u; j++) {
    let e = lid + j * 64u;
    let ta = tileCoord(e, p.a.rowStride == 1u); // (m, k)
    var va = Elem(0);
    if (!CHECKED || (m0 + ta.x < p.M && k0 + ta.y < p.K)) { va = lhsAt(at(p.a, m0 + ta.x, k0 + ta.y)); }
    tileA[ta.x * 8u + ta.y / 4u][ta.y % 4u] = va;
    let tb = tileCoord(e, p.b.rowStride == 1u); // (k, n)
    var vb = Elem(0);
    if (!CHECKED || (k0 + tb.x < p.K && n0 + tb.y < p.N)) { vb = rhsAt(at(p.b, k0 + tb.x, n0 + tb.y)); }
    tileB[tb.x * 8u + tb.y / 4u][tb.y % 4u] = vb;
  }
}

// The 4×4 outputs of invocation (tx, ty): rows m0 + 4ty + r, columns n0 + 4tx .. +3.
fn gemm(p: Gemm, at0: Place, lid: vec3<u32>) -> array<vec4<f32>, 4> {
  var acc = array<vec4<f32>, 4>();
  let flat = lid.y * 8u + lid.x;
  for (var k0 = 0u; k0 < p.K; k0 += 32u) {
    stageTiles(p, at0.m0, at0.n0, k0, flat);
    workgroupBarrier();
    for (var kq = 0u; kq < 8u; kq++) {
      let b0 = tileB[(kq * 4u) * 8u + lid.x];
      let b1 = tileB[(kq * 4u + 1u) * 8u + lid.x];
      let b2 = tileB[(kq * 4u + 2u) * 8u + lid.x];
      let b3 = tileB[(kq * 4u + 3u) * 8u + lid.x];
      for (var r = 0u; r < 4u; r++) {
        let a = tileA[(lid.y * 4u + r) * 8u + kq];
        acc[r] += vec4<f32>(a.x * b0 + a.y * b1 + a.z * b2 + a.w * b3);
      }
    }
    workgroupBarrier();
  }
  return acc;
}

fn store(p: Gemm, at0: Place, lid: vec3<u32>, acc: array<vec4<f32>, 4>) {
  for (var r = 0u; r < 4u; r++) {
    let m = at0.m0 + lid.y * 4u + r;
    for (var c = 0u; c < 4u; c++) {
      let n = at0.n0 + lid.x * 4u + c;
      if (!CHECKED || (m < p.M && n < p.N)) { dst[at(p.c, m, n)] = acc[r][c]; }
    }
  }
}

// y[b, g*O + o] = act(bias[g*O + o] + Σ_i x[b, g*I + i] · W[g, o, i]): A = x_g, B = W_gᵀ.
@compute @workgroup_size(8, 8)
fn blockLinear(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let s = shape;
  let at0 = place(wid, nwg, s.B, s.O);
  if (at0.g >= s.G) { return; }
  let g = at0.g;
  let p = Gemm(s.B, s.O, s.I, Operand(g * s.I, s.G * s.I, 1u), Operand(g * s.O * s.I, 1u, s.I), Operand(g * s.O, s.G * s.O, 1u));
  var acc = gemm(p, at0, lid);
  if (HAS_BIAS) {
    var bv = vec4<f32>();
    for (var c = 0u; c < 4u; c++) {
      let n = at0.n0 + lid.x * 4u + c;
      if (!CHECKED || n < p.N) { bv[c] = bias[g * s.O + n]; }
    }
    for (var r = 0u; r < 4u; r++) { acc[r] += bv; }
  }
  if (RELU) {
    for (var r = 0u; r < 4u; r++) { acc[r] = select(vec4<f32>(), acc[r], (acc[r] > vec4<f32>()) | isNan4(acc[r])); }
  }
  if (STORE_PRE) {
    for (var r = 0u; r < 4u; r++) {
      let m = at0.m0 + lid.y * 4u + r;
      for (var c = 0u; c < 4u; c++) {
        let n = at0.n0 + lid.x * 4u + c;
        if (!CHECKED || (m < p.M && n < p.N)) { pre[at(p.c, m, n)] = acc[r][c]; }
      }
    }
  }
  if (GELU) {
    for (var r = 0u; r < 4u; r++) { acc[r] = gelu4(acc[r]); }
  }
  if (GELU_TANH) {
    for (var r = 0u; r < 4u; r++) { acc[r] = geluTanh4(acc[r]); }
  }
  store(p, at0, lid, acc);
}

// nn.GELU(): 0.5·z·(1 + erf(z/√2)), on the one WGSL erf (shaders/common.wgsl).
fn gelu4(z: vec4<f32>) -> vec4<f32> {
  return 0.5 * z * (1.0 + erf4(z * 0.70710678));
}

// 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))); tanh's argument clamped because some drivers compute it
// through exp and overflow to NaN (tanh(±10) is ±1 in f32).
fn geluTanh4(z: vec4<f32>) -> vec4<f32> {
  let u = 0.7978845608 * (z + 0.044715 * z * z * z);
  return 0.5 * z * (1.0 + tanh(clamp(u, vec4<f32>(-10.0), vec4<f32>(10.0))));
}

// dx[b, g*I + i] = Σ_o dy[b, g*O + o] · W[g, o, i]: A = dy_g, B = W_g.
@compute @workgroup_size(8, 8)
fn blockLinearInputGrad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let s = shape;
  let at0 = place(wid, nwg, s.B, s.I);
  if (at0.g >= s.G) { return; }
  let g = at0.g;
  let p = Gemm(s.B, s.I, s.O, Operand(g * s.O, s.G * s.O, 1u), Operand(g * s.O * s.I, s.I, 1u), Operand(g * s.I, s.G * s.I, 1u));
  store(p, at0, lid, gemm(p, at0, lid));
}

// dW[g, o, i] = Σ_b dy[b, g*O + o] · x[b, g*I + i]: A = dy_gᵀ, B = x_g; the batch is the K loop,
// so each output is owned by one invocation and needs no atomics.
@compute @workgroup_size(8, 8)
fn blockLinearWeightGrad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let s = shape;
  let at0 = place(wid, nwg, s.O, s.I);
  if (at0.g >= s.G) { return; }
  let g = at0.g;
  let p = Gemm(s.O, s.I, s.B, Operand(g * s.O, 1u, s.G * s.O), Operand(g * s.I, s.G * s.I, 1u), Operand(g * s.O * s.I, s.I, 1u));
  store(p, at0, lid, gemm(p, at0, lid));
}
