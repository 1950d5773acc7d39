// The demo pages at a phone's, a laptop's and a wide screen's width: nothing wider than the window, the maps
// large and side by side or stacked, no control cut, a colour scale under the uncertainty map, no empty
// axes; the digit page refuses a model that does not read 64 inputs and clears what it showed. Screenshots
// of every width go to test-results/ (look at them: the assertions cannot judge everything).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { reportPageErrors } from '../../scripts/browser/chromium.ts';
import { closeDemoSite, openDemoSite, results } from '../helpers/demo-site.ts';
import type { StaticServer } from '../../scripts/browser/server.ts';
import * as bg from '../../src/index.ts';

const WIDTHS = [
  { name: 'phone', width: 360, height: 780 },
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'wide', width: 1920, height: 1080 },
];

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await openDemoSite());
});

afterAll(() => closeDemoSite(server, browser));

/** Elements whose content is wider than their box, and selects narrower than their longest option. */
function cutOff(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const ctx = document.createElement('canvas').getContext('2d')!;
    const cut: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      if (el.offsetParent === null) continue; // not displayed
      if (el instanceof HTMLSelectElement) {
        ctx.font = getComputedStyle(el).font;
        const longest = Math.max(...[...el.options].map((o) => ctx.measureText(o.text).width));
        if (longest + 24 > el.clientWidth) cut.push(`select ${el.name || el.id}: ${el.clientWidth}px for ${Math.ceil(longest)}px of text`);
      } else if (el.scrollWidth > el.clientWidth + 1) {
        cut.push(`${el.tagName.toLowerCase()} '${el.textContent!.trim().slice(0, 40)}': ${el.scrollWidth}px in ${el.clientWidth}px`);
      }
    }
    return cut;
  }, selector);
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const widthOf = async (page: Page, selector: string) => (await page.locator(selector).boundingBox())!.width;

describe('training page at three widths', () => {
  for (const { name, width, height } of WIDTHS) {
    test(`${name}, ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors = reportPageErrors(page);
      await page.goto(`${server.url}index.html?backend=wasm&threads=1&dataset=moons&autostart=0`);
      // Before training: the charts say there is nothing yet rather than drawing an axis of zeros.
      expect(await page.evaluate(() => document.getElementById('loss-chart')!.dataset.empty)).toBe('true');
      await page.click('#run');
      await page.waitForFunction(() => Number(document.getElementById('stats')!.dataset.step) >= 100, null, { timeout: 60_000 });
      await page.screenshot({ path: `${results}/demo-${name}.png`, fullPage: true });

      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      expect(await cutOff(page, 'label, select, figcaption, .status, .top p, .hint, nav a, button')).toEqual([]);
      const regions = await widthOf(page, '#regions'), uncertainty = await widthOf(page, '#uncertainty');
      expect(Math.abs(regions - uncertainty)).toBeLessThan(2); // both maps the same size
      if (name === 'phone') expect(regions).toBeGreaterThan(0.8 * width); // stacked, each the page's width
      else expect(regions).toBeGreaterThan(name === 'wide' ? 600 : 380);
      expect(await widthOf(page, '#scale')).toBeGreaterThan(0.9 * uncertainty - 20);
      expect(await page.evaluate(() => document.getElementById('loss-chart')!.dataset.empty)).toBe('false');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

describe('training page controls', () => {
  test('threads apply to wasm only and never exceed the cores; the step budget ends the run and Start goes on', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = reportPageErrors(page);
    await page.goto(`${server.url}index.html?backend=wasm&threads=64&dataset=moons&maxSteps=150`);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(Number(await page.inputValue('input[name=threads]'))).toBe(cores);
    expect(await page.isDisabled('input[name=threads]')).toBe(false);

    await page.waitForSelector('body[data-state=stopped]', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#stats', 'data-step'))).toBe(150);
    expect(await page.textContent('#stop-reason')).toContain('step budget (150 steps)');
    await page.click('#run');
    await page.waitForSelector('body[data-state=stopped]', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#stats', 'data-step'))).toBe(300);
    expect(await page.inputValue('input[name=maxSteps]')).toBe('300');

    await page.selectOption('select[name=backend]', 'webgpu');
    expect(await page.isDisabled('input[name=threads]')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('stops early when the test NLL stops improving, and says so', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}index.html?backend=wasm&threads=1&dataset=moons&maxSteps=100000&patience=1`);
    await page.waitForSelector('body[data-state=stopped]', { timeout: 60_000 });
    expect(await page.textContent('#stop-reason')).toMatch(/Stopped early: the test NLL has not improved for \d+ steps \(best [\d.]+ at step \d+\)/);
    await page.close();
  });
});

describe('digit page', () => {
  for (const { name, width, height } of WIDTHS) {
    test(`${name}, ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(`${server.url}digit.html?backend=wasm`);
      await page.waitForSelector('body[data-state=ready]');
      await page.screenshot({ path: `${results}/digit-${name}.png`, fullPage: true });
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      expect(await cutOff(page, '.hint, .uncertainty, .buttons, nav a, .top p')).toEqual([]);
      expect(await widthOf(page, '#pad')).toBeGreaterThanOrEqual(Math.min(280, width - 40));
      expect(await widthOf(page, '.readout')).toBeGreaterThan(Math.min(300, width - 40));
      await page.close();
    });
  }

  test('refuses a model without 64 inputs and a file that is no model, clearing the old result; keeps the model in use', async () => {
    await bg.init({ backend: 'js' });
    const moons = await bg.io.saveSafetensors(new bg.nn.PackedMLP({ inFeatures: 2, hiddenFeatures: [8], numClasses: 2, numEstimators: 2 }));
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    const errors = reportPageErrors(page);
    await page.goto(`${server.url}digit.html?backend=wasm`);
    await page.waitForSelector('body[data-state=ready]');
    const pad = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.85, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('guess')!.textContent !== '?');

    await page.setInputFiles('#model-file', { name: 'moons.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(moons) });
    await page.waitForSelector('body[data-state=error]');
    expect(await page.textContent('#model-info')).toMatch(/Could not use moons\.safetensors: it takes 2 inputs per row; this page draws 8×8 = 64 pixels.*Still using bundled digits model\./);
    expect(await page.textContent('#guess')).toBe('?');
    expect(await page.locator('#votes > *').count()).toBe(0);

    await page.setInputFiles('#model-file', { name: 'notes.safetensors', mimeType: 'text/plain', buffer: Buffer.from('not a model '.repeat(400)) });
    await page.waitForFunction(() => document.getElementById('model-info')!.textContent!.includes('notes.safetensors'));
    expect(await page.textContent('#model-info')).toMatch(/Could not use notes\.safetensors: .*safetensors.*Still using bundled digits model\./);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${results}/digit-refused.png`, fullPage: true });
    expect(errors.filter((e) => !/Could not use|safetensors/.test(e))).toEqual([]);
    await page.close();
  });
});
