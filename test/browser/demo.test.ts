// The demo site in Debian's Chromium: training on wasm threads and on WebGPU (SwiftShader), the page staying
// responsive, the model download, the digit page's worker inference against Node's, and the Fashion-MNIST
// page's packed LeNet with each estimator's vote.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { reportPageErrors, watchLongTasks } from '../../scripts/browser/chromium.ts';
import { closeDemoSite, openDemoSite, results } from '../helpers/demo-site.ts';
import type { StaticServer } from '../../scripts/browser/server.ts';
import { createInferenceWorker, type Prediction } from '../../src/inference/index.ts';
import { configFromMetadata } from '../../src/nn/packed-config.ts';
import { readSafetensors } from '../../src/io/safetensors.ts';
import { loadDigits } from '../../app/cli/load-digits.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The page's training must never hold the main thread longer than this (the responsiveness budget). */
const LONG_TASK_BUDGET_MS = 200;
/** What the training pages say on a software WebGPU adapter (SwiftShader), as the issue asks: slow, and what to choose. */
const SOFTWARE_WARNING = 'This WebGPU adapter is a software renderer on the CPU (no GPU): training runs hundreds of times slower than on wasm. Choose wasm SIMD.';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openDemoSite());
});

afterAll(() => closeDemoSite(server, browser));

interface Stats {
  state: string;
  step: number;
  loss: number;
  firstLoss: number;
  backend: string;
}

function stats(page: Page): Promise<Stats> {
  return page.evaluate(() => {
    const s = document.getElementById('stats')!.dataset, backend = document.getElementById('backend')!;
    return { state: document.body.dataset.state ?? '', step: Number(s.step), loss: Number(s.loss), firstLoss: Number(s.firstLoss), backend: backend.dataset.backend ?? '' };
  });
}

/** Waits until the page has trained `steps` steps (failing fast if it shows an error). */
async function trainedSteps(page: Page, steps: number, timeout: number): Promise<Stats> {
  await page.waitForFunction(
    (n) => document.body.dataset.state === 'error' || Number(document.getElementById('stats')!.dataset.step) >= n,
    steps,
    { timeout, polling: 250 },
  );
  const s = await stats(page);
  if (s.state === 'error') throw new Error(`the demo failed: ${await page.textContent('#error')}`);
  return s;
}

async function openDemo(query: string): Promise<{ page: Page; errors: string[]; longTasks: () => Promise<{ start: number; duration: number }[]> }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors = reportPageErrors(page);
  const longTasks = await watchLongTasks(page);
  await page.goto(`${server.url}index.html?${query}`);
  return { page, errors, longTasks };
}

describe('training demo', () => {
  test('trains on wasm with threads, lowers the loss, keeps the page responsive, pauses and downloads the model', async () => {
    // no early stop and no step budget: on a loaded machine the run could otherwise end on its own before the pause below
    const { page, errors, longTasks } = await openDemo('backend=wasm&threads=2&dataset=spirals&patience=0&maxSteps=100000');
    await page.waitForSelector('body[data-state=running]');
    const since = await page.evaluate(() => performance.now());
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    const s = await trainedSteps(page, 1000, 60_000);
    expect(s.backend).toBe('wasm');
    expect(await page.textContent('#backend')).toContain('2 threads');
    expect(await page.isHidden('#software')).toBe(true); // no software-adapter warning on wasm
    expect(s.loss).toBeLessThan(s.firstLoss * 0.5);
    const slow = (await longTasks()).filter((t) => t.start >= since && t.duration > LONG_TASK_BUDGET_MS);
    expect(slow).toEqual([]);
    await page.screenshot({ path: `${results}/demo.png` });

    await page.click('#run');
    await page.waitForSelector('body[data-state=paused]');
    const paused = (await stats(page)).step;
    await page.waitForTimeout(800);
    expect((await stats(page)).step).toBe(paused);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = readSafetensors(new Uint8Array(await readFile((await download.path())!)));
    expect(configFromMetadata(file.metadata)).toEqual({ inFeatures: 2, hiddenFeatures: [64, 64, 64], numClasses: 3, numEstimators: 4, alpha: 2, gamma: 1, activation: 'relu' });

    await page.selectOption('select[name=dataset]', 'digits'); // a new model on the bundled digits, fetched and gunzipped
    await page.waitForSelector('body[data-state=idle]');
    await page.click('#run');
    const digits = await trainedSteps(page, 100, 60_000);
    expect(digits.loss).toBeLessThan(digits.firstLoss * 0.5);
    expect(await page.isHidden('#maps')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('trains on WebGPU (SwiftShader) and lowers the loss', async () => {
    const { page, errors } = await openDemo('backend=webgpu&dataset=moons');
    // CI's adapter is SwiftShader: as training starts, the page says plainly that it is slow and what to choose instead
    await page.waitForFunction(() => document.body.dataset.state === 'error' || !document.getElementById('software')!.hidden, undefined, { timeout: 300_000, polling: 250 });
    expect(await page.textContent('#state')).not.toContain('error');
    expect(await page.textContent('#backend')).toContain('(software)');
    expect(await page.textContent('#software')).toBe(SOFTWARE_WARNING);
    const s = await trainedSteps(page, 30, 300_000); // a hang guard: SwiftShader on a busy machine trains a few steps a second
    expect(s.backend).toBe('webgpu');
    expect(s.loss).toBeLessThan(s.firstLoss);
    await page.screenshot({ path: `${results}/demo-webgpu.png` });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('digit page', () => {
  test('classifies a drawing, and its worker predicts what Node predicts', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 660 } });
    const errors = reportPageErrors(page);
    await page.goto(`${server.url}digit.html?backend=wasm`);
    await page.waitForSelector('body[data-state=ready]');

    const pad = (await page.locator('#pad').boundingBox())!;
    const stroke = [[0.3, 0.2], [0.7, 0.2], [0.7, 0.45], [0.45, 0.85]];
    await page.mouse.move(pad.x + pad.width * stroke[0][0], pad.y + pad.height * stroke[0][1]);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(pad.x + pad.width * x, pad.y + pad.height * y, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('guess')!.textContent !== '?');
    await page.screenshot({ path: `${results}/digit.png` });

    const digits = loadDigits(), n = 24;
    const rows = Array.from(digits.x.subarray(0, n * 64));
    type Plain = Record<'probs' | 'perEstimator' | 'entropy' | 'mutualInformation', number[]>;
    const inBrowser: Plain = await page.evaluate(async ({ rows, n }) => {
      const worker = (globalThis as unknown as { digitWorker: { predict(x: Float32Array, n: number): Promise<Record<string, Float32Array>> } }).digitWorker;
      const p = await worker.predict(new Float32Array(rows), n);
      return { probs: [...p.probs], perEstimator: [...p.perEstimator], entropy: [...p.entropy], mutualInformation: [...p.mutualInformation] };
    }, { rows, n });

    const model = new Uint8Array(await readFile(`${root}demo/public/digits-model.safetensors`));
    const node = await createInferenceWorker({ model, backend: 'wasm' });
    const inNode: Prediction = await node.predict(new Float32Array(rows), n);
    node.terminate();
    for (const key of ['probs', 'perEstimator', 'entropy', 'mutualInformation'] as const) {
      expect(inBrowser[key].length).toBe(inNode[key].length);
      inBrowser[key].forEach((v, i) => expect(Math.abs(v - inNode[key][i])).toBeLessThan(1e-4));
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('Fashion-MNIST page', () => {
  test('on a software WebGPU adapter (SwiftShader) says that training is slow and to choose wasm', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = reportPageErrors(page);
    await page.goto(`${server.url}fashion.html?backend=webgpu`);
    await page.waitForFunction(() => document.body.dataset.state === 'error' || !document.getElementById('software')!.hidden, undefined, { timeout: 300_000, polling: 250 });
    expect(await page.textContent('#state')).not.toContain('error');
    expect(await page.textContent('#backend')).toContain('(software)');
    expect(await page.textContent('#software')).toBe(SOFTWARE_WARNING);
    await page.click('#reset'); // a reset clears it with the backend
    expect(await page.isHidden('#software')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('trains a packed LeNet on wasm threads and shows every estimator\'s vote and the mutual information of each image', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = reportPageErrors(page);
    await page.goto(`${server.url}fashion.html?backend=wasm&threads=2`);
    await page.waitForFunction(() => document.body.dataset.state === 'error' || Number(document.getElementById('stats')!.dataset.step) >= 20, undefined, { timeout: 180_000, polling: 500 });
    expect(await page.textContent('#state')).not.toContain('error');
    const shown = await page.evaluate(() => {
      const cards = [...document.querySelectorAll('#gallery .card')];
      const s = document.getElementById('stats')!.dataset;
      return {
        cards: cards.length,
        ood: cards.filter((c) => c.classList.contains('ood')).length,
        votes: cards.map((c) => c.querySelectorAll('.vote').length),
        mi: cards.map((c) => c.querySelector('.mi-label')!.textContent ?? ''),
        accuracy: Number(s.testAccuracy),
        auroc: Number(s.oodAuroc),
      };
    });
    expect([shown.cards, shown.ood]).toEqual([32, 8]);
    expect(new Set(shown.votes)).toEqual(new Set([4])); // M = 4 estimators, one vote each
    for (const label of shown.mi) expect(label).toMatch(/disagreement \(MI\) \d+\.\d{3} nats/);
    expect(shown.accuracy).toBeGreaterThan(0.2); // chance is 0.1, after 20 steps of 32 images
    expect(shown.auroc).toBeGreaterThanOrEqual(0);
    expect(shown.auroc).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${results}/demo-fashion.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
