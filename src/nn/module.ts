// Module: parameters found by walking fields, PyTorch-style dotted state-dict keys, moving between backends.
import { getBackend } from '../runtime.ts';
import type { BackendName } from '../backend/backend.ts';
import { stridesOf } from '../ops/core.ts';
import { type Tensor, Tensor as TensorClass } from '../tensor.ts';
import { formatShape } from '../shapes.ts';

/** A state-dict value: a tensor, or host values with their shape (e.g. read from a file). */
export type StateValue = Tensor | {
  /** Dimensions, outermost first; must be the parameter's shape. */
  shape: readonly number[];
  /** The values, row-major; as many as the shape holds. */
  data: Float32Array;
};

/** Options of `Module.loadStateDict` (and of the loaders built on it), as PyTorch's `load_state_dict` arguments. */
export interface LoadOptions {
  /** Require exactly the model's keys (default true). */
  strict?: boolean;
}

/** What a load skipped, as PyTorch's `Module.load_state_dict` returns it (both empty after a strict load). */
export interface LoadReport {
  /** The model's keys the state dict did not have (their parameters keep their values). */
  missingKeys: string[];
  /** The state dict's keys the model does not have (ignored). */
  unexpectedKeys: string[];
}

/**
 * The base of every layer and model, as PyTorch's `nn.Module` (1.13): parameters are found by walking the
 * fields (Tensor fields that require grad, child Module fields and arrays of them), and named by PyTorch's
 * dotted state-dict keys (`layers.0.weight`), so `stateDict`/`loadStateDict` and the safetensors and
 * TorchUncertainty loaders read and write PyTorch's checkpoints. Subclasses implement `forward`.
 */
export abstract class Module {
  /** Training mode (true, the default) or eval mode: dropout and batch norm behave as in PyTorch's. Set with `train()` / `eval()`. */
  training = true;

  /**
   * The module's output for input `x` (its shapes and dtypes are given by each layer), recording the autograd
   * graph when a parameter requires grad. As PyTorch's `forward` (there, `module(x)`).
   * @throws Error naming the layer and both shapes when x does not fit the layer, or when a tensor was disposed.
   */
  abstract forward(x: Tensor): Tensor;

  /** Named child modules; by default every Module-valued field (and arrays of them, indexed). */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) value.forEach((m, i) => m instanceof Module && out.push([`${key}.${i}`, m]));
    }
    return out;
  }

  /** This module's own parameters: Tensor-valued fields that require grad. */
  ownParameters(): [string, Tensor][] {
    return Object.entries(this).filter((e): e is [string, Tensor] => e[1] instanceof TensorClass && e[1].requiresGrad);
  }

  /**
   * Every parameter of this module and its children with its dotted key (`prefix` + `layers.0.weight`), in
   * PyTorch's `named_parameters()` order: own parameters first, then each child's.
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out = this.ownParameters().map(([k, t]): [string, Tensor] => [prefix + k, t]);
    for (const [name, child] of this.children()) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /**
   * This module's own buffers: state saved with the parameters but not trained (BatchNorm's running
   * statistics), under PyTorch's names. None by default.
   */
  ownBuffers(): [string, Tensor][] {
    return [];
  }

  /** Every buffer (BatchNorm2d's `running_mean`…) of this module and its children with its dotted key, as PyTorch's `named_buffers()`. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out = this.ownBuffers().map(([k, t]): [string, Tensor] => [prefix + k, t]);
    for (const [name, child] of this.children()) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /** Parameters and buffers by dotted key, in PyTorch's state_dict order, with the module holding each and whether it is a buffer. */
  private stateEntries(prefix = ''): [string, Tensor, Module, string, boolean][] {
    const entry = (buffer: boolean) => ([k, t]: [string, Tensor]): [string, Tensor, Module, string, boolean] => [prefix + k, t, this, k, buffer];
    const out = [...this.ownParameters().map(entry(false)), ...this.ownBuffers().map(entry(true))];
    for (const [name, child] of this.children()) out.push(...child.stateEntries(`${prefix}${name}.`));
    return out;
  }

  /** Called after loadStateDict wrote one of this module's own buffers (name as in ownBuffers) from host values. */
  protected bufferLoaded(_name: string, _values: Float32Array | Int32Array): void {}

  /** Every parameter tensor (f32, requiresGrad), in `namedParameters` order: what an optimizer is given. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /**
   * String entries `io.saveSafetensors` writes into the file's `__metadata__` so that the file describes
   * the model (a PackedMLP: its architecture). None by default.
   */
  fileMetadata(): Record<string, string> {
    return {};
  }

  /** Parameters and buffers by dotted key (the tensors themselves, as PyTorch returns references). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.stateEntries().map(([k, t]) => [k, t]));
  }

  /**
   * Copies values into the parameters, as PyTorch's `Module.load_state_dict`: checks keys (when strict),
   * shapes and sizes first, and throws naming every difference before anything is copied. A shape
   * mismatch throws even when not strict (as in PyTorch). Returns the keys it skipped.
   * @throws Error naming every problem, before anything is copied: missing or unexpected keys (when strict),
   *   a shape or size that differs, or a WebGPU tensor that cannot be read synchronously for this model.
   */
  loadStateDict(state: Record<string, StateValue>, options: LoadOptions = {}): LoadReport {
    const strict = options.strict ?? true;
    const entries = this.stateEntries();
    const own = new Map(entries.map(([k, t]) => [k, t]));
    const problems: string[] = [];
    const missing = [...own.keys()].filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !own.has(k));
    if (strict && missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    for (const [key, param] of own) {
      const value = state[key];
      if (value && value.shape.join() !== param.shape.join()) {
        problems.push(`${key}: checkpoint ${formatShape(value.shape)} vs model ${formatShape(param.shape)}`);
      } else if (value && !(value instanceof TensorClass) && value.data.length !== param.size) {
        problems.push(`${key} has ${value.data.length} values for ${param.size} elements`);
      } else if (value instanceof TensorClass && !value.backend.downloadSync && (value.backend !== param.backend || param.dtype === 'i32')) {
        problems.push(`${key} lives on ${value.backend.name}, which cannot be read synchronously, for the model's ${param.dtype} tensor on ${param.backend.name}: pass host values or move one of them first`);
      }
    }
    if (problems.length) throw new Error(`loadStateDict: ${problems.join('; ')}`);
    for (const [key, param, owner, name, buffer] of entries) {
      const value = state[key];
      if (!value) continue;
      const target = param.storageOf('loadStateDict');
      if (value instanceof TensorClass && value.backend === param.backend && value.dtype === 'f32' && param.dtype === 'f32') {
        const strides = stridesOf([value.size]);
        param.backend.copyStrided(value.storageOf('loadStateDict'), target, [value.size], strides, 0, strides, 0); // on the device
        continue;
      }
      const host = value instanceof TensorClass ? value.dataSync() : value.data;
      const values = param.dtype === 'i32' && !(host instanceof Int32Array) ? Int32Array.from(host, Math.trunc) : host;
      param.backend.upload(target, values);
      if (buffer) owner.bufferLoaded(name, values);
    }
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /**
   * Moves every parameter and buffer (and each gradient) to a backend by a plain copy of the packed bytes;
   * resolves to this module. An optimizer's state moves with `optimizer.to()`.
   * @throws Error (as a rejection) when the backend cannot start here, or a tensor was disposed.
   */
  async to(backend: BackendName): Promise<this> {
    const target = await getBackend(backend);
    for (const [, p] of this.stateEntries()) {
      await p.moveTo(target);
      await p.grad?.moveTo(target);
    }
    return this;
  }

  /**
   * Sets training mode (`on`, default true) on this module and every child, as PyTorch's `train(mode)`;
   * returns this module.
   */
  train(on = true): this {
    this.training = on;
    for (const [, c] of this.children()) c.train(on);
    return this;
  }
  /** Sets eval mode on this module and every child (dropout off, batch norm on running statistics), as PyTorch's `eval()`; returns it. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Frees every parameter, its gradient and every buffer of this module and its children: the backend's
   * memory goes back to what it was before the model was made (tensors the user made from them, and a graph
   * still awaiting backward, keep their own storage until they are freed). Calling it again does nothing;
   * a forward pass afterwards throws the disposed-tensor error. An optimizer's state is its own: see
   * Optimizer.dispose().
   */
  dispose(): void {
    for (const [, t] of this.stateEntries()) {
      t.grad?.dispose();
      t.grad = null;
      t.dispose();
    }
  }
}
