// Optimizer updates on the work range [start, end) of the parameter.

/** SGD with momentum, dampening, Nesterov and L2 weight decay; `m` is 0 without a momentum buffer. */
export function sgdStep(p: usize, g: usize, m: usize, lr: f32, momentum: f32, dampening: f32, nesterov: bool,
  weightDecay: f32, firstStep: bool, start: i32, end: i32): void {
  for (let i = start; i < end; i++) {
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
  for (let i = start; i < end; i++) {
    const o = <usize>i << 2;
    let w = load<f32>(p + o), d = load<f32>(g + o);
    if (decoupled) w *= 1 - lr * weightDecay;
    else d += weightDecay * w;
    const mv = beta1 * load<f32>(m + o) + (1 - beta1) * d;
    const vv = beta2 * load<f32>(v + o) + (1 - beta2) * d * d;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, w - (lr * (mv / c1)) / (Mathf.sqrt(vv / c2) + eps));
  }
}
