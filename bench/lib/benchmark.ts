// Runs the benchmark grid: for each point and thread count (interleaved, so both see the same machine
// load), this engine's strategies, the peers (tfjs, onnxruntime-web), the PyTorch reference and the peak.
import * as bg from '../../src/index.ts';
import { measureBandwidth } from './bandwidth.ts';
import { engineStrategies, engineWorkload, type Workload } from './engine-strategies.ts';
import { gflops, gridPoints, label, usefulFlops } from './grid.ts';
import { jaxWorkload, loadJax, type JaxPeer } from './jax.ts';
import { describeMachine } from './machine.ts';
import { runOrt } from './ort.ts';
import { PeakProbe, type Peak } from './peak.ts';
import { loadTfjs, tfjsWorkload, type TfjsPeer } from './tfjs.ts';
import { timeRuns, type Timing, type TimingOptions } from './timing.ts';
import { enableRelaxedSimd } from './relaxed-simd.ts';
import { runTorch, torchUnavailable } from './torch.ts';
import type { Absent, BenchResult, MemoryRow, Pass, Point, Row, Strategy } from './types.ts';

export interface BenchOptions {
  backend: 'wasm';
  threads: number[];
  quick: boolean;
  /** The command line recorded with the results. */
  command: string;
  onProgress?: (done: number, total: number, what: string) => void;
}

const passes: Pass[] = ['forward', 'forward+backward'];

class Collector {
  readonly rows: Row[] = [];
  readonly memory: MemoryRow[] = [];
  readonly absent: Absent[] = [];

  add(p: Point, threads: number, strategy: Strategy, pass: Pass, t: Timing): void {
    const [ms, bestMs] = [t.median, t.fastest];
    this.rows.push({ ...p, threads, strategy, pass, ms, gflops: gflops(p, pass, ms), bestMs, bestGflops: gflops(p, pass, bestMs) });
  }

  /** Records why a peer is missing at a thread count (once). */
  miss(strategy: Absent['strategy'], threads: number, reason: string): void {
    if (!this.isMissing(strategy, threads)) this.absent.push({ strategy, threads, reason });
  }

  isMissing(strategy: Absent['strategy'], threads: number): boolean {
    return this.absent.some((a) => a.strategy === strategy && a.threads === threads);
  }
}

async function timePasses(c: Collector, w: Workload, p: Point, threads: number, strategy: Strategy, which: Pass[], timing: TimingOptions): Promise<void> {
  try {
    for (const pass of which) c.add(p, threads, strategy, pass, await timeRuns(() => w.step(pass), timing));
    if (w.peakBytes && !c.memory.some((m) => m.M === p.M && m.F === p.F && m.strategy === strategy)) {
      c.memory.push({ ...p, strategy, bytes: await w.peakBytes() });
    }
  } finally {
    w.dispose();
  }
}

function addPeak(c: Collector, p: Point, threads: number, peak: Peak): void {
  for (const pass of passes) {
    const ms = usefulFlops(p, pass) / (threads * peak.gflops * 1e6);
    c.add(p, threads, 'peak', pass, { median: ms, fastest: ms });
  }
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runBenchmark(options: BenchOptions): Promise<BenchResult> {
  const points = gridPoints(options.quick);
  const timing: TimingOptions = options.quick ? { runs: 3, minMs: 5 } : { runs: 5, minMs: 50 };
  const c = new Collector();
  const pytorch: BenchResult['pytorch'] = [];
  const simdBuild = enableRelaxedSimd();
  const probe = await PeakProbe.start();
  const tfjs: TfjsPeer | Error = await loadTfjs().catch((e: unknown) => new Error(`tfjs could not start: ${reason(e)}`));
  const jax: JaxPeer | Error = await loadJax().catch((e: unknown) => new Error(`jax-js could not start: ${reason(e)}`));
  const noTorch = torchUnavailable();
  for (const t of options.threads) {
    if (tfjs instanceof Error) c.miss('tfjs', t, tfjs.message);
    else if (tfjs.threads !== t) c.miss('tfjs', t, `tfjs-backend-wasm runs ${tfjs.threads} thread(s) in Node (its threaded build is browser-only), so it is measured at ${tfjs.threads} only`);
    if (jax instanceof Error) c.miss('jax', t, jax.message);
    else if (jax.threads !== t) c.miss('jax', t, `jax-js ${jax.version} runs ${jax.threads} thread(s) in Node (its wasm worker pool needs the Web Worker global, absent in Node), so it is measured at ${jax.threads} only`);
    if (noTorch) c.miss('pytorch', t, noTorch);
  }

  const total = points.length * options.threads.length;
  let done = 0;
  for (const p of points) {
    for (const t of options.threads) {
      options.onProgress?.(done++, total, `${label(p)} ${t} thread(s)`);
      await bg.init({ backend: options.backend, threads: t });
      for (const s of engineStrategies) await timePasses(c, engineWorkload(s, p), p, t, s, passes, timing);
      if (probe.flavour === 'relaxed-simd') {
        await bg.init({ backend: options.backend, threads: t, relaxedSimd: false });
        await timePasses(c, engineWorkload('blockLinear', p), p, t, 'blockLinearSimd', passes, timing);
      }
      await probe.measure(timing);
      if (!c.isMissing('tfjs', t) && !(tfjs instanceof Error)) await timePeer(c, 'tfjs', () => tfjsWorkload(tfjs, p), p, t, timing);
      if (!c.isMissing('jax', t) && !(jax instanceof Error)) await timePeer(c, 'jax', () => jaxWorkload(jax, p), p, t, timing);
      if (!c.isMissing('ort', t)) await timeOrt(c, p, t, timing);
      if (!c.isMissing('pytorch', t)) {
        try {
          pytorch.push(...runTorch([p], t));
        } catch (e) {
          c.miss('pytorch', t, reason(e));
        }
      }
    }
  }
  const peak = probe.result();
  for (const p of points) for (const t of options.threads) addPeak(c, p, t, peak);
  options.onProgress?.(total, total, 'done');
  const maxThreads = Math.max(...options.threads);
  await bg.init({ backend: options.backend, threads: maxThreads });
  const bandwidth = { GBs: await measureBandwidth(timing), threads: maxThreads };
  return {
    backend: options.backend,
    command: options.command,
    quick: options.quick,
    runs: timing.runs,
    machine: describeMachine(bg.backendInfo().details, peak, bandwidth, simdBuild),
    rows: c.rows,
    memory: c.memory,
    absent: c.absent,
    pytorch,
  };
}

async function timePeer(c: Collector, peer: 'tfjs' | 'jax', workload: () => Workload, p: Point, t: number, timing: TimingOptions): Promise<void> {
  try {
    await timePasses(c, workload(), p, t, peer, passes, timing);
  } catch (e) {
    c.miss(peer, t, `${peer} failed at ${label(p)}: ${reason(e)}`);
  }
}

async function timeOrt(c: Collector, p: Point, t: number, timing: TimingOptions): Promise<void> {
  try {
    const report = await runOrt({ threads: t, points: [p], timing });
    if (report.threads !== t) c.miss('ort', t, `onnxruntime-web ${report.version} ran ${report.threads} thread(s) when asked for ${t}`);
    else c.add(p, t, 'ort', 'forward', report.ms[0]);
  } catch (e) {
    c.miss('ort', t, reason(e));
  }
}
