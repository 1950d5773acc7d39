// Faults on the wasm backend: kernel workers killed between the kernels of a step and dying mid-job
// holding a task; the pool restarts them, redoes the lost work, and the parameters come out exactly as
// an uninterrupted run's. Out of memory: a clear error, then the engine works on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as bg from '../src/index.ts';
import type { Backend } from '../src/backend/backend.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import type { Pool } from '../src/backend/wasm/pool.ts';
import { engine } from '../src/engine.ts';
import { disposeRun, maxRelativeDifference, threadedHidden, trainingRun } from './helpers/training-run.ts';

const threads = 3;
const steps = 12;
const created: Backend[] = [];
afterAll(async () => {
  await bg.init({ backend: 'js' });
  created.forEach((b) => b.dispose());
});

async function freshWasm(): Promise<{ backend: Backend; pool: Pool }> {
  const backend = await createWasmBackend({ threads });
  created.push(backend);
  engine.backend = backend;
  return { backend, pool: (backend as unknown as { pool: Pool }).pool };
}

/** Waits until the pool has seen `count` workers die (their exit events come through the event loop) and replaced them. */
async function restarted(pool: Pool, count: number): Promise<void> {
  await vi.waitFor(() => expect(pool.restarts).toBe(count), { timeout: 60_000 });
  await pool.settled();
}

/** Trains `steps` steps on a fresh wasm backend; `fault(i)` runs before step i. */
async function train(fault: (pool: Pool, i: number) => Promise<void> | void): Promise<{ params: Float32Array[]; pool: Pool }> {
  const { pool } = await freshWasm();
  const run = trainingRun(3, threadedHidden);
  for (let i = 0; i < steps; i++) {
    await fault(pool, i);
    run.step(i);
  }
  const params = await run.parameters();
  disposeRun(run);
  return { params, pool };
}

describe('wasm kernel workers that die mid-step', () => {
  let clean: Float32Array[];
  // The uninterrupted run every fault is compared with, made first so that a -t filter keeps it.
  beforeAll(async () => {
    ({ params: clean } = await train(() => {}));
  });
  it('an uninterrupted run (the baseline) matches the js reference', async () => {
    await bg.init({ backend: 'js' });
    const run = trainingRun(3, threadedHidden);
    for (let i = 0; i < steps; i++) run.step(i);
    expect(maxRelativeDifference(clean, await run.parameters())).toBeLessThan(5e-4); // f32 sums in another order
    disposeRun(run);
  });

  it('workers killed between kernels are restarted; the parameters are bitwise those of the clean run', async () => {
    const { params, pool } = await train(async (p, i) => {
      if (i === 2) await p.kill(1); // the step goes on while its replacement starts
      if (i === 5) await p.kill(2);
      if (i === 8) await p.settled().then(() => p.kill(1)); // the replacement dies too
    });
    await restarted(pool, 3);
    expect(pool.lastDeath).toMatch(/^kernel worker [12] exited with code \d+$/);
    expect(params).toEqual(clean);
  });

  it('a worker dying with a task in hand: the job is redone and nothing is lost', async () => {
    const { params, pool } = await train((p, i) => {
      if (i === 3 || i === 8) p.crashDuringNextJob(1 + (i % 2)); // it dies in the step's first GEMM split over the threads
    });
    expect(pool.lostTasks).toBe(2);
    await restarted(pool, 2);
    expect(pool.lastDeath).toMatch(/crash injected by a test/);
    expect(params).toEqual(clean);
  });

  it('a lost task of an in-place optimizer update is an error, not a silent double update; the engine works on', async () => {
    const { backend, pool } = await freshWasm();
    const n = 200_000; // large enough for the update to be split over the workers
    const [p, g, m, v] = [0.5, 0.1, 0, 0].map((value) => bg.full([n], value));
    const storages = [p, g, m, v].map((t) => t.storageOf('test'));
    pool.crashDuringNextJob(1);
    const attrs = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };
    expect(() => backend.adamStep(storages[0], storages[1], storages[2], storages[3], attrs)).toThrow(
      /a kernel worker died during an in-place optimizer update, which cannot be redone/,
    );
    await restarted(pool, 1);
    const y = bg.sum(bg.mul(g, 10)); // a job over every worker again
    expect(await y.item()).toBeCloseTo(n, 0);
    [p, g, m, v, y].forEach((t) => t.dispose());
  });
});

describe('wasm out of memory', () => {
  it('an allocation past 4 GiB fails before anything is computed; memory returns to its baseline', async () => {
    await freshWasm();
    const before = bg.memory();
    expect(() => bg.randn([1 << 16, 1 << 15])).toThrow(/wasm backend: allocating 8\.6 GB would exceed the 4 GiB WebAssembly memory limit/);
    expect(() => bg.tidy(() => bg.add(bg.ones([1 << 20]), bg.zeros([1 << 30, 2])))).toThrow(/4 GiB WebAssembly memory limit/);
    expect(bg.memory()).toEqual(before);
    const one = bg.ones([3]), t = bg.add(one, 1);
    expect([...t.dataSync()]).toEqual([2, 2, 2]);
    [one, t].forEach((x) => x.dispose());
    expect(bg.memory()).toEqual(before);
  });
});
