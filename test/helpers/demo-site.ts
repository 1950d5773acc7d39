// The demo site as the browser tests open it: built by Vite from demo/ into demo/dist, served cross-origin
// isolated like the real one, and Debian's Chromium to look at it.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/browser/chromium.ts';
import { serveStatic, type StaticServer } from '../../scripts/browser/server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where the tests' screenshots go (made by openDemoSite). */
export const results = `${root}test-results`;

/** Builds the demo, serves it and launches Chromium; close both with closeDemoSite. */
export async function openDemoSite(): Promise<{ server: StaticServer; browser: Browser }> {
  await build({ configFile: `${root}demo/vite.config.ts`, logLevel: 'error' });
  const [server, browser] = await Promise.all([serveStatic(`${root}demo/dist`), launchChromium()]);
  await mkdir(results, { recursive: true });
  return { server, browser };
}

/** Closes what openDemoSite opened (either may be missing when it failed). */
export async function closeDemoSite(server: StaticServer | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await server?.close();
}
