// The npm package: `npm pack` gives a tarball without dev files that installs into a fresh project and works
// with a plain import in Node, type-checks in a strict TypeScript project, and runs in a Vite-bundled page.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { build } from 'vite';
import { launchChromium, reportPageErrors } from '../../scripts/browser/chromium.ts';
import { serveStatic } from '../../scripts/browser/server.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const consumerFiles = fileURLToPath(new URL('./consumer/', import.meta.url));

const consumerTs = `
import { createInferenceWorker, init, nn, optim, tensor, tidy, type InferenceWorker, type Prediction, type Tensor } from 'blockgrad';

export async function run(bytes: Uint8Array): Promise<number> {
  await init({ backend: 'auto' });
  const model = new nn.PackedMLP({ inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2 });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const out: Tensor = tidy(() => model.forward(tensor(new Float32Array(8), [2, 4])));
  opt.step();
  const worker: InferenceWorker = await createInferenceWorker({ model: bytes });
  const p: Prediction = await worker.predict(new Float32Array(4), 1);
  worker.terminate();
  return out.size + p.entropy[0] + worker.config.numClasses;
}
`;

const tsconfig = {
  compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false, noEmit: true },
  files: ['consumer.ts'],
};

let project: string;
let files: string[];

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'blockgrad-consumer-'));
  await run('npm', ['run', 'build'], { cwd: root });
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: root });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  files = packed.files.map((f) => f.path);
  await cp(consumerFiles, project, { recursive: true });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(join(project, 'consumer.ts'), consumerTs);
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', join(project, packed.filename)], { cwd: project });
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('npm package', () => {
  test('ships the built library and its declarations, and no sources, tests or demo', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/inference/client.d.ts');
    expect(files.filter((f) => !/^(dist\/.*\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(f))).toEqual([]);
  });

  test('imports in Node: a forward pass on wasm and the inference worker', async () => {
    const { stdout } = await run('node', ['node-consumer.mjs'], { cwd: project });
    const result = JSON.parse(stdout);
    expect(result.backend).toBe('wasm');
    expect(result.logits).toBe(2 * 2 * 3); // rows × estimators × classes
    expect(result.estimators).toBe(2);
    expect(result.probs.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(2, 5);
  });

  test('requires from a CommonJS project, one engine for require() and import()', async () => {
    const { stdout } = await run('node', ['cjs-consumer.cjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ backend: 'js', logits: 2 * 2 * 3, sameEngine: true });
  });

  // Issue: from the installed tarball, `node --input-type=module -e` failed ("Dynamic require of
  // node:worker_threads is not supported": the eval'd kernel workers inherit the flags and run as ES modules),
  // and 'auto' fell back to js without a word. A loader hook rides along, as tsx's or a profiler's would.
  test('a one-liner under node --input-type=module -e with a loader hook: wasm threads, the inference worker, and every fallback says why', async () => {
    await writeFile(join(project, 'pass-through-hooks.mjs'),
      "import { register } from 'node:module';\nregister('data:text/javascript,export async function resolve(s, c, next) { return next(s, c); }');\n");
    const oneLiner = [
      "import * as bg from 'blockgrad';",
      "const auto = await bg.init({ backend: 'auto' });",
      'const because = bg.backendInfo().details.fallbackBecause;',
      "const gpu = await bg.init({ backend: 'webgpu' }).then(() => 'started', (e) => e.message);",
      "await bg.init({ backend: 'wasm', threads: 2 });",
      'const x = bg.ones([300, 300]);', // 90,000 elements: split over the kernel workers
      'const sum = (await bg.add(x, x).data()).reduce((a, b) => a + b, 0);',
      'const config = { inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };',
      'const model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(1) });',
      'const bytes = await bg.io.saveSafetensors(model, bg.packedMLPMetadata(config));',
      "const worker = await bg.createInferenceWorker({ model: bytes, backend: 'wasm', threads: 2 });",
      'const p = await worker.predict(new Float32Array(8), 2);',
      'worker.terminate();',
      "console.log(JSON.stringify({ auto, because, gpu, threads: bg.backendInfo().details.threads, sum, workerBackend: worker.backend.name, probs: p.probs.length }));",
    ].join('\n');
    const { stdout, stderr } = await run('node', ['--import', './pass-through-hooks.mjs', '--input-type=module', '-e', oneLiner], { cwd: project });
    const result = JSON.parse(stdout);
    const missingWebgpu = 'webgpu backend: WebGPU in Node needs the `webgpu` package (Dawn), an optional peer dependency of blockgrad: install it with `npm install webgpu`';
    expect(result).toEqual({ auto: 'wasm', because: `webgpu: ${missingWebgpu}`, gpu: missingWebgpu, threads: 2, sum: 180_000, workerBackend: 'wasm', probs: 2 * 3 });
    expect(stderr.split('\n').filter((l) => l.startsWith('blockgrad:'))).toEqual([`blockgrad: init({ backend: 'auto' }) chose wasm: webgpu: ${missingWebgpu}`]);
  });

  // Issue: the inference worker's code is evaluated from a string, so it resolved `webgpu` from the working
  // directory: run from anywhere else, a worker fell back to wasm saying "install it with npm install webgpu"
  // though the package sat beside the library, and a Dawn device ended with a worker aborted the process.
  test('the inference worker finds `webgpu` where the library is installed, from any working directory, and ends cleanly', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'blockgrad-cwd-'));
    const script = [
      `const bg = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)});`,
      "await bg.init({ backend: 'auto' });",
      'const config = { inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };',
      'const model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(1) });',
      'const bytes = await bg.io.saveSafetensors(model, bg.packedMLPMetadata(config));',
      "const auto = await bg.createInferenceWorker({ model: bytes, backend: 'auto' });",
      "const gpu = await bg.createInferenceWorker({ model: bytes, backend: 'webgpu' });",
      'const p = await gpu.predict(new Float32Array(8), 2);',
      'auto.terminate();',
      'gpu.terminate();',
      'console.log(JSON.stringify({ main: bg.backendInfo(), auto: auto.backend, gpu: gpu.backend.name, probs: Array.from(p.probs) }));',
    ].join('\n');
    try {
      const { stdout, stderr } = await run('node', ['--input-type=module', '-e', script], { cwd: elsewhere });
      const result = JSON.parse(stdout);
      // the worker's fallback warning is handed to the host, which prints the same message once
      const because = result.main.details.fallbackBecause;
      expect(stderr.split('\n').filter((l) => l.startsWith('blockgrad:'))).toEqual(because ? [`blockgrad: init({ backend: 'auto' }) chose ${result.main.name}: ${because}`] : []);
      expect(result.auto.name).toBe(result.main.name);
      expect(result.auto.details.fallbackBecause).toBe(result.main.details.fallbackBecause);
      expect(result.auto.details.fallbackBecause).not.toMatch(/npm install webgpu/);
      expect(result.gpu).toBe('webgpu');
      expect(result.probs.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(2, 5);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  test('declares webgpu as an optional peer dependency', async () => {
    const pkg = JSON.parse(await readFile(join(project, 'node_modules/blockgrad/package.json'), 'utf8'));
    expect(pkg.peerDependencies).toEqual({ webgpu: expect.any(String) });
    expect(pkg.peerDependenciesMeta).toEqual({ webgpu: { optional: true } });
  });

  test('type-checks in a strict NodeNext TypeScript project, its declarations importing .js paths', async () => {
    const dist = join(project, 'node_modules/blockgrad/dist');
    const declarations = files.filter((f) => f.endsWith('.d.ts')).map((f) => join(project, 'node_modules/blockgrad', f));
    for (const file of declarations) expect(await readFile(file, 'utf8'), file).not.toMatch(/from\s*['"]\.\.?\/[^'"]*\.ts['"]/);
    expect(await readFile(join(dist, 'index.d.ts'), 'utf8')).toContain("from './inference/index.js'");
    const tsc = join(root, 'node_modules/.bin/tsc');
    await expect(run(tsc, ['-p', join(project, 'tsconfig.json')], { cwd: project })).resolves.toBeDefined();
  });

  test('bundles with Vite into a page that runs the wasm backend and the inference worker', async () => {
    await build({ root: project, logLevel: 'error', build: { outDir: join(project, 'dist') } });
    const [server, browser] = await Promise.all([serveStatic(join(project, 'dist')), launchChromium()]);
    try {
      const page = await browser.newPage();
      const errors = reportPageErrors(page);
      await page.goto(`${server.url}index.html`);
      await page.waitForFunction(() => document.body.dataset.result || document.body.dataset.error, null, { timeout: 60_000 });
      expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
      const result = JSON.parse((await page.evaluate(() => document.body.dataset.result))!);
      expect(result.backend.name).toBe('wasm');
      expect(result.backend.details.threads).toBe(2);
      expect(result.workerBackend).toBe('wasm');
      expect(result.probs.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(2, 5);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
