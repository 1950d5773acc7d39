// A short soak on every backend: 100 training steps with the live-tensor count, the allocator's bytes and
// the backend's pool (wasm memory size, WebGPU buffers) constant after warm-up. `npm run soak` runs long ones.
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';
import { soak } from './helpers/soak.ts';

const steps = 100;
const warmup = 10;
afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

describe.each<BackendName>(['js', 'wasm', 'webgpu'])('soak on %s', (name) => {
  it(`${steps} steps leave memory constant after ${warmup} steps of warm-up, and learn`, async () => {
    await bg.init({ backend: name });
    const start = bg.memory();
    const report = await soak(steps, warmup);
    expect(report.drift).toEqual([]);
    expect(report.steady.pool).toBeGreaterThanOrEqual(name === 'js' ? 0 : 1);
    expect(report.loss[1]).toBeLessThan(report.loss[0]);
    await bg.flush();
    expect(bg.memory()).toEqual(start); // and nothing is left once the run is disposed
  });
});
