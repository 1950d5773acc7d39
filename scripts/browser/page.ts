// A page for headless Chromium: one TypeScript module bundled by esbuild into a fresh temporary folder,
// beside an index.html that loads it (the pages of bench/webgpu-chromium.ts and test/browser-gemm.test.ts).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundles the module at path `entry` (ESM, es2022) and writes an index.html titled `title` that loads it; returns the new folder, which the caller removes. */
export async function bundlePage(entry: string, title: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'blockgrad-page-'));
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'page.js'), external: ['node:*'], logLevel: 'error' });
  await writeFile(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>`);
  return dir;
}
