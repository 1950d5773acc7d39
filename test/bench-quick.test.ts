// The quick benchmark (wasm grid, training steps, charts), run programmatically: results are well-formed
// (never timed).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../bench/lib/benchmark.ts';
import { trainingChart, wasmCharts } from '../bench/lib/charts.ts';
import { fastestTable } from '../bench/lib/fastest.ts';
import { headlines } from '../bench/lib/overview.ts';
import { rooflineTable } from '../bench/lib/roofline.ts';
import { runTrainingBenchmark } from '../bench/lib/training-benchmark.ts';
import { leadTable, pairedTorchTable, stepsTable, threadScalingTable, trainingMemoryTable } from '../bench/lib/training-report.ts';
import { engineStrategies } from '../bench/lib/engine-strategies.ts';
import { gridPoints } from '../bench/lib/grid.ts';
import { legend, strategyName } from '../bench/lib/legend.ts';
import { TORCH_SCRIPT } from '../bench/lib/torch.ts';
import { renderMarkdown, renderText } from '../bench/lib/table.ts';
import { gflopsTable, memoryTable, ratioTable, scalingTable } from '../bench/lib/report.ts';
import { targetsTable } from '../bench/lib/targets.ts';
import type { Table } from '../bench/lib/table.ts';
import type { Absent, BenchResult, Row } from '../bench/lib/types.ts';

const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
const threads = [1, 2];

function expectWellFormed(table: Table): void {
  expect(table.rows.length).toBeGreaterThan(0);
  // Titles and headers speak to a user, not in the project's internal terms.
  expect([table.title, ...table.headers].join(' | ')).not.toMatch(/seed|issue \d|DESIGN|§|as shipped|blockLinearSimd|\bbL\b/i);
  for (const row of table.rows) expect(row.length).toBe(table.headers.length);
  expect(renderText(table)).toContain(table.headers[0]);
  expect(renderMarkdown(table)).toContain(`| ${table.headers.join(' | ')} |`);
}

/** Charts written to a fresh folder: each file an SVG with at least one bar. */
function expectCharts(files: string[], dir: string): void {
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    const svg = readFileSync(join(dir, f), 'utf8');
    expect(svg.startsWith('<svg'), f).toBe(true);
    expect(svg, f).toContain('<rect x=');
    expect(svg, f).not.toContain('NaN');
  }
}

// Results the overview's headline test reads (each set by its own test; run the file whole).
let wasm: BenchResult | undefined;
let training: Awaited<ReturnType<typeof runTrainingBenchmark>> | undefined;

describe('npm run bench -- --quick', () => {
  it('carries its own PyTorch reference script and explains its columns', () => {
    expect(existsSync(fileURLToPath(new URL('../bench/torch_blockdiag.py', import.meta.url)))).toBe(true);
    const text = legend(TORCH_SCRIPT).join('\n');
    for (const name of Object.values(strategyName)) expect(text).toContain(`**${name}**`);
    expect(text).toMatch(/2\.00x means blockLinear does the\s+same work in half the time/);
  });

  it('measures every strategy on every quick point and thread count, or says why a peer is absent', async () => {
    const progress: number[] = [];
    const r = await runBenchmark({ backend: 'wasm', threads, quick: true, command: 'test', onProgress: (done) => progress.push(done) });
    const points = gridPoints(true);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe(points.length * threads.length);

    for (const row of r.rows) {
      expect(['blockLinear', 'blockLinearSimd', 'mask', 'loop', 'blockDiag', 'tfjs', 'jax', 'ort', 'peak']).toContain(row.strategy);
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
        // the benchmark turns relaxed SIMD on, so the plain-SIMD build is measured beside it
        for (const s of [...engineStrategies, 'blockLinearSimd', 'peak']) {
          for (const pass of ['forward', 'forward+backward']) expect(find(p, t, s, pass), `${s} ${pass} ${t}T`).toBeDefined();
        }
        expect(find(p, t, 'ort', 'forward') ?? absentAt('ort', t), `ort ${t}T`).toBeDefined();
        expect(find(p, t, 'tfjs', 'forward+backward') ?? absentAt('tfjs', t), `tfjs ${t}T`).toBeDefined();
        expect(find(p, t, 'jax', 'forward+backward') ?? absentAt('jax', t), `jax-js ${t}T`).toBeDefined();
        expect(r.pytorch.some((x) => x.M === p.M && x.F === p.F && x.threads === t) || absentAt('pytorch', t), `PyTorch ${t}T`).toBeTruthy();
      }
    }
    for (const a of r.absent) expect(a.reason.length).toBeGreaterThan(0);
    for (const x of r.pytorch) expect(positive(x.ms) && positive(x.gflops) && ['tuned', 'as shipped'].includes(x.launch)).toBe(true);
    // the script as shipped runs at every core, beside the tuned launches
    const cores = availableParallelism();
    if (r.pytorch.some((x) => x.threads === cores)) expect(r.pytorch.some((x) => x.threads === cores && x.launch === 'as shipped')).toBe(true);
    for (const p of points) {
      for (const s of engineStrategies) expect(positive(r.memory.find((m) => m.M === p.M && m.F === p.F && m.strategy === s)?.bytes ?? 0), `${s} memory`).toBe(true);
      if (r.rows.some((x) => x.strategy === 'tfjs')) expect(positive(r.memory.find((m) => m.M === p.M && m.F === p.F && m.strategy === 'tfjs')?.bytes ?? 0), 'tfjs memory').toBe(true);
    }

    expect(r.machine.peakFlavour).toBe('relaxed-simd');
    expect(r.machine.simdBuild).toMatch(/^relaxed SIMD/);
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(positive(r.machine.peakPerCoreGflops)).toBe(true);
    expect(positive(r.machine.bandwidthGBs)).toBe(true);
    expect(r.machine.backend.threads).toBe(2);
    for (const table of [gflopsTable(r, 1), gflopsTable(r, 2), ratioTable(r, 1), ratioTable(r, 2), scalingTable(r, 1, 2), memoryTable(r), rooflineTable(r), fastestTable(r), targetsTable(r)]) expectWellFormed(table);
    const dir = mkdtempSync(join(tmpdir(), 'bench-charts-'));
    expectCharts(wasmCharts(r, dir).map((c) => c.file), dir);
    wasm = r;
  }, 1_200_000);

  it('times a whole Adam step of the digits-sized model on every runner, or says why one is absent', async () => {
    const r = await runTrainingBenchmark({ quick: true, threads, adapter: { kind: 'none', reason: 'not probed in this test' } });
    expect(r.models.map((m) => m.name)).toEqual(['digits']);
    expect(r.models[0].parameters).toBeGreaterThan(0);
    for (const row of r.rows) expect([row.ms, row.bestMs, row.stepsPerSecond].every(positive), JSON.stringify(row)).toBe(true);
    const ours = r.rows.filter((x) => x.library === 'blockgrad');
    expect(ours.map((x) => `${x.backend} ${x.threads}`)).toEqual(['js 1', 'wasm 1', 'wasm 2']);
    for (const x of ours) expect(positive(x.peakBytes ?? 0)).toBe(true);
    for (const [library, runner] of [['tfjs', 'tfjs wasm'], ['jax-js', 'jax-js wasm'], ['PyTorch', 'PyTorch cpu']]) {
      expect(r.rows.some((x) => x.library === library) || r.absent.some((a) => a.runner.startsWith(runner)), library).toBe(true);
    }
    expect(r.absent.find((a) => a.runner === 'blockgrad webgpu')?.reason).toBe('not probed in this test');
    // 1 and 2 threads interleaved run by run: one ratio per pair of runs
    expect(r.scaling).toHaveLength(1);
    expect(r.scaling[0]).toMatchObject({ model: 'digits', from: 1, to: 2 });
    expect([r.scaling[0].q1, r.scaling[0].median, r.scaling[0].q3].every(positive)).toBe(true);
    expect(r.scaling[0].q1 <= r.scaling[0].median && r.scaling[0].median <= r.scaling[0].q3).toBe(true);
    // the digits step against PyTorch in paired rounds at each thread count, or PyTorch absent with its reason
    if (r.versusTorch.length === 0) expect(r.absent.some((a) => a.runner.startsWith('PyTorch cpu')), 'PyTorch neither paired nor absent').toBe(true);
    else expect(r.versusTorch.map((p) => `${p.model} ${p.threads}T ${p.rounds}`)).toEqual(threads.map((t) => `digits ${t}T 2`));
    for (const p of r.versusTorch) expect(positive(p.q1) && p.q1 <= p.median && p.median <= p.q3).toBe(true);
    for (const table of [stepsTable(r), leadTable(r), threadScalingTable(r), trainingMemoryTable(r)]) expectWellFormed(table);
    if (r.versusTorch.length) expectWellFormed(pairedTorchTable(r));
    const dir = mkdtempSync(join(tmpdir(), 'bench-charts-'));
    expectCharts([trainingChart(r, dir).file], dir);
    training = r;
  }, 120_000);

  it("writes the overview's headline lines from the grid and the training results", () => {
    expect(wasm, 'the grid test did not run: run this file whole').toBeDefined();
    expect(training, 'the training test did not run: run this file whole').toBeDefined();
    expect(headlines({ wasm: wasm!, training: training! }).length).toBeGreaterThan(0);
  });
});
