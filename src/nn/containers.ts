// Sequential and the activation modules.
import { gelu, type GeluApproximate } from '../ops/activations.ts';
import { relu, sigmoid, tanh } from '../ops/unary.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

/** Runs modules in order; children are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  /** The modules, in the order `forward` runs them (state-dict keys `0.…`, `1.…`). */
  readonly modules: Module[];
  constructor(...modules: Module[]) {
    super();
    this.modules = modules;
  }
  override children(): [string, Module][] {
    return this.modules.map((m, i) => [String(i), m]);
  }
  /**
   * Each module's forward on the previous one's output (x itself when there are none); the intermediates are
   * freed as it goes, the graph keeping what backward needs.
   * @throws whatever a module's forward throws (the shape or dtype error naming that layer).
   */
  forward(x: Tensor): Tensor {
    let h = x;
    for (const m of this.modules) {
      const next = m.forward(h);
      if (h !== x) h.dispose(); // the graph keeps what backward needs
      h = next;
    }
    return h;
  }
}

/** A module wrapping one parameter-free function. */
class Activation extends Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  /**
   * The activation of x elementwise: an f32 tensor of any shape in, one of the same shape out.
   * @throws Error when x is not f32 or was disposed.
   */
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

/** PyTorch's `nn.ReLU` (1.13): max(x, 0) elementwise, any shape. */
export class ReLU extends Activation {
  constructor() {
    super(relu);
  }
}
/** PyTorch's `nn.GELU(approximate='none' | 'tanh')`: 'none' (default) the exact x·Φ(x), 'tanh' its tanh approximation. */
export class GELU extends Activation {
  /** @param approximate 'none' (default): 0.5·x·(1 + erf(x/√2)); 'tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  constructor(readonly approximate: GeluApproximate = 'none') {
    super((x) => gelu(x, { approximate }));
  }
}
/** PyTorch's `nn.Tanh` (1.13): tanh x elementwise, any shape. */
export class Tanh extends Activation {
  constructor() {
    super(tanh);
  }
}
/** PyTorch's `nn.Sigmoid` (1.13): 1 / (1 + e⁻ˣ) elementwise, any shape. */
export class Sigmoid extends Activation {
  constructor() {
    super(sigmoid);
  }
}
