// The block GEMMs in a real browser (headless Chromium), against the reference computed here in Node: on
// WebGPU (SwiftShader without a GPU) at f32 and f16, and on wasm both in a cross-origin isolated page
// (threads, shared memory, the relaxed-SIMD build Chromium validates) and in a page that is not (one
// thread on the unshared build, and backendInfo() says why). Reuses the page bundler, server and launcher of
// scripts/browser/.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockShape } from '../src/backend/backend.ts';
import { JsBackend } from '../src/backend/js/js-backend.ts';
import type { GemmRun } from './browser-gemm.page.ts';
import { type GemmCase, gemmCases, runGemmCase } from './helpers/gemm-case.ts';
import { launchChromium, reportPageErrors } from '../scripts/browser/chromium.ts';
import { bundlePage } from '../scripts/browser/page.ts';
import { serveStatic, type StaticServer } from '../scripts/browser/server.ts';

let dir: string, isolated: StaticServer, plain: StaticServer, browser: Browser;

beforeAll(async () => {
  dir = await bundlePage(fileURLToPath(new URL('./browser-gemm.page.ts', import.meta.url)), 'block GEMMs');
  [isolated, plain, browser] = await Promise.all([serveStatic(dir), serveStatic(dir, { isolated: false }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([isolated?.close(), plain?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function expectClose(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    if (!(Math.abs(got[i] - w) <= tol * (1 + Math.abs(w)))) throw new Error(`${what}[${i}]: got ${got[i]}, want ${w}`);
  });
}

/** Runs the cases in a fresh page of `server`; checks every output against the Node reference; returns the backend's details. */
async function runInPage(server: StaticServer, backend: 'webgpu' | 'wasm', cases: GemmCase[], threads?: number): Promise<GemmRun['details']> {
  const page = await browser.newPage();
  const errors = reportPageErrors(page);
  await page.goto(server.url);
  await page.waitForFunction(() => 'runGemms' in globalThis);
  const run = await page.evaluate(
    ([b, c, t]) => (globalThis as unknown as { runGemms(...a: unknown[]): Promise<GemmRun> }).runGemms(b, c, t),
    [backend, cases, threads] as const,
  );
  expect(errors).toEqual([]);
  for (const [k, c] of cases.entries()) {
    const want = await runGemmCase(new JsBackend(), c), got = run.outputs[k];
    const label = `${backend} ${JSON.stringify(c.shape)}`;
    const { B, I, O } = c.shape;
    expectClose(got.y, want.y, 2e-5 * Math.sqrt(I), `${label} y`);
    expectClose(got.dx, want.dx, 2e-5 * Math.sqrt(O), `${label} dx`);
    expectClose(got.dw, want.dw, 2e-5 * Math.sqrt(B), `${label} dW`);
    expectClose(got.db, want.db, 2e-5 * Math.sqrt(B), `${label} db`);
  }
  await page.close();
  return run.details;
}

describe('block GEMMs in headless Chromium', () => {
  it('WebGPU: forward (bias, relu), input grad and weight grad match the Node reference at f32 and f16', async () => {
    const shapes: BlockShape[] = [{ B: 33, G: 3, I: 17, O: 9 }, { B: 64, G: 2, I: 64, O: 32 }];
    const details = await runInPage(isolated, 'webgpu', gemmCases(shapes.flatMap((s) => (['f32', 'f16'] as const).map((precision) => ({ ...s, precision }))), 21));
    expect(details.adapter).not.toBe('');
  });

  // the larger shape is above the size at which a GEMM is split over the threads
  const wasmShapes: BlockShape[] = [{ B: 33, G: 3, I: 17, O: 9 }, { B: 129, G: 3, I: 77, O: 131 }];

  it('wasm in a cross-origin isolated page: 2 threads on shared memory, the relaxed-SIMD build, matching the reference', async () => {
    const details = await runInPage(isolated, 'wasm', gemmCases(wasmShapes, 22), 2);
    expect(details).toMatchObject({ threads: 2, sharedMemory: true, simd: 'relaxed-simd' });
  });

  it('wasm in a page that is not cross-origin isolated: one thread on the unshared build, saying why, matching the reference', async () => {
    const details = await runInPage(plain, 'wasm', gemmCases(wasmShapes, 23), 2);
    expect(details).toMatchObject({ threads: 1, sharedMemory: false });
    expect(details.singleThreadedBecause).toMatch(/cross-origin isolated/);
  });
});
