// Bundled into the page of bench/webgpu-chromium.ts: blockLinear (f32 and f16) on the browser's WebGPU
// adapter at each grid point, forward and forward+backward, each timed call ending with the GPU done.
import * as bg from '../../src/index.ts';
import { engineWorkload } from '../lib/engine-strategies.ts';
import { gflops } from '../lib/grid.ts';
import { timeMs, type TimingOptions } from '../lib/timing.ts';
import type { Pass, Point } from '../lib/types.ts';

export interface BrowserGridRow extends Point {
  strategy: 'blockLinear' | 'blockLinear f16';
  pass: Pass;
  ms: number;
  gflops: number;
}

export interface BrowserGridRun {
  /** The adapter as the engine's backend reports it in this page. */
  adapter: Record<string, string | number | boolean>;
  userAgent: string;
  rows: BrowserGridRow[];
}

async function runGrid(points: Point[], timing: TimingOptions): Promise<BrowserGridRun> {
  await bg.init({ backend: 'webgpu' });
  const backend = await bg.getBackend('webgpu');
  const rows: BrowserGridRow[] = [];
  for (const p of points) {
    for (const strategy of ['blockLinear', 'blockLinear f16'] as const) {
      const w = engineWorkload('blockLinear', p, strategy === 'blockLinear' ? 'f32' : 'f16');
      try {
        for (const pass of ['forward', 'forward+backward'] as const) {
          const ms = await timeMs(async () => {
            w.step(pass);
            await backend.flush();
          }, timing);
          rows.push({ ...p, strategy, pass, ms, gflops: gflops(p, pass, ms) });
        }
      } finally {
        w.dispose();
      }
    }
  }
  return { adapter: backend.info().details, userAgent: navigator.userAgent, rows };
}

Object.assign(globalThis, { runGrid });
