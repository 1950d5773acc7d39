// The WebGPU grid in headless Chromium (Debian's, driven by playwright-core): blockLinear f32 and f16 on the
// browser's adapter, forward and forward+backward. Writes <out>/webgpu-chromium.json and prints a table.
// Run: npx tsx bench/webgpu-chromium.ts [--quick] [--out bench/results/gpu]
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, reportPageErrors } from '../scripts/browser/chromium.ts';
import { bundlePage } from '../scripts/browser/page.ts';
import { serveStatic } from '../scripts/browser/server.ts';
import type { BrowserGridRun } from './browser/webgpu-grid.page.ts';
import { label, webgpuGridPoints } from './lib/grid.ts';
import { parseGpuScriptOptions } from './lib/options.ts';
import { repoPath } from './lib/output.ts';
import { renderText } from './lib/table.ts';

const { quick, out: outDir } = parseGpuScriptOptions(process.argv.slice(2));
const timing = quick ? { runs: 3, minMs: 5 } : { runs: 5, minMs: 50 };

const dir = await bundlePage(fileURLToPath(new URL('./browser/webgpu-grid.page.ts', import.meta.url)), 'WebGPU grid');
const [server, browser] = await Promise.all([serveStatic(dir), launchChromium()]);
let run: BrowserGridRun;
try {
  const page = await browser.newPage();
  const errors = reportPageErrors(page);
  await page.goto(server.url);
  await page.waitForFunction(() => 'runGrid' in globalThis);
  run = await page.evaluate(
    ([points, t]) => (globalThis as unknown as { runGrid: (p: unknown, t: unknown) => Promise<BrowserGridRun> }).runGrid(points, t),
    [webgpuGridPoints(quick), timing] as const,
  ).catch((e: unknown) => {
    throw new Error(`the grid page failed: ${String(e)} ${errors.join('; ')}`);
  });
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
const software = run.adapter.software === true;
mkdirSync(repoPath(outDir), { recursive: true });
writeFileSync(join(repoPath(outDir), 'webgpu-chromium.json'), `${JSON.stringify({ quick, software, ...run }, null, 2)}\n`);
console.log(renderText({
  title: `WebGPU in Chromium (${String(run.adapter.adapter)}${software ? ': SwiftShader, CPU timings, not a GPU figure' : ''}): GFLOP/s, median of ${timing.runs}`,
  headers: ['(M, F)', 'pass', 'blockLinear', 'blockLinear f16', 'f16 / f32'],
  rows: webgpuGridPoints(quick).flatMap((p) => (['forward', 'forward+backward'] as const).map((pass) => {
    const f = (s: string): number | undefined => run.rows.find((r) => r.M === p.M && r.F === p.F && r.pass === pass && r.strategy === s)?.gflops;
    const f32 = f('blockLinear'), f16 = f('blockLinear f16');
    return [label(p), pass, f32?.toFixed(2) ?? '—', f16?.toFixed(2) ?? '—', f32 && f16 ? `${(f16 / f32).toFixed(2)}x` : '—'];
  })),
}));
console.log(`\nwrote ${outDir}/webgpu-chromium.json`);
process.exit(0);
