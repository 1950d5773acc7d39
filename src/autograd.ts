// Reverse-mode autodiff: a reverse topological walk over the graph nodes, accumulating into leaves' .grad.
// Each node's backward closure runs inside a tidy, so gradients are written with the public ops and free
// nothing by hand. Installs itself as the engine's backward hook when loaded (ARCHITECTURE.md, section 6).
import { engine } from './engine.ts';
import type { Tensor } from './tensor.ts';
import { formatShape } from './shapes.ts';
import { onesLike } from './ops/create.ts';
import { add } from './ops/elementwise.ts';

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, k] = top;
    const inputs = t.node?.inputs ?? [];
    if (k < inputs.length) {
      top[1]++;
      const next = inputs[k];
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order; // inputs before the tensors made from them
}

export function backwardFrom(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error(`backward: tensor ${formatShape(root.shape)} does not require grad (no parameter reaches it, or it was made under noGrad)`);
  }
  if (root.node && !root.node.backward) {
    throw new Error('backward: the graph of this tensor was already freed by an earlier backward(); run the forward pass again');
  }
  if (!seed && root.size !== 1) {
    throw new Error(`backward: tensor ${formatShape(root.shape)} is not a scalar; pass a seed gradient of the same shape`);
  }
  if (seed && seed.shape.join() !== root.shape.join()) {
    throw new Error(`backward: seed ${formatShape(seed.shape)} does not match tensor ${formatShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  engine.inBackward = true;
  try {
    engine.noGrad(() => runBackward(root, seed, order));
  } finally {
    engine.inBackward = false;
  }
  for (const t of order) t.freeNode();
}

function runBackward(root: Tensor, seed: Tensor | undefined, order: Tensor[]): void {
  const grads = new Map<Tensor, Tensor>();
  grads.set(root, seed ? seed.view(seed.shape) : onesLike(root)); // a view: the walk disposes what it holds, never the caller's seed
  try {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const dy = grads.get(t);
      if (!dy) continue;
      grads.delete(t);
      if (!t.node) {
        accumulateLeafGrad(t, dy);
        continue;
      }
      if (!t.node.backward) throw new Error(`backward: the graph through '${t.node.op}' was already freed`);
      const backward = t.node.backward;
      const inputGrads = engine.tidy(() => backward(dy)); // keeps what it returns, frees its intermediates
      dy.dispose();
      t.node.inputs.forEach((input, i) => {
        const g = inputGrads[i];
        if (!g) return;
        if (!input.requiresGrad) return g.dispose();
        const prev = grads.get(input);
        grads.set(input, prev ? accumulate(prev, g) : g);
      });
    }
  } finally {
    for (const g of grads.values()) g.dispose(); // only left over when a closure threw
  }
}

function accumulate(a: Tensor, b: Tensor): Tensor {
  const sum = add(a, b);
  a.dispose();
  b.dispose();
  return sum;
}

function accumulateLeafGrad(leaf: Tensor, dy: Tensor): void {
  const g = leaf.grad ? accumulate(leaf.grad, dy) : dy;
  leaf.grad = g.keep();
}

engine.backwardHook = backwardFrom;
