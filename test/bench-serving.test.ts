// The serving benchmark's quick run, programmatically: both runners answer at every batch size and the
// tables are well-formed (never timed).
import { describe, expect, it } from 'vitest';
import { latencyTable, servingTable } from '../bench/serving.ts';
import { enableRelaxedSimd } from '../bench/lib/relaxed-simd.ts';
import { BATCHES, ECHO, runners, runServingBenchmark } from '../bench/lib/serving-benchmark.ts';
import { renderMarkdown } from '../bench/lib/table.ts';

describe('serving benchmark (quick)', () => {
  it('measures createInferenceWorker and onnxruntime-web in a worker at every batch size, and one-row latency', async () => {
    enableRelaxedSimd();
    const r = await runServingBenchmark({ quick: true, threads: [1] });
    expect(r.absent).toEqual([]);
    expect(r.ortVersion).toMatch(/^\d+\.\d+/);
    for (const runner of runners) {
      for (const batch of BATCHES) {
        const row = r.throughput.find((x) => x.runner === runner && x.batch === batch && x.threads === 1);
        expect(row && Number.isFinite(row.rowsPerSecond) && row.rowsPerSecond > 0, `${runner} batch ${batch}`).toBe(true);
        expect(row?.perRound, `${runner} batch ${batch}: one rate per round`).toHaveLength(r.rounds);
      }
      const l = r.latency.find((x) => x.runner === runner);
      expect(l && l.p50Ms > 0 && l.p99Ms >= l.p50Ms, runner).toBe(true);
    }
    const echo = r.latency.find((x) => x.runner === ECHO);
    expect(echo && echo.p50Ms > 0 && echo.p99Ms >= echo.p50Ms, ECHO).toBe(true);
    for (const table of [servingTable(r), latencyTable(r)]) {
      for (const row of table.rows) expect(row.length).toBe(table.headers.length);
      expect(renderMarkdown(table)).toContain(`| ${table.headers.join(' | ')} |`);
    }
  }, 120_000);
});
