// Where one training step of the digits-sized Packed-Ensembles MLP (the training benchmark's model, Adam,
// batch 128, as `npm start` trains) spends its time on the wasm backend: each phase (forward with graph
// recording, backward, optimizer update, gradient clearing, loss read-back), split into kernel time (the
// backend's kernel calls, each including its hand-off to the worker threads) and JS time (everything
// else: shape checks, tensor and graph bookkeeping, allocation), with every kernel's calls per step, the
// block GEMMs' time and GFLOP/s per layer and pass, and the storages allocated per step.
// Used by bench/profile-step.ts (the command) and `npm run bench` (the profile section of BENCHMARKS.md).
import * as bg from '../../src/index.ts';
import type { Backend, BlockShape } from '../../src/backend/backend.ts';
import type { Table } from './table.ts';
import { median } from './timing.ts';
import { engineMLP } from './training-engine.ts';
import { LEARNING_RATE, trainingBatch, trainingModels } from './training-model.ts';

const STEPS = 400;
const ROUNDS = 5;
const phases = ['forward', 'backward', 'optimizer', 'zeroGrad', 'read-back'] as const;
type Phase = (typeof phases)[number];

/** Wall time of a call: ms counted per kernel and per phase, and the calls per kernel. */
export class Ledger {
  phase: Phase = 'forward';
  kernelMs = new Map<string, number>();
  calls = new Map<string, number>();
  phaseMs = new Map<Phase, number>();
  phaseKernelMs = new Map<Phase, number>();
  /** Time and flops of the block GEMMs per layer and pass (gemmCall's key), in the order the step first runs them. */
  gemmMs = new Map<string, number>();
  gemmFlops = new Map<string, number>();
  allocs = 0;
  allocBytes = 0;
  /** Backend methods the step called that are not in backendCalls (so not timed): a kernel to add to the list. */
  unlisted = new Set<string>();
  add<K>(map: Map<K, number>, key: K, v: number): void {
    map.set(key, (map.get(key) ?? 0) + v);
  }
}

/** The Backend interface's calls a training step makes (kernels, allocation, transfers); the ledger names any other. */
const backendCalls: readonly (keyof Backend)[] = [
  'alloc', 'free', 'upload', 'download', 'fill', 'unary', 'scalar', 'binary', 'reduce', 'copyStrided', 'softmax', 'oneHot', 'crossEntropyGrad',
  'blockLinear', 'blockLinearInputGrad', 'blockLinearWeightGrad', 'blockLinearGrads', 'sgdStep', 'adamStep',
];

/** A block-GEMM call's label (its GEMMs and layer) and flops, or null for any other call. */
function gemmCall(name: string, args: unknown[]): { key: string; flops: number } | null {
  if (name !== 'blockLinear' && name !== 'blockLinearGrads') return null;
  const s = args[name === 'blockLinear' ? 4 : 5] as BlockShape;
  const layer = `G ${s.G}, ${s.I} → ${s.O}`, perGemm = 2 * s.B * s.G * s.I * s.O;
  if (name === 'blockLinear') return { key: `forward | ${layer}`, flops: perGemm };
  const dx = args[3] !== null, dw = args[4] !== null;
  return { key: `${dx && dw ? 'dx and dW' : dx ? 'dx' : 'dW'} | ${layer}`, flops: perGemm * (Number(dx) + Number(dw)) };
}

/**
 * Wraps the backend's calls of the backend instance so the ledger counts its calls and time; a call made by
 * another (blockLinearGrads running blockLinearWeightGrad) counts as part of it, not again.
 */
function instrument(backend: Backend, ledger: Ledger): () => void {
  const target = backend as unknown as Record<string, unknown>;
  let depth = 0;
  // every other method of the backend, to name any the step calls from outside (a helper a kernel calls is inside)
  const proto = Object.getPrototypeOf(backend) as object, listed: readonly string[] = backendCalls;
  const others = Object.getOwnPropertyNames(proto).filter(
    (n) => n !== 'constructor' && !listed.includes(n) && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function',
  );
  for (const name of others) {
    const original = target[name] as (...args: unknown[]) => unknown;
    target[name] = (...args: unknown[]): unknown => {
      if (depth === 0) ledger.unlisted.add(name);
      return original.apply(backend, args);
    };
  }
  for (const name of backendCalls.filter((n) => typeof target[n] === 'function')) {
    const original = target[name] as (...args: unknown[]) => unknown;
    target[name] = (...args: unknown[]): unknown => {
      if (depth > 0) return original.apply(backend, args);
      if (name === 'alloc') {
        ledger.allocs++;
        ledger.allocBytes += (args[0] as number) * 4;
      }
      const t0 = performance.now();
      depth++;
      let out: unknown;
      try {
        out = original.apply(backend, args);
      } finally {
        depth--;
      }
      const ms = performance.now() - t0;
      const key = name === 'unary' || name === 'scalar' || name === 'binary' || name === 'reduce' ? `${name} ${args[0] as string}` : name;
      ledger.add(ledger.kernelMs, key, ms);
      ledger.add(ledger.calls, key, 1);
      ledger.add(ledger.phaseKernelMs, ledger.phase, ms);
      const gemm = gemmCall(name, args);
      if (gemm) {
        ledger.add(ledger.gemmMs, gemm.key, ms);
        ledger.add(ledger.gemmFlops, gemm.key, gemm.flops);
      }
      return out;
    };
  }
  return () => {
    for (const name of [...backendCalls, ...others]) delete target[name];
  };
}

export interface Profile {
  threads: number;
  rounds: number;
  ledger: Ledger;
  steps: number;
  plainMs: number;
  profiledMs: number;
}

/** Profiles the digits training step on the wasm backend at `threads` kernel threads. */
export async function profileStep(threads: number, { steps = STEPS, rounds = ROUNDS } = {}): Promise<Profile> {
  await bg.init({ backend: 'wasm', threads });
  const m = trainingModels.digits;
  const model = engineMLP(m);
  const optimizer = new bg.optim.Adam(model.parameters(), { lr: LEARNING_RATE });
  const batch = trainingBatch(m);
  const x = bg.tensor(batch.x, [m.batch, m.inFeatures]);
  const labels = bg.tidy(() => bg.repeat(bg.tensor(batch.labels, [m.batch], { dtype: 'i32' }), m.numEstimators));
  let ledger = new Ledger();
  const timed = async <T>(phase: Phase, fn: () => T | Promise<T>): Promise<T> => {
    ledger.phase = phase;
    const t0 = performance.now();
    const out = await fn();
    ledger.add(ledger.phaseMs, phase, performance.now() - t0);
    return out;
  };
  const step = async (): Promise<void> => {
    const loss = await timed('forward', () => bg.tidy(() => bg.crossEntropy(model.estimatorLogits(x), labels)));
    await timed('backward', () => loss.backward());
    await timed('optimizer', () => optimizer.step());
    await timed('zeroGrad', () => optimizer.zeroGrad());
    await timed('read-back', async () => {
      await loss.item();
      loss.dispose();
    });
  };
  const many = async (n: number): Promise<number> => {
    const t0 = performance.now();
    for (let k = 0; k < n; k++) await step();
    return (performance.now() - t0) / n;
  };
  await many(Math.min(50, steps)); // warm-up: JIT, the allocator's free list, the optimizer's moments
  // Interleaved rounds: the step untouched (plain), then instrumented; medians of each.
  const plain: number[] = [], profiled: number[] = [];
  const backend = await bg.getBackend('wasm', { threads });
  for (let r = 0; r < rounds; r++) {
    plain.push(await many(steps));
    const undo = instrument(backend, (ledger = new Ledger()));
    profiled.push(await many(steps));
    undo();
  }
  optimizer.dispose();
  for (const t of [...model.parameters(), x, labels]) t.dispose();
  return { threads, rounds, ledger, steps, plainMs: median(plain), profiledMs: median(profiled) };
}

const us = (ms: number, steps: number): string => ((1000 * ms) / steps).toFixed(1);

export function phaseTable(results: Profile[]): Table {
  return {
    title: 'µs per step: whole step, then each phase split into kernel and JS time (last instrumented round)',
    labels: 1,
    headers: ['what', ...results.flatMap((r) => [`${r.threads}T total`, `${r.threads}T kernels`, `${r.threads}T JS`])],
    rows: [
      ['whole step, not instrumented (median of rounds)', ...results.flatMap((r) => [(1000 * r.plainMs).toFixed(1), '', ''])],
      ['whole step, instrumented (median of rounds)', ...results.flatMap((r) => [(1000 * r.profiledMs).toFixed(1), '', ''])],
      ...phases.map((p) => [p, ...results.flatMap((r) => {
        const total = r.ledger.phaseMs.get(p) ?? 0, kernel = r.ledger.phaseKernelMs.get(p) ?? 0;
        return [us(total, r.steps), us(kernel, r.steps), us(total - kernel, r.steps)];
      })]),
    ],
  };
}

export function callsTable(results: Profile[]): Table {
  const first = results[0].ledger;
  const keys = [...new Set(results.flatMap((r) => [...r.ledger.kernelMs.keys()]))].sort((a, b) => (first.kernelMs.get(b) ?? 0) - (first.kernelMs.get(a) ?? 0));
  return {
    title: 'Backend calls per step (kernels, each with its hand-off to the worker threads; allocation): calls and µs per step',
    labels: 1,
    headers: ['call', 'calls/step', ...results.map((r) => `${r.threads}T µs`)],
    rows: keys.map((k) => [k, ((first.calls.get(k) ?? 0) / results[0].steps).toFixed(1), ...results.map((r) => us(r.ledger.kernelMs.get(k) ?? 0, r.steps))]),
  };
}

/** The block GEMMs per layer and pass: µs per step and GFLOP/s (their flops over their calls' wall time, hand-offs included). */
export function gemmTable(results: Profile[]): Table {
  const keys = [...results[0].ledger.gemmMs.keys()];
  return {
    title: 'The block GEMMs per layer (G blocks, I → O features each, batch 128): µs per step and GFLOP/s, hand-offs to the worker threads included',
    labels: 2,
    headers: ['GEMMs', 'layer', ...results.flatMap((r) => [`${r.threads}T µs`, `${r.threads}T GFLOP/s`])],
    rows: keys.map((k) => [...k.split(' | '), ...results.flatMap((r) => {
      const ms = r.ledger.gemmMs.get(k) ?? 0;
      return [us(ms, r.steps), ms > 0 ? ((r.ledger.gemmFlops.get(k) ?? 0) / ms / 1e6).toFixed(1) : '—'];
    })]),
  };
}

/** The model, the protocol and the storages allocated per step, in words. */
export function profileSummary(results: Profile[]): string {
  const m = trainingModels.digits, r = results[0];
  return `Digits-sized Packed-Ensembles MLP (in ${m.inFeatures}, hidden [${m.hidden.join(', ')}], M ${m.numEstimators}, alpha ${m.alpha}, C ${m.classes}, batch ${m.batch}), Adam, wasm backend, ` +
    `as the training section's step. ${r.steps} steps per round, ${r.rounds} rounds, each an untouched run then an instrumented one (every backend call wrapped by a timer, ` +
    `about 1 µs each). JS time = a phase's wall time minus its backend calls' (shape checks, tensor and tape bookkeeping, tidy). ` +
    `Storages allocated per step: ${(r.ledger.allocs / r.steps).toFixed(1)} (${(r.ledger.allocBytes / r.steps / 1024).toFixed(1)} KiB), served from the blocks the previous step freed.`;
}
