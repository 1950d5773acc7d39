// Every TypeScript example in README.md is a complete program: extracted as written, type-checked under
// `strict` (imports of 'blockgrad' resolve to src/index.ts) and run with tsx, each in a fresh process.
// They run in test-results/readme-examples/, which holds the one file an example reads and does not write:
// `model.safetensors`, a checkpoint of the TorchUncertainty section's model (64 -> [128, 128] -> 10,
// M = 4, alpha 2) in the layout `saveTorchUncertainty` writes.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const dir = join(root, 'test-results/readme-examples');
const bin = (name: string) => join(root, 'node_modules/.bin', name);

/** The README's ```ts blocks, in order, with the line each starts on. */
function examples(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    out.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1] });
  }
  return out;
}

const tsconfig = {
  extends: '../../tsconfig.json',
  compilerOptions: { strict: true, noEmit: true, paths: { blockgrad: ['../../src/index.ts'] } },
  include: ['example-*.ts', '../../src/**/*.d.ts'],
};

let found: { line: number; code: string; file: string }[] = [];

beforeAll(async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  found = examples(readme).map((e, k) => ({ ...e, file: `example-${k + 1}.ts` }));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  for (const e of found) await writeFile(join(dir, e.file), `// README.md line ${e.line}\n${e.code}`);
  await bg.init({ backend: 'js' });
  const model = new bg.nn.PackedMLP({ inFeatures: 64, hiddenFeatures: [128, 128], numClasses: 10, numEstimators: 4, alpha: 2, rng: new bg.Rng(1) });
  await writeFile(join(dir, 'model.safetensors'), await bg.io.saveTorchUncertainty(model));
});

describe('README examples', () => {
  it('finds the examples: a training loop, AMP with TrainingGuard, TorchUncertainty, the inference worker', () => {
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.map((e) => e.code).join('\n')).toMatch(/TrainingGuard[\s\S]*loadTorchUncertainty[\s\S]*createInferenceWorker/);
  });

  it('type-check under strict settings', async () => {
    const result = await run(bin('tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir }).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  });

  it('run as written', async () => {
    for (const e of found) {
      const result = await run(bin('tsx'), ['--tsconfig', 'tsconfig.json', e.file], { cwd: dir, timeout: 120_000 })
        .then((r) => ({ ...r, code: 0 }), (err: { stdout: string; stderr: string; code: number }) => err);
      expect(result.code, `README.md line ${e.line} (${e.file}) failed:\n${result.stderr}`).toBe(0);
      if (e.code.includes('bg.memory()')) {
        // The first example says nothing leaks between steps: the live tensor count is the same after each.
        const counts = [...result.stdout.matchAll(/tensors: (\d+)/g)].map((m) => Number(m[1]));
        expect(counts.length).toBeGreaterThan(1);
        expect(new Set(counts).size).toBe(1);
      }
    }
  });
});
