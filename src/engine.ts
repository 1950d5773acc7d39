// Engine state: the current backend, tidy scopes, the grad switch and live-tensor accounting. It imports no
// op: backward runs through the hook autograd.ts installs when it loads (src/index.ts loads it).
import type { Backend } from './backend/backend.ts';
import { referenceBackend } from './backend/js/js-backend.ts';
import type { Tensor } from './tensor.ts';

type Scope = Set<Tensor>;

class Engine {
  backend: Backend = referenceBackend;
  gradEnabled = true;
  /** True while gradients are computed: closures may read tensors the user disposed but the graph kept. */
  inBackward = false;
  liveTensors = 0;
  /** Reverse-mode autodiff from a root tensor: installed by autograd.ts. */
  backwardHook: ((root: Tensor, seed?: Tensor) => void) | null = null;
  private scopes: Scope[] = [];

  track(t: Tensor): void {
    this.liveTensors++;
    this.scopes.at(-1)?.add(t);
  }
  untrack(t: Tensor): void {
    for (const s of this.scopes) s.delete(t);
  }
  keep(t: Tensor): void {
    this.untrack(t);
  }
  released(_t: Tensor): void {
    this.liveTensors--;
  }

  tidy<T>(fn: () => T): T {
    const scope: Scope = new Set();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      for (const t of scope) t.dispose(); // an error leaves nothing behind
      throw err;
    } finally {
      this.scopes.pop();
    }
    if (result instanceof Promise) throw new Error('tidy: fn must be synchronous (it returned a Promise)');
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    for (const t of scope) {
      if (kept.has(t)) this.scopes.at(-1)?.add(t); // returned tensors belong to the enclosing scope
      else t.dispose();
    }
    return result;
  }

  noGrad<T>(fn: () => T): T {
    const before = this.gradEnabled;
    this.gradEnabled = false;
    try {
      return fn();
    } finally {
      this.gradEnabled = before;
    }
  }

  backward(root: Tensor, seed?: Tensor): void {
    if (!this.backwardHook) throw new Error('backward: autograd is not loaded; import the library (src/index.ts), not one of its modules alone');
    this.backwardHook(root, seed);
  }
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value === null || typeof value !== 'object') return;
  if ('storageOf' in value && 'shape' in value) {
    into.add(value as Tensor);
    return;
  }
  const items = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of items) collectTensors(v, into);
}

export const engine = new Engine();
