// `npm start`: train the default Packed-Ensembles MLP on the bundled digits and print its metrics.
// Everything is checked before training; with --json, stdout carries one JSON document and nothing else.
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { backendInfo, init, io } from '../../src/index.ts';
import { evaluate, trainPackedMLP, type TrainConfig } from '../training.ts';
import { trainTestSplit } from '../data/digits.ts';
import { loadDigits } from './load-digits.ts';
import { readTrainArgs, usage, UsageError } from './args.ts';
import { uncertaintyReport } from './report.ts';

async function main(): Promise<void> {
  const args = readTrainArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(usage());
    return;
  }
  const { config, backend, threads, json, save } = args;
  const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');

  const used = await init({ backend, threads });
  const info = backendInfo();
  log(`blockgrad: backend ${used} (${Object.entries(info.details).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  if (info.details.software) {
    process.stderr.write('warning: this WebGPU adapter is a software renderer on the CPU (SwiftShader), not a GPU: training runs hundreds of times slower than with --backend wasm\n');
  }

  const { train, test } = trainTestSplit(loadDigits(), 0.2, 42);
  log(`digits: ${train.n} train / ${test.n} test rows; PackedMLP hidden ${config.hidden.join('x')}, M = ${config.numEstimators}, alpha = ${config.alpha}, gamma = ${config.gamma}, precision ${config.precision}`);

  const bar = new cliProgress.SingleBar(
    { format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} steps | loss {loss}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const { model } = await trainPackedMLP(train, test, config, {
    onStep: (p) => {
      if (p.step === 1) bar.start(p.stepsPerEpoch, 0, { epoch: p.epoch, epochs: config.epochs, loss: '…' });
      bar.update(p.step, { loss: Number.isNaN(p.loss) ? '…' : p.loss.toFixed(4) });
      if (p.step === p.stepsPerEpoch) bar.stop();
    },
    onEpoch: (r) =>
      log(`epoch ${String(r.epoch).padStart(3)}  loss ${r.loss.toFixed(4)}  train acc ${r.trainAccuracy.toFixed(4)}  test acc ${r.testAccuracy.toFixed(4)}`),
  });
  const seconds = (performance.now() - started) / 1000;
  const result = await evaluate(model, test);
  log(`\nensemble test: accuracy ${result.accuracy.toFixed(4)}  NLL ${result.nll.toFixed(4)}  ECE ${result.ece.toFixed(4)}  Brier ${result.brier.toFixed(4)}`);
  const u = await uncertaintyReport(model, test, config.seed);
  const single = result.singleEstimator;
  log(`mean single estimator: accuracy ${single.accuracy.toFixed(4)}  NLL ${single.nll.toFixed(4)}  ECE ${single.ece.toFixed(4)}  Brier ${single.brier.toFixed(4)}`);
  log(`mean per input        entropy  mutual inf.  disagreement`);
  for (const [what, v] of [[`test digits (${test.n})`, u.test], [`noise images (${test.n})`, u.noise]] as const) {
    log(`${what.padEnd(20)}  ${v.entropy.toFixed(4).padStart(7)}  ${v.mutualInformation.toFixed(4).padStart(11)}  ${v.disagreement.toFixed(4).padStart(12)}`);
  }
  log(`trained ${config.epochs} epochs in ${seconds.toFixed(2)} s on ${used}`);
  if (save) {
    const bytes = await io.saveTorchUncertainty(model); // the architecture goes into __metadata__ with the weights
    writeFileSync(save, bytes);
    log(`saved the model to ${save} (${bytes.length} bytes)`);
  }
  if (json) {
    const out = {
      backend: used, epochs: config.epochs, seconds,
      test: { accuracy: result.accuracy, nll: result.nll, ece: result.ece, brier: result.brier, ...u.test },
      singleEstimator: single,
      noise: u.noise,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

main().then(
  () => process.exit(0), // worker pools and GPU handles must not keep the process alive
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (err instanceof UsageError) process.stderr.write(`\n${usage()}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);

export type { TrainConfig };
