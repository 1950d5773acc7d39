// Sequential and the activation modules.
import { gelu, type GeluApproximate } from '../ops/activations.ts';
import { relu, sigmoid, tanh } from '../ops/elementwise.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

/** Runs modules in order; children are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  readonly modules: Module[];
  constructor(...modules: Module[]) {
    super();
    this.modules = modules;
  }
  override children(): [string, Module][] {
    return this.modules.map((m, i) => [String(i), m]);
  }
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
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Activation {
  constructor() {
    super(relu);
  }
}
/** PyTorch's `nn.GELU(approximate='none' | 'tanh')`: 'none' (default) the exact x·Φ(x), 'tanh' its tanh approximation. */
export class GELU extends Activation {
  constructor(readonly approximate: GeluApproximate = 'none') {
    super((x) => gelu(x, { approximate }));
  }
}
export class Tanh extends Activation {
  constructor() {
    super(tanh);
  }
}
export class Sigmoid extends Activation {
  constructor() {
    super(sigmoid);
  }
}
