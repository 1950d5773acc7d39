// The roofline of this machine (measured SIMD peak × threads, measured streaming bandwidth) at each grid
// point, and blockLinear's fraction of it.
import { forwardBytes } from './bandwidth.ts';
import { gridPoints, label, usefulFlops } from './grid.ts';
import { gflopsOf } from './report.ts';
import type { Table } from './table.ts';
import type { BenchResult } from './types.ts';

const pct = (a: number | undefined, b: number): string => (a === undefined ? '—' : `${((100 * a) / b).toFixed(0)}%`);

export function rooflineTable(r: BenchResult): Table {
  const m = r.machine, t = m.bandwidthThreads;
  const peak = t * m.peakPerCoreGflops;
  const rows = gridPoints(r.quick).map((p) => {
    const intensity = usefulFlops(p, 'forward') / forwardBytes(p);
    const bound = Math.min(peak, intensity * m.bandwidthGBs);
    const fwd = gflopsOf(r, p, t, 'blockLinear', 'forward'), fb = gflopsOf(r, p, t, 'blockLinear', 'forward+backward');
    return [label(p), intensity.toFixed(1), bound.toFixed(1), bound < peak ? 'memory' : 'compute', fwd?.toFixed(1) ?? '—', pct(fwd, bound), fb?.toFixed(1) ?? '—', pct(fb, peak)];
  });
  return {
    title: `Roofline at ${t} thread(s): SIMD peak ${peak.toFixed(1)} GFLOP/s (${m.peakFlavour}), streaming bandwidth ${m.bandwidthGBs.toFixed(1)} GB/s (y = a·x over 64 MiB through the backend)`,
    headers: ['(M, F)', 'forward FLOP/byte', 'roof GFLOP/s', 'bound', 'blockLinear forward', 'of roof', 'blockLinear f+b', 'of peak'],
    rows,
    labels: 1,
  };
}
