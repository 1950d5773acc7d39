// `npm start` as a user runs it: --json prints one JSON document alone on stdout (npm's, the kernel build's
// and the report's lines elsewhere), --save writes a file that the inference worker serves, every bad
// option is refused before training with what is allowed and the usage, -h prints the usage, a software
// WebGPU adapter gets a plain warning.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createInferenceWorker, init, predictBatch } from '../src/index.ts';
import { loadPackedMLP } from '../src/inference/index.ts';
import { evaluate } from '../app/training.ts';
import { trainTestSplit } from '../app/data/digits.ts';
import { loadDigits } from '../app/cli/load-digits.ts';
import { readTrainArgs } from '../app/cli/args.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const CLI = 'app/cli/train.ts';
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = (args: string[]) => spawnSync(tsx, [CLI, ...args], { cwd: root, encoding: 'utf8' });

/** The fields `--json` prints, as the README lists them. */
const METRICS = ['accuracy', 'nll', 'ece', 'brier'];
const UNCERTAINTY = ['entropy', 'mutualInformation', 'disagreement'];

describe('npm start', () => {
  it('--json through npm: stdout is one JSON document and nothing else, with every field the README lists', () => {
    const run = spawnSync('npm', ['start', '--silent', '--', '--json', '--epochs', '1', '--hidden', '32', '--backend', 'js'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout); // throws on anything before or after the document
    expect(Object.keys(result).sort()).toEqual(['backend', 'data', 'epochs', 'model', 'ood', 'seconds', 'singleEstimator', 'test']);
    expect(result).toMatchObject({ backend: 'js', model: 'mlp', data: 'digits', epochs: 1 });
    expect(result.seconds).toBeGreaterThan(0);
    expect(Object.keys(result.test).sort()).toEqual([...METRICS, ...UNCERTAINTY].sort());
    expect(Object.keys(result.singleEstimator).sort()).toEqual([...METRICS].sort());
    expect(Object.keys(result.ood).sort()).toEqual(['auroc', 'n', 'set', ...UNCERTAINTY].sort());
    expect(result.ood).toMatchObject({ set: 'noise images', n: 359 }); // as many as the test digits
    expect(result.test.accuracy).toBeGreaterThan(0.3);
    expect(result.ood.entropy).toBeGreaterThan(result.test.entropy); // less sure on noise than on digits
    expect(result.ood.auroc).toBeGreaterThan(0.5); // higher mutual information on noise than on digits
    expect(run.stderr).toContain('ensemble test: accuracy'); // the report went to stderr
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const key of [...Object.keys(result), ...Object.keys(result.ood), ...METRICS, ...UNCERTAINTY]) expect(readme, `README lists "${key}"`).toContain(`"${key}"`);
  });

  it('--backend webgpu on a software adapter (SwiftShader, as in CI) warns plainly on stderr before training; stdout stays one JSON document', () => {
    const run = cli(['--backend', 'webgpu', '--json', '--epochs', '1', '--hidden', '4', '--estimators', '1', '--alpha', '1', '--batch-size', '1438']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/software: true/);
    const warning = 'warning: this WebGPU adapter is a software renderer on the CPU (SwiftShader), not a GPU: training runs hundreds of times slower than with --backend wasm\n';
    expect(run.stderr).toContain(warning);
    expect(run.stderr.indexOf(warning)).toBeLessThan(run.stderr.indexOf('epoch   1')); // said when it starts, not after
    expect(JSON.parse(run.stdout)).toMatchObject({ backend: 'webgpu', epochs: 1 });
    expect(cli(['--backend', 'js', '--epochs', '1', '--hidden', '4']).stderr).not.toContain('software renderer');
  });

  it('builds nothing when the kernels are current, and would say so on stderr only', () => {
    execFileSync('npm', ['run', '--silent', 'build:kernels'], { cwd: root, stdio: 'ignore' });
    const again = spawnSync('npm', ['run', '--silent', 'build:kernels'], { cwd: root, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('');
  });

  it('--save writes a file that loadPackedMLP and createInferenceWorker rebuild as the model that was trained', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'blockgrad-cli-')), 'model.safetensors');
    const run = cli(['--epochs', '2', '--hidden', '32', '--backend', 'js', '--activation', 'gelu', '--json', '--save', file]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    await init({ backend: 'js' });
    const { model, config } = loadPackedMLP(new Uint8Array(readFileSync(file)));
    expect(config).toEqual({ inFeatures: 64, hiddenFeatures: [32], numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1, activation: 'gelu' });
    const { test } = trainTestSplit(loadDigits(), 0.2, 42);
    expect((await evaluate(model, test)).accuracy).toBe(result.test.accuracy);

    const worker = await createInferenceWorker({ model: file, backend: 'js' });
    const rows = test.x.subarray(0, 4 * 64);
    const served = await worker.predict(rows, 4);
    worker.terminate();
    const local = await predictBatch(model, rows, 4);
    expect(served.probs.length).toBe(4 * 10);
    served.probs.forEach((p, i) => expect(p).toBeCloseTo(local.probs[i], 6));
  });

  it('-h and --help print the usage on stdout', () => {
    for (const flag of ['-h', '--help']) {
      const run = cli([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: npm start -- \[options\]/);
      for (const opt of ['--epochs', '--estimators', '--alpha', '--gamma', '--hidden', '--batch-size', '--lr', '--seed', '--backend', '--precision', '--activation', '--threads', '--json', '--save']) expect(run.stdout).toContain(opt);
    }
  });

  it('refuses every bad option before training, saying what is allowed, then prints the usage', () => {
    const cases: [string[], string][] = [
      [['--epochs', '-1'], "--epochs must be a whole number >= 1, got '-1'"],
      [['--epochs', 'ten'], "--epochs must be a whole number >= 1, got 'ten'"],
      [['--lr', '-1'], "--lr must be a number > 0, got '-1'"],
      [['--lr', '0'], "--lr must be a number > 0, got '0'"],
      [['--alpha', '-2'], "--alpha must be a number > 0, got '-2'"],
      [['--alpha', '0'], "--alpha must be a number > 0, got '0'"],
      [['--hidden', '64,x'], "--hidden must be a whole number >= 1, got 'x'"],
      [['--seed', '1.5'], "--seed must be a whole number >= 0, got '1.5'"],
      [['--backend', 'cuda'], "--backend must be one of auto, webgpu, wasm, js, got 'cuda'"],
      [['--activation', 'tanh'], "--activation must be one of relu, gelu, gelu_tanh, got 'tanh'"],
      [['--threads', '0'], "--threads must be a whole number >= 1, got '0'"],
      [['--save', '/no/such/dir/m.safetensors'], '--save /no/such/dir/m.safetensors: the folder /no/such/dir does not exist'],
      [['--save', tmpdir()], `--save ${tmpdir()}: that is a folder; give a file name`],
      [['--bogus'], "Unknown option '--bogus'"],
    ];
    for (const [args, message] of cases) expect(() => readTrainArgs(args), args.join(' ')).toThrow(message);
    for (const [args, message] of [cases[0], cases[11]]) {
      const run = cli(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(`error: ${message}`);
      expect(run.stderr, args.join(' ')).toContain('Usage: npm start -- [options]');
      expect(run.stderr + run.stdout, args.join(' ')).not.toContain('epoch '); // nothing trained
    }
  });
});
