// The block-diagonal layer written four ways with this engine, as a user would: the engine's blockLinear,
// and the ways a user without it would write (a masked dense weight, a loop of M dense linears, the block-diagonal matrix
// materialised from the packed weight each step). Each step runs inside tidy; forward under noGrad.
import * as bg from '../../src/index.ts';
import type { Precision } from '../../src/backend/backend.ts';
import type { Pass, Point } from './types.ts';

export const engineStrategies = ['blockLinear', 'mask', 'loop', 'blockDiag'] as const;
export type EngineStrategy = (typeof engineStrategies)[number];

export interface Workload {
  /** One step of the pass: forward, or forward then backward (gradients of x, the weights and the biases). */
  step(pass: Pass): void | Promise<void>;
  dispose(): void;
  /** Bytes the backend (or the peer's engine) holds at the fullest moment of a forward+backward step (parameters included). */
  peakBytes?(): number | Promise<number>;
}

/** The same layer as a forward function over its leaves (parameters that need gradients). */
interface Layer {
  leaves: bg.Tensor[];
  /** Constants the layer reads (the mask). */
  constants: bg.Tensor[];
  forward(x: bg.Tensor): bg.Tensor;
}

const param = (shape: number[], rng: bg.Rng): bg.Tensor => bg.randn(shape, { rng, requiresGrad: true });

function packedLayer(p: Point, rng: bg.Rng, precision: Precision): Layer {
  const w = param([p.M, p.F, p.F], rng), bias = param([p.M * p.F], rng);
  return { leaves: [w, bias], constants: [], forward: (x) => bg.blockLinear(x, w, bias, { precision }) };
}

function maskLayer(p: Point, rng: bg.Rng): Layer {
  const n = p.M * p.F;
  const dense = param([n, n], rng), bias = param([n], rng);
  const ones = new Float32Array(p.M * p.F * p.F).fill(1);
  const mask = bg.tensor(bg.layout.packedToDense(ones, p.M, p.F, p.F), [n, n]);
  return { leaves: [dense, bias], constants: [mask], forward: (x) => bg.linear(x, bg.mul(dense, mask), bias) };
}

function loopLayer(p: Point, rng: bg.Rng): Layer {
  const ws = Array.from({ length: p.M }, () => param([p.F, p.F], rng));
  const bs = Array.from({ length: p.M }, () => param([p.F], rng));
  return {
    leaves: [...ws, ...bs],
    constants: [],
    forward: (x) => bg.concat(ws.map((w, g) => bg.linear(bg.slice(x, 1, g * p.F, (g + 1) * p.F), w, bs[g])), 1),
  };
}

function blockDiagLayer(p: Point, rng: bg.Rng): Layer {
  const w = param([p.M, p.F, p.F], rng), bias = param([p.M * p.F], rng);
  const { M, F } = p;
  const materialise = (): bg.Tensor => {
    const rows = Array.from({ length: M }, (_, g) => {
      const block = bg.reshape(bg.slice(w, 0, g, g + 1), [F, F]);
      const parts = [g > 0 ? bg.zeros([F, g * F]) : null, block, g < M - 1 ? bg.zeros([F, (M - 1 - g) * F]) : null];
      return bg.concat(parts.filter((t): t is bg.Tensor => t !== null), 1);
    });
    return bg.concat(rows, 0);
  };
  return { leaves: [w, bias], constants: [], forward: (x) => bg.linear(x, materialise(), bias) };
}

/** The layers; only blockLinear has a precision (its GEMMs'), the others always compute in f32. */
const layers: Record<EngineStrategy, (p: Point, rng: bg.Rng, precision: Precision) => Layer> = {
  blockLinear: packedLayer,
  mask: maskLayer,
  loop: loopLayer,
  blockDiag: blockDiagLayer,
};

/** Tensors for one strategy at one grid point, on the current backend. */
export function engineWorkload(strategy: EngineStrategy, p: Point, precision: Precision = 'f32'): Workload {
  const rng = new bg.Rng(p.M * 10007 + p.F);
  const layer = layers[strategy](p, rng, precision);
  const x = bg.randn([p.B, p.M * p.F], { rng, requiresGrad: true });
  const dy = bg.randn([p.B, p.M * p.F], { rng });
  const leaves = [x, ...layer.leaves];
  const clearGrads = (): void => {
    for (const t of leaves) {
      t.grad?.dispose();
      t.grad = null;
    }
  };
  return {
    step(pass) {
      if (pass === 'forward') {
        bg.tidy(() => void bg.noGrad(() => layer.forward(x)));
        return;
      }
      bg.tidy(() => layer.forward(x).backward(dy));
      clearGrads();
    },
    peakBytes() {
      let peak = bg.memory().bytes;
      bg.tidy(() => {
        const y = layer.forward(x);
        peak = Math.max(peak, bg.memory().bytes); // the graph holds the activations here
        y.backward(dy);
        peak = Math.max(peak, bg.memory().bytes); // the gradients are live here
      });
      clearGrads();
      return peak;
    },
    dispose() {
      clearGrads();
      for (const t of [...leaves, ...layer.constants, dy]) t.dispose();
    },
  };
}
