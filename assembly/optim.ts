// Optimizer updates on the work range [start, end) of the parameter: f32x4 over runs of 4 with the same
// operations in the same order as the scalar tail, so every element gets the same bits either way.
// Every scalar (1 - beta, bias corrections, step size) comes from the host, computed there in f64
// (src/backend/optimizer-constants.ts): forming 1 - 0.999 in f32 here would be off by 1.3e-5.

/** SGD with momentum, dampening, Nesterov and L2 weight decay; `m` is 0 without a momentum buffer. */
export function sgdStep(p: usize, g: usize, m: usize, lr: f32, momentum: f32, oneMinusDampening: f32, nesterov: bool,
  weightDecay: f32, firstStep: bool, start: i32, end: i32): void {
  const vlr = f32x4.splat(lr), vmom = f32x4.splat(momentum), vdamp = f32x4.splat(oneMinusDampening), vwd = f32x4.splat(weightDecay);
  const decays = weightDecay != 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    let d = v128.load(g + o);
    if (decays) d = f32x4.add(d, f32x4.mul(vwd, w));
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
    let d = load<f32>(g + o);
    if (decays) d += weightDecay * w;
    if (m) {
      const mv = firstStep ? d : momentum * load<f32>(m + o) + oneMinusDampening * d;
      store<f32>(m + o, mv);
      d = nesterov ? d + momentum * mv : mv;
    }
    store<f32>(p + o, w - lr * d);
  }
}

/** Adam or AdamW, in PyTorch's order (see adamConstants in src/backend/optimizer-constants.ts). */
export function adamStep(p: usize, g: usize, m: usize, v: usize, beta1: f32, oneMinusBeta1: f32, beta2: f32,
  oneMinusBeta2: f32, eps: f32, l2: f32, decay: f32, stepSize: f32, biasCorrection2Sqrt: f32, start: i32, end: i32): void {
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(oneMinusBeta1), vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(oneMinusBeta2);
  const veps = f32x4.splat(eps), vl2 = f32x4.splat(l2), vdecay = f32x4.splat(decay);
  const vstep = f32x4.splat(stepSize), vc2 = f32x4.splat(biasCorrection2Sqrt);
  const hasL2 = l2 != 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const w = f32x4.mul(v128.load(p + o), vdecay);
    let d = v128.load(g + o);
    if (hasL2) d = f32x4.add(d, f32x4.mul(vl2, w));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, d));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vb2c, d), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vc2), veps);
    v128.store(p + o, f32x4.sub(w, f32x4.div(f32x4.mul(vstep, mv), denom)));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o) * decay;
    let d = load<f32>(g + o);
    if (hasL2) d += l2 * w;
    const mv = beta1 * load<f32>(m + o) + oneMinusBeta1 * d;
    const vv = beta2 * load<f32>(v + o) + oneMinusBeta2 * d * d;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, w - (stepSize * mv) / (Mathf.sqrt(vv) / biasCorrection2Sqrt + eps));
  }
}
