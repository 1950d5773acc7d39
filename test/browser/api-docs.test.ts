// The API reference (`npm run docs`, TypeDoc): builds without a warning (typedoc.json treats warnings as
// errors, and every public symbol without a docstring is one: validation.notDocumented), keeps the products
// in formulas (`(B, M*C)`) instead of turning them into emphasis, and its pages open from file:// without
// console errors.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../scripts/browser/chromium.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const api = `${root}docs/api/`;
let output = '';

beforeAll(async () => {
  const result = await run('npm', ['run', '--silent', 'docs'], { cwd: root }).catch((e: { stdout: string; stderr: string; code: number }) => e);
  output = `${result.stdout}\n${result.stderr}`;
  expect(output).not.toMatch(/\[warning\]|\[error\]/);
}, 240_000);

describe('API reference', () => {
  test('typedoc.json makes an undocumented public symbol an error', async () => {
    const config = JSON.parse(await readFile(`${root}typedoc.json`, 'utf8'));
    expect(config.validation?.notDocumented).toBe(true);
    expect(config.treatWarningsAsErrors).toBe(true);
  });

  test('formulas keep their products; icons come from the page', async () => {
    const page = await readFile(`${api}classes/nn.PackedMLP.html`, 'utf8');
    expect(page).toContain('(B, M*C)');
    expect(page).not.toMatch(/M<em>C/);
    expect(page).not.toContain('assets/icons.svg#');
    const options = await readFile(`${api}interfaces/nn.PackedMLPOptions.html`, 'utf8');
    for (const field of ['inFeatures', 'hiddenFeatures', 'numClasses', 'numEstimators', 'alpha', 'gamma', 'precision', 'activation', 'rng']) expect(options).toContain(field);
    expect(options).toContain('Default 2');
  });

  test('pages opened from file:// log no errors', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      for (const file of ['index.html', 'classes/nn.PackedMLP.html', 'functions/blockLinear.html']) {
        await page.goto(pathToFileURL(`${api}${file}`).href);
        await page.waitForLoadState('load');
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
