// The training benchmark's PyTorch column: bench/torch_packed_mlp.py (bmm per layer, Adam) with
// /usr/bin/python3 at a given thread count, on the same models.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON, torchLaunches } from './torch.ts';
import type { Timing, TimingOptions } from './timing.ts';
import { layerShapes, type TrainingModel } from './training-model.ts';

const script = fileURLToPath(new URL('../torch_packed_mlp.py', import.meta.url));
// model=digits threads=2 ms=1.2345 fastest=1.1000
const LINE = /^model=(\S+) threads=\d+ ms=([\d.]+) fastest=([\d.]+)$/;

/** ms per training step of each model (in order), the faster of torchLaunches(threads); throws with the script's last error line. */
export function torchTraining(models: TrainingModel[], threads: number, timing: TimingOptions): Timing[] {
  const spec = JSON.stringify(models.map((m) => ({ ...m, layers: layerShapes(m).map((l) => [l.groups, l.out, l.in]) })));
  const launches = torchLaunches(threads).map(({ torchThreads, env }) => {
    const run = spawnSync(PYTHON, [script, String(torchThreads), spec, String(timing.runs), String(timing.minMs)], { encoding: 'utf8', env });
    if (run.status !== 0) throw new Error(`bench/torch_packed_mlp.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`);
    return new Map(run.stdout.split('\n').flatMap((line) => {
      const m = LINE.exec(line.trim());
      return m ? [[m[1], { median: Number(m[2]), fastest: Number(m[3]) }] as const] : [];
    }));
  });
  return models.map((m) => {
    const found = launches.map((l) => l.get(m.name)).filter((t): t is Timing => t !== undefined);
    if (found.length < launches.length) throw new Error(`bench/torch_packed_mlp.py printed no result for ${m.name}`);
    return found.reduce((a, b) => (b.median < a.median ? b : a));
  });
}
