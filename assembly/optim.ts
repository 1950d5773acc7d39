// Optimizer updates on the work range [start, end) of the parameter: f32x4 over runs of 4 with the same
// operations in the same order as the scalar tail, so every element gets the same bits either way.

/** SGD with momentum, dampening, Nesterov and L2 weight decay; `m` is 0 without a momentum buffer. */
export function sgdStep(p: usize, g: usize, m: usize, lr: f32, momentum: f32, dampening: f32, nesterov: bool,
  weightDecay: f32, firstStep: bool, start: i32, end: i32): void {
  const vlr = f32x4.splat(lr), vmom = f32x4.splat(momentum), vdamp = f32x4.splat(1 - dampening), vwd = f32x4.splat(weightDecay);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    let d = f32x4.add(v128.load(g + o), f32x4.mul(vwd, w));
    if (m) {
      const mv = firstStep ? d : f32x4.add(f32x4.mul(vmom, v128.load(m + o)), f32x4.mul(vdamp, d));
      v128.store(m + o, mv);
      d = nesterov ? f32x4.add(d, f32x4.mul(vmom, mv)) : mv;
    }
    v128.store(p + o, f32x4.sub(w, f32x4.mul(vlr, d)));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o);
    let d = load<f32>(g + o) + weightDecay * w;
    if (m) {
      const mv = firstStep ? d : momentum * load<f32>(m + o) + (1 - dampening) * d;
      store<f32>(m + o, mv);
      d = nesterov ? d + momentum * mv : mv;
    }
    store<f32>(p + o, w - lr * d);
  }
}

/** Adam, or AdamW when `decoupled`; c1, c2 are the bias corrections 1 - beta^step. */
export function adamStep(p: usize, g: usize, m: usize, v: usize, lr: f32, beta1: f32, beta2: f32, eps: f32,
  weightDecay: f32, decoupled: bool, c1: f32, c2: f32, start: i32, end: i32): void {
  const decay: f32 = 1 - lr * weightDecay;
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(1 - beta1), vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(1 - beta2);
  const vlr = f32x4.splat(lr), veps = f32x4.splat(eps), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const vwd = f32x4.splat(weightDecay), vdecay = f32x4.splat(decay);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    let w = v128.load(p + o), d = v128.load(g + o);
    if (decoupled) w = f32x4.mul(w, vdecay);
    else d = f32x4.add(d, f32x4.mul(vwd, w));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, d));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vb2c, d), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const step = f32x4.div(f32x4.mul(vlr, f32x4.div(mv, vc1)), f32x4.add(f32x4.sqrt(f32x4.div(vv, vc2)), veps));
    v128.store(p + o, f32x4.sub(w, step));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    let w = load<f32>(p + o), d = load<f32>(g + o);
    if (decoupled) w *= decay;
    else d += weightDecay * w;
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * d;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * d * d;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, w - (lr * (mv / c1)) / (Mathf.sqrt(vv / c2) + eps));
  }
}
