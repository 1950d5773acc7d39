// The conv section of `npm run bench -- --quick`, run programmatically: every runner measured or absent with a
// reason, well-formed tables (never timed).
import { describe, expect, it } from 'vitest';
import { convGrid, runConvBenchmark } from '../bench/lib/conv-benchmark.ts';
import { convForwardTable, convGridTable, convSection, convTrainingTable } from '../bench/lib/conv-report.ts';
import { renderMarkdown, renderText, type Table } from '../bench/lib/table.ts';

const positive = (v: number): boolean => Number.isFinite(v) && v > 0;

function expectWellFormed(table: Table): void {
  for (const row of table.rows) expect(row.length).toBe(table.headers.length);
  expect(renderText(table)).toContain(table.headers[0]);
  expect(renderMarkdown(table)).toContain(`| ${table.headers.join(' | ')} |`);
}

describe('npm run bench -- --quick: conv section', () => {
  it('times the packed ResNet-18 forward and training step and the grouped-conv grid on every runner, or says why one is absent', async () => {
    const r = await runConvBenchmark({ quick: true, threads: [1] });
    expect(r.model.parameters).toBeGreaterThan(0);
    expect(r.forwardBatches).toEqual([r.model.batch]);
    const has = (rows: typeof r.forward, library: string) => rows.some((x) => x.library === library);
    const absent = (prefix: string) => r.absent.some((a) => a.runner.startsWith(prefix) && a.reason.length > 0);
    for (const library of ['blockgrad', 'onnxruntime-web', 'jax-js']) expect(has(r.forward, library) || absent(library), `forward ${library}`).toBe(true);
    for (const library of ['blockgrad', 'jax-js', 'tfjs']) expect(has(r.training, library) || absent(library), `training ${library}`).toBe(true);
    for (const x of [...r.forward, ...r.training]) expect([x.ms, x.bestMs, x.imagesPerSecond].every(positive), JSON.stringify(x)).toBe(true);
    for (const x of r.training.filter((t) => t.library === 'blockgrad')) expect(positive(x.peakBytes ?? 0)).toBe(true);
    for (const p of convGrid(true)) {
      const rows = r.grid.filter((x) => x.channels === p.channels && x.groups === p.groups);
      if (!rows.length) expect(absent('blockgrad conv2d'), `grid ${p.channels} g${p.groups}`).toBe(true);
      for (const x of rows) expect([x.ms, x.gflops, x.percentOfPeak].every(positive)).toBe(true);
      const fb = rows.find((x) => x.pass === 'forward+backward');
      if (fb) expect(positive(fb.peakBytes ?? 0)).toBe(true);
    }
    for (const table of [convForwardTable(r), convTrainingTable(r), convGridTable(r)]) expectWellFormed(table);
    expect(convSection(r, 'npm run bench -- --quick')).toContain('## conv\n\nCommand: `npm run bench -- --quick` (quick subset), ');
  }, 300_000);

  it('stops a peer at the time limit, says so, and does not run that library again', async () => {
    const r = await runConvBenchmark({ quick: true, threads: [1], peerLimitMs: 1 });
    expect(r.forward.map((x) => x.library)).toEqual(['blockgrad', 'onnxruntime-web']);
    expect(r.training.map((x) => x.library)).toEqual(['blockgrad']);
    expect(r.absent).toEqual([
      { runner: 'jax-js wasm forward (batch 2)', reason: 'jax-js child: not finished after 0 s (stopped; a warm-up call and the timed runs did not fit)' },
      { runner: 'jax-js wasm training', reason: 'not run: its jax-js wasm forward (batch 2) was jax-js child: not finished after 0 s (stopped; a warm-up call and the timed runs did not fit)' },
      { runner: 'tfjs cpu training', reason: 'tfjs child: not finished after 0 s (stopped; a warm-up call and the timed runs did not fit)' },
    ]);
  }, 300_000);
});
