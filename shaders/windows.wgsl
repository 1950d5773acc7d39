// Window kernels over NCHW, one invocation per output item: patch extraction (im2col) and its adjoint,
// max and average pooling and their adjoints. The adjoints gather, so no two invocations write one element.
// The same walks as assembly/windows.ts and the reference in src/backend/js/windows.ts; the walk's fields are
// the op table's WindowWalk (src/backend/op-table.ts).

@group(0) @binding(0) var<uniform> params: WindowParams; // n = items of this dispatch, then the walk
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
// maxPool2d writes the argmax beside its output; maxPool2dGrad reads it.
@group(0) @binding(3) var<storage, read_write> argmaxOut: array<i32>;
@group(0) @binding(2) var<storage, read> argmaxIn: array<i32>;
@group(0) @binding(3) var<storage, read_write> dxOut: array<f32>;

// First position of window o along an axis (adaptive: ⌊o·size/out⌋) and its tap count (adaptive: up to ⌈(o+1)·size/out⌉).
fn spanStart(o: i32, size: i32, outSize: i32, stride: i32, pad: i32) -> i32 {
  return select(o * stride - pad, (o * size) / outSize, params.adaptive != 0);
}
fn spanCount(o: i32, size: i32, outSize: i32, k: i32) -> i32 {
  return select(k, ((o + 1) * size + outSize - 1) / outSize - (o * size) / outSize, params.adaptive != 0);
}

// Output index t of the patch walk's window (for ky or kx) that reads input position y, or -1.
fn windowOf(y: i32, tap: i32, pad: i32, dilation: i32, stride: i32, outSize: i32) -> i32 {
  let t = y + pad - tap * dilation;
  if (t < 0 || t % stride != 0 || t / stride >= outSize) { return -1; }
  return t / stride;
}

// In-plane index oh·OW + ow of the window whose tap (ky, kx) reads input (y, x), or -1: what the adjoints gather.
fn windowAt(y: i32, x: i32, ky: i32, kx: i32) -> i32 {
  let oh = windowOf(y, ky, params.padH, params.dilationH, params.strideH, params.OH);
  let ow = windowOf(x, kx, params.padW, params.dilationW, params.strideW, params.OW);
  if (oh < 0 || ow < 0) { return -1; }
  return oh * params.OW + ow;
}

// Input element i of the adjoints: its plane n·C + c and its position (y, x) in it.
struct InputPosition { plane: i32, y: i32, x: i32 }
fn inputPosition(i: u32) -> InputPosition {
  let planeSize = params.H * params.W;
  return InputPosition(i32(i) / planeSize, (i32(i) / params.W) % params.H, i32(i) % params.W);
}

// Output item i of the pools: the offset of its input plane, its window (oh, ow), first input position and tap counts.
struct PoolWindow { plane: i32, oh: i32, ow: i32, h0: i32, w0: i32, nh: i32, nw: i32 }
fn poolWindow(i: u32) -> PoolWindow {
  let ow = i32(i) % params.OW;
  let oh = (i32(i) / params.OW) % params.OH;
  return PoolWindow((i32(i) / (params.OW * params.OH)) * params.H * params.W, oh, ow,
    spanStart(oh, params.H, params.OH, params.strideH, params.padH), spanStart(ow, params.W, params.OW, params.strideW, params.padW),
    spanCount(oh, params.H, params.OH, params.KH), spanCount(ow, params.W, params.OW, params.KW));
}

@compute @workgroup_size(WG)
fn im2col(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= params.n) { return; }
  let taps = u32(params.KH * params.KW);
  let width = u32(params.C) * taps;
  let row = i32(i / width);
  let col = i % width;
  let c = i32(col / taps);
  let tap = i32(col % taps);
  let ow = row % params.OW;
  let oh = (row / params.OW) % params.OH;
  let n = row / (params.OW * params.OH);
  let ih = oh * params.strideH - params.padH + (tap / params.KW) * params.dilationH;
  let iw = ow * params.strideW - params.padW + (tap % params.KW) * params.dilationW;
  var v = 0.0;
  if (ih >= 0 && ih < params.H && iw >= 0 && iw < params.W) {
    v = src[((n * params.C + c) * params.H + ih) * params.W + iw];
  }
  dst[i] = v;
}

@compute @workgroup_size(WG)
fn col2im(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= params.n) { return; }
  let p = inputPosition(i);
  let c = p.plane % params.C;
  let n = p.plane / params.C;
  let width = params.C * params.KH * params.KW;
  var acc = 0.0;
  for (var ky = 0; ky < params.KH; ky++) {
    for (var kx = 0; kx < params.KW; kx++) {
      let o = windowAt(p.y, p.x, ky, kx);
      if (o < 0) { continue; }
      acc += src[(n * params.OH * params.OW + o) * width + (c * params.KH + ky) * params.KW + kx];
    }
  }
  dst[i] = acc;
}

@compute @workgroup_size(WG)
fn maxPool2d(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= params.n) { return; }
  let win = poolWindow(i);
  let stepH = select(params.dilationH, 1, params.adaptive != 0);
  let stepW = select(params.dilationW, 1, params.adaptive != 0);
  var best = fromBits(0xff800000u);
  var index = -1;
  var nan = false;
  for (var a = 0; a < win.nh && !nan; a++) {
    let ih = win.h0 + a * stepH;
    if (ih < 0 || ih >= params.H) { continue; }
    for (var b = 0; b < win.nw && !nan; b++) {
      let iw = win.w0 + b * stepW;
      if (iw < 0 || iw >= params.W) { continue; }
      let v = src[win.plane + ih * params.W + iw];
      nan = isNan(v);
      if (index < 0 || v > best || nan) {
        best = v;
        index = ih * params.W + iw;
      }
    }
  }
  dst[i] = best;
  argmaxOut[i] = index;
}

@compute @workgroup_size(WG)
fn maxPool2dGrad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= params.n) { return; }
  let p = inputPosition(i);
  let here = p.y * params.W + p.x;
  var acc = 0.0;
  for (var ky = 0; ky < params.KH; ky++) {
    for (var kx = 0; kx < params.KW; kx++) {
      let w = windowAt(p.y, p.x, ky, kx);
      if (w < 0) { continue; }
      let o = p.plane * params.OH * params.OW + w;
      if (argmaxIn[o] == here) { acc += src[o]; }
    }
  }
  dxOut[i] = acc;
}

// Divisor of window (oh, ow): its valid taps, or (countIncludePad) its extent clipped to the padded input.
fn divisor(oh: i32, ow: i32) -> f32 {
  let h0 = spanStart(oh, params.H, params.OH, params.strideH, params.padH);
  let w0 = spanStart(ow, params.W, params.OW, params.strideW, params.padW);
  let h1 = h0 + spanCount(oh, params.H, params.OH, params.KH);
  let w1 = w0 + spanCount(ow, params.W, params.OW, params.KW);
  if (params.countIncludePad != 0 && params.adaptive == 0) {
    return f32((min(h1, params.H + params.padH) - h0) * (min(w1, params.W + params.padW) - w0));
  }
  return f32((min(h1, params.H) - max(h0, 0)) * (min(w1, params.W) - max(w0, 0)));
}

@compute @workgroup_size(WG)
fn avgPool2d(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= params.n) { return; }
  let win = poolWindow(i);
  var acc = 0.0;
  for (var ih = max(win.h0, 0); ih < min(win.h0 + win.nh, params.H); ih++) {
    for (var iw = max(win.w0, 0); iw < min(win.w0 + win.nw, params.W); iw++) { acc += src[win.plane + ih * params.W + iw]; }
  }
  dst[i] = acc / divisor(win.oh, win.ow);
}

@compute @workgroup_size(WG)
fn avgPool2dGrad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= params.n) { return; }
  let p = inputPosition(i);
  let adaptive = params.adaptive != 0;
  // Windows holding row y: adaptive ones from ⌊y·OH/H⌋ while they start at or before y; others from the first with oh·s − pad + K > y.
  let oh0 = select(max(0, (p.y + params.padH - params.KH + params.strideH) / params.strideH), (p.y * params.OH) / params.H, adaptive);
  let ow0 = select(max(0, (p.x + params.padW - params.KW + params.strideW) / params.strideW), (p.x * params.OW) / params.W, adaptive);
  var acc = 0.0;
  for (var oh = oh0; oh < params.OH; oh++) {
    let h0 = spanStart(oh, params.H, params.OH, params.strideH, params.padH);
    if (h0 > p.y) { break; }
    if (p.y >= h0 + spanCount(oh, params.H, params.OH, params.KH)) { continue; }
    for (var ow = ow0; ow < params.OW; ow++) {
      let w0 = spanStart(ow, params.W, params.OW, params.strideW, params.padW);
      if (w0 > p.x) { break; }
      if (p.x >= w0 + spanCount(ow, params.W, params.OW, params.KW)) { continue; }
      acc += src[(p.plane * params.OH + oh) * params.OW + ow] / divisor(oh, ow);
    }
  }
  dst[i] = acc;
}
