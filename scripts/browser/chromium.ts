// Debian's Chromium driven by playwright-core (never a downloaded browser), with WebGPU on SwiftShader; shared by the
// browser tests and bench/webgpu-chromium.ts.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects the page's main-thread long tasks (> 50 ms) from the start, as [startTime, duration] pairs. */
export async function watchLongTasks(page: Page): Promise<() => Promise<{ start: number; duration: number }[]>> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    Object.assign(globalThis, { longTasks: tasks });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  return () => page.evaluate(() => (globalThis as unknown as { longTasks: { start: number; duration: number }[] }).longTasks);
}

/** Forwards the page's errors to the test's output, so a failure says why. */
export function reportPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text() + ' ' + JSON.stringify(m.location())));
  return errors;
}
