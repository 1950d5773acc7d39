// The quick benchmark on the wasm backend, run programmatically: results are well-formed (never timed).
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../bench/lib/benchmark.ts';
import { engineStrategies } from '../bench/lib/engine-strategies.ts';
import { gridPoints } from '../bench/lib/grid.ts';
import { renderMarkdown, renderText } from '../bench/lib/table.ts';
import { memoryTable, scalingTable, threadTable } from '../bench/lib/report.ts';
import { targetsTable } from '../bench/lib/targets.ts';
import type { Absent, Row } from '../bench/lib/types.ts';

const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
const threads = [1, 2];

describe('npm run bench -- --backend wasm --quick', () => {
  it('measures every strategy on every quick point and thread count, or says why a peer is absent', async () => {
    const progress: number[] = [];
    const r = await runBenchmark({ backend: 'wasm', threads, quick: true, command: 'test', onProgress: (done) => progress.push(done) });
    const points = gridPoints(true);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe(points.length * threads.length);

    for (const row of r.rows) {
      expect(['blockLinear', 'mask', 'loop', 'blockDiag', 'tfjs', 'ort', 'peak']).toContain(row.strategy);
      expect(['forward', 'forward+backward']).toContain(row.pass);
      expect(threads).toContain(row.threads);
      expect(row.B).toBe(128);
      expect([row.ms, row.gflops, row.bestMs, row.bestGflops].every(positive), JSON.stringify(row)).toBe(true);
      expect(row.bestMs).toBeLessThanOrEqual(row.ms);
    }
    const find = (p: { M: number; F: number }, t: number, s: string, pass: string): Row | undefined =>
      r.rows.find((x) => x.M === p.M && x.F === p.F && x.threads === t && x.strategy === s && x.pass === pass);
    const absentAt = (s: Absent['strategy'], t: number): Absent | undefined => r.absent.find((a) => a.strategy === s && a.threads === t);
    for (const p of points) {
      for (const t of threads) {
        for (const s of [...engineStrategies, 'peak']) {
          for (const pass of ['forward', 'forward+backward']) expect(find(p, t, s, pass), `${s} ${pass} ${t}T`).toBeDefined();
        }
        expect(find(p, t, 'ort', 'forward') ?? absentAt('ort', t), `ort ${t}T`).toBeDefined();
        expect(find(p, t, 'tfjs', 'forward+backward') ?? absentAt('tfjs', t), `tfjs ${t}T`).toBeDefined();
        expect(r.pytorch.some((x) => x.M === p.M && x.F === p.F && x.threads === t) || absentAt('pytorch', t), `PyTorch ${t}T`).toBeTruthy();
      }
    }
    for (const a of r.absent) expect(a.reason.length).toBeGreaterThan(0);
    for (const x of r.pytorch) expect(positive(x.ms) && positive(x.gflops)).toBe(true);
    for (const p of points) {
      for (const s of engineStrategies) expect(positive(r.memory.find((m) => m.M === p.M && m.F === p.F && m.strategy === s)?.bytes ?? 0), `${s} memory`).toBe(true);
    }

    expect(r.machine.cores).toBeGreaterThan(0);
    expect(positive(r.machine.peakPerCoreGflops)).toBe(true);
    expect(r.machine.backend.threads).toBe(2);
    for (const table of [threadTable(r, 1), threadTable(r, 2), scalingTable(r, 1, 2), memoryTable(r), targetsTable(r)]) {
      expect(table.rows.length).toBeGreaterThan(0);
      for (const row of table.rows) expect(row.length).toBe(table.headers.length);
      expect(renderText(table)).toContain(table.headers[0]);
      expect(renderMarkdown(table)).toContain(`| ${table.headers.join(' | ')} |`);
    }
  }, 300_000);
});
