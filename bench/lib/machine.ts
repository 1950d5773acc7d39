// What the benchmark ran on: CPU model, cores, Node, load, and the backend's own report.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Machine } from './types.ts';
import type { Peak } from './peak.ts';

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // no /proc here: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(backend: Record<string, string | number | boolean>, peak: Peak, bandwidth: { GBs: number; threads: number }, simdBuild: string): Machine {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    date: new Date().toISOString(),
    backend,
    peakPerCoreGflops: Number(peak.gflops.toFixed(2)),
    peakFlavour: peak.flavour,
    simdBuild,
    bandwidthGBs: Number(bandwidth.GBs.toFixed(2)),
    bandwidthThreads: bandwidth.threads,
  };
}
