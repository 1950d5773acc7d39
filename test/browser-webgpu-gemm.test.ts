// The block GEMMs once in a real browser: headless Chromium on WebGPU (SwiftShader without a GPU), at f32
// and f16, against the reference computed here in Node. Reuses the server and launcher of test/browser/.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockShape } from '../src/backend/backend.ts';
import { JsBackend } from '../src/backend/js/index.ts';
import { Rng } from '../src/random.ts';
import type { GemmResult } from './browser-webgpu-gemm.page.ts';
import { type GemmCase, runGemmCase } from './helpers/gemm-case.ts';
import { launchChromium, reportPageErrors } from './browser/helpers/chromium.ts';
import { serveStatic, type StaticServer } from './browser/helpers/server.ts';

const entry = fileURLToPath(new URL('./browser-webgpu-gemm.page.ts', import.meta.url));
let dir: string, server: StaticServer, browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blockgrad-gemm-page-'));
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'gemm.js'), logLevel: 'error' });
  await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>block GEMMs</title><link rel="icon" href="data:,"><script type="module" src="gemm.js"></script>');
  server = await serveStatic(dir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function expectClose(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    if (!(Math.abs(got[i] - w) <= tol * (1 + Math.abs(w)))) throw new Error(`${what}[${i}]: got ${got[i]}, want ${w}`);
  });
}

describe('block GEMMs in headless Chromium on WebGPU', () => {
  it('forward (bias, relu), input grad and weight grad match the Node reference at f32 and f16', async () => {
    const rng = new Rng(21);
    const data = (n: number) => Array.from({ length: n }, () => rng.normal());
    const shapes: BlockShape[] = [{ B: 33, G: 3, I: 17, O: 9 }, { B: 64, G: 2, I: 64, O: 32 }];
    const cases: GemmCase[] = shapes.flatMap(({ B, G, I, O }) =>
      (['f32', 'f16'] as const).map((precision) => ({
        shape: { B, G, I, O, precision },
        x: data(B * G * I), w: data(G * O * I), bias: data(G * O), dy: data(B * G * O),
      })),
    );
    const page = await browser.newPage();
    const errors = reportPageErrors(page);
    await page.goto(server.url);
    await page.waitForFunction(() => 'runGemms' in globalThis);
    const results = await page.evaluate((c) => (globalThis as unknown as { runGemms(c: GemmCase[]): Promise<GemmResult[]> }).runGemms(c), cases);
    expect(errors).toEqual([]);
    expect(results[0].adapter).not.toBe('');
    for (const [k, c] of cases.entries()) {
      const want = await runGemmCase(new JsBackend(), c), got = results[k];
      const label = `${JSON.stringify(c.shape)}`;
      const { B, I, O } = c.shape;
      expectClose(got.y, want.y, 2e-5 * Math.sqrt(I), `${label} y`);
      expectClose(got.dx, want.dx, 2e-5 * Math.sqrt(O), `${label} dx`);
      expectClose(got.dw, want.dw, 2e-5 * Math.sqrt(B), `${label} dW`);
      expectClose(got.db, want.db, 2e-5 * Math.sqrt(B), `${label} db`);
    }
    await page.close();
  });
});
