// `npm start`: train a packed ensemble (by default the Packed-Ensembles MLP on the bundled digits; with
// --model packed-lenet a packed LeNet on Fashion-MNIST) and print its metrics and uncertainty.
// Everything is checked before training; with --json, stdout carries one JSON document and nothing else.
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { backendInfo, init, io } from '../../src/index.ts';
import { evaluate, trainPackedLeNet, trainPackedMLP, type PackedClassifier, type TrainCallbacks, type TrainConfig } from '../training.ts';
import { trainTestSplit, type Dataset } from '../data/digits.ts';
import { digitsAsImages, noiseImages } from '../data/ood.ts';
import { loadDigits } from './load-digits.ts';
import { loadFashionMnist } from './load-fashion-mnist.ts';
import { readTrainArgs, usage, UsageError, type TrainArgs } from './args.ts';
import { uncertaintyReport } from './report.ts';

/** The data set's train and test splits and its out-of-distribution set, with their names for the report. */
function loadData(args: TrainArgs): { train: Dataset; test: Dataset; ood: Dataset; name: string; oodName: string } {
  if (args.data === 'digits') {
    const { train, test } = trainTestSplit(loadDigits(), 0.2, 42);
    return { train, test, ood: noiseImages(test, test.n, args.job.config.seed), name: 'digits', oodName: 'noise images' };
  }
  const { train, test } = loadFashionMnist(args.dataDir);
  return { train, test, ood: digitsAsImages(loadDigits(), 28), name: 'Fashion-MNIST', oodName: 'digits 28x28' };
}

function describe({ job }: TrainArgs): string {
  const c = job.config, common = `M = ${c.numEstimators}, alpha = ${c.alpha}, gamma = ${c.gamma}`;
  return job.model === 'mlp' ? `PackedMLP hidden ${job.config.hidden.join('x')}, ${common}, precision ${job.config.precision}` : `PackedLeNet, ${common}, norm ${job.config.norm}`;
}

async function main(): Promise<void> {
  const args = readTrainArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(usage());
    return;
  }
  const { job, backend, threads, json, save } = args;
  const config = job.config;
  const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');

  const data = loadData(args); // before the backend starts: a missing file fails at once
  const used = await init({ backend, threads });
  const info = backendInfo();
  log(`blockgrad: backend ${used} (${Object.entries(info.details).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  if (info.details.software) {
    process.stderr.write('warning: this WebGPU adapter is a software renderer on the CPU (SwiftShader), not a GPU: training runs hundreds of times slower than with --backend wasm\n');
  }

  const { train, test, ood } = data;
  log(`${data.name}: ${train.n} train / ${test.n} test ${train.shape ? 'images' : 'rows'}; ${describe(args)}`);

  const bar = new cliProgress.SingleBar(
    { format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} steps | loss {loss}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const callbacks: TrainCallbacks = {
    onStep: (p) => {
      if (p.step === 1) bar.start(p.stepsPerEpoch, 0, { epoch: p.epoch, epochs: config.epochs, loss: '…' });
      bar.update(p.step, { loss: Number.isNaN(p.loss) ? '…' : p.loss.toFixed(4) });
      if (p.step === p.stepsPerEpoch) bar.stop();
    },
    onEpoch: (r) =>
      log(`epoch ${String(r.epoch).padStart(3)}  loss ${r.loss.toFixed(4)}  train acc ${r.trainAccuracy.toFixed(4)}  test acc ${r.testAccuracy.toFixed(4)}`),
  };
  const started = performance.now();
  const model: PackedClassifier = job.model === 'mlp'
    ? (await trainPackedMLP(train, test, job.config, callbacks)).model
    : (await trainPackedLeNet(train, test, job.config, callbacks)).model;
  const seconds = (performance.now() - started) / 1000;
  const result = await evaluate(model, test);
  log(`\nensemble test: accuracy ${result.accuracy.toFixed(4)}  NLL ${result.nll.toFixed(4)}  ECE ${result.ece.toFixed(4)}  Brier ${result.brier.toFixed(4)}`);
  const u = await uncertaintyReport(model, test, ood);
  const single = result.singleEstimator;
  log(`mean single estimator: accuracy ${single.accuracy.toFixed(4)}  NLL ${single.nll.toFixed(4)}  ECE ${single.ece.toFixed(4)}  Brier ${single.brier.toFixed(4)}`);
  log(`mean per input              entropy  mutual inf.  disagreement`);
  for (const [what, v] of [[`test ${data.name} (${test.n})`, u.test], [`OOD: ${data.oodName} (${ood.n})`, u.ood]] as const) {
    log(`${what.padEnd(26)}  ${v.entropy.toFixed(4).padStart(7)}  ${v.mutualInformation.toFixed(4).padStart(11)}  ${v.disagreement.toFixed(4).padStart(12)}`);
  }
  log(`OOD detection: AUROC of the mutual information ${u.auroc.toFixed(4)} (${data.oodName} against test ${data.name}; 0.5 = no separation)`);
  log(`trained ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} in ${seconds.toFixed(2)} s on ${used}`);
  if (save) {
    const bytes = await io.saveTorchUncertainty(model); // the architecture goes into __metadata__ with the weights
    writeFileSync(save, bytes);
    log(`saved the model to ${save} (${bytes.length} bytes)`);
  }
  if (json) {
    const out = {
      backend: used, model: job.model, data: args.data, epochs: config.epochs, seconds,
      test: { accuracy: result.accuracy, nll: result.nll, ece: result.ece, brier: result.brier, ...u.test },
      singleEstimator: single,
      ood: { set: data.oodName, n: ood.n, auroc: u.auroc, ...u.ood },
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
