// The long soak: `npm run soak -- --steps 2000 --backend wasm|webgpu|js [--warmup 20] [--threads N]`.
// Trains a PackedMLP and checks that live tensors, allocator bytes and the backend's pool (wasm memory
// size, WebGPU buffers) stay constant after warm-up; exits 1 when any drifts.
import { parseArgs } from 'node:util';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';
import { soak } from './helpers/soak.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '20' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
  },
});
const steps = Number(values.steps), warmup = Number(values.warmup);
if (!(Number.isInteger(steps) && Number.isInteger(warmup) && warmup >= 1 && steps > warmup)) {
  throw new Error(`soak: --steps (${values.steps}) must be an integer above --warmup (${values.warmup}) >= 1`);
}
const backend = await bg.init({ backend: values.backend as BackendName, threads: values.threads === undefined ? undefined : Number(values.threads) });
console.log(`soak: ${steps} steps on ${backend} (${JSON.stringify(bg.backendInfo().details)})`);

const started = performance.now();
const report = await soak(steps, warmup, (s) => {
  if (s.step % 100 === 0 || s.step === warmup) console.log(`step ${s.step}: ${s.tensors} tensors, ${s.bytes} bytes, pool ${s.pool}`);
});
const seconds = (performance.now() - started) / 1000;
console.log(`loss on the first batch: ${report.loss[0].toFixed(4)} -> ${report.loss[1].toFixed(4)}; ${(steps / seconds).toFixed(1)} steps/s`);
const steady = `${report.steady.tensors} tensors, ${report.steady.bytes} bytes, pool ${report.steady.pool}`;
if (report.drift.length) {
  console.error(`soak: FAILED: ${report.drift.length} steps drift from the steady state (${steady}); first: ${JSON.stringify(report.drift[0])}`);
} else {
  console.log(`soak: OK: constant after warm-up (${steady}) for ${steps - warmup} steps`);
}
(await bg.getBackend(backend)).dispose();
process.exit(report.drift.length ? 1 : 0);
