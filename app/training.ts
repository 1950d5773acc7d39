// Training and evaluating a packed ensemble (PackedMLP, PackedLeNet, PackedResNet) on an in-memory data set:
// the loop behind `npm start` and the demo. Reads one value back per `readEvery` steps, never inside a step.
import {
  add, backendName, crossEntropy, metrics, noGrad, nn, optim, repeat, Rng, softmax, tensor, tidy, TrainingGuard,
  type Precision, type Tensor,
} from '../src/index.ts';
import { subset, type Dataset } from './data/digits.ts';

const { accuracy, brier, ece, ensembleMean, estimatorProbs, nll } = metrics;
type PackedMLP = nn.PackedMLP;
type Probs = metrics.Probs;

/** A packed ensemble the loop trains: per-estimator logits (M·B, C) from a batch of the data set's samples. */
export type PackedClassifier = nn.PackedMLP | nn.PackedLeNet | nn.PackedResNet;

/** How the loop trains, whatever the model. */
export interface LoopConfig {
  epochs: number;
  batchSize: number;
  /** Adam's learning rate, cosine-annealed over the epochs. */
  lr: number;
  /** Seeds the initialisation and the shuffling. */
  seed: number;
  /** Read the running loss back every this many steps (for progress display). */
  readEvery?: number;
  /** Steps between host snapshots that let training survive a lost GPU (see TrainingGuard). */
  snapshotEvery?: number;
  /** 'f16': AMP, f16 block GEMMs with a GradScaler (one value read back per step). Default 'f32'. */
  precision?: Precision;
}

/** A PackedMLP and how to train it. */
export interface TrainConfig extends LoopConfig {
  numEstimators: number;
  alpha: number;
  gamma: number;
  hidden: number[];
  /** Activation fused into the hidden layers. Default 'relu'. */
  activation?: nn.MLPActivation;
}

/** A PackedLeNet (TorchUncertainty's packed_lenet, made to run: see nn.PackedLeNet) and how to train it. */
export interface LeNetTrainConfig extends LoopConfig {
  numEstimators: number;
  alpha: number;
  gamma: number;
  /** BatchNorm2d after each convolution, or none (nn.PackedLeNet's default, as TorchUncertainty's). */
  norm?: 'identity' | 'batchnorm';
  dropoutRate?: number;
}

export const defaultTrainConfig: TrainConfig = {
  epochs: 20,
  batchSize: 64,
  lr: 3e-3,
  numEstimators: 4,
  alpha: 2,
  gamma: 1,
  hidden: [128, 128],
  seed: 0,
};

export interface Evaluation {
  accuracy: number;
  nll: number;
  ece: number;
  brier: number;
  /** Mean over estimators of each one's own metrics. */
  singleEstimator: { accuracy: number; nll: number; ece: number; brier: number };
}

/** The ensemble's training accuracy is measured on at most this many training rows (the first ones) after each epoch. */
export const TRAIN_ACCURACY_ROWS = 10_000;

/**
 * Packed LeNet on Fashion-MNIST: 4 estimators, alpha 2, BatchNorm after each convolution, Adam at 2e-3
 * (cosine-annealed) over 20 epochs of batches of 64 (`npm start -- --model packed-lenet`): test accuracy
 * 0.9078 (the full data set, seed 0, 2 threads), where 10 epochs reached 0.898–0.900.
 */
export const defaultLeNetConfig: LeNetTrainConfig = {
  epochs: 20,
  batchSize: 64,
  lr: 2e-3,
  numEstimators: 4,
  alpha: 2,
  gamma: 1,
  norm: 'batchnorm',
  seed: 0,
};

export interface EpochReport {
  epoch: number;
  loss: number;
  /** On the first TRAIN_ACCURACY_ROWS training rows. */
  trainAccuracy: number;
  testAccuracy: number;
}

export interface TrainProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Latest mean loss of the epoch read back (NaN before the first read). */
  loss: number;
}

export interface TrainCallbacks {
  onStep?: (p: TrainProgress) => void;
  onEpoch?: (r: EpochReport) => void;
  /** The device was lost and training moved to the fallback backend. */
  onFallback?: (reason: string, backend: string) => void;
}

/** The shape of one sample: [features] for rows, [C, H, W] for images. */
export const sampleShape = (d: Dataset): number[] => d.shape ?? [d.features];

/**
 * Per-estimator probabilities, estimator-major [M*N, C], of a whole data set (batched, no grad, in eval mode:
 * BatchNorm's running statistics, no dropout; the model's mode is restored after).
 */
export async function predictEstimators(model: PackedClassifier, data: Dataset, batchSize = 512): Promise<Probs> {
  const C = model.numClasses, M = model.numEstimators, wasTraining = model.training;
  const out = new Float32Array(M * data.n * C);
  model.eval();
  try {
    for (let start = 0; start < data.n; start += batchSize) {
      const n = Math.min(batchSize, data.n - start);
      const probs = noGrad(() =>
        tidy(() => {
          const x = tensor(data.x.subarray(start * data.features, (start + n) * data.features), [n, ...sampleShape(data)]);
          return softmax(model.estimatorLogits(x));
        }),
      );
      const values = (await probs.data()) as Float32Array;
      probs.dispose();
      for (let m = 0; m < M; m++) out.set(values.subarray(m * n * C, (m + 1) * n * C), (m * data.n + start) * C);
    }
  } finally {
    model.train(wasTraining);
  }
  return { data: out, classes: C };
}

export async function evaluate(model: PackedClassifier, data: Dataset): Promise<Evaluation> {
  const per = await predictEstimators(model, data);
  const mean = ensembleMean(per, model.numEstimators);
  const M = model.numEstimators;
  const single = { accuracy: 0, nll: 0, ece: 0, brier: 0 };
  for (let m = 0; m < M; m++) {
    const p = estimatorProbs(per, M, m);
    single.accuracy += accuracy(p, data.y) / M;
    single.nll += nll(p, data.y) / M;
    single.ece += ece(p, data.y) / M;
    single.brier += brier(p, data.y) / M;
  }
  return { accuracy: accuracy(mean, data.y), nll: nll(mean, data.y), ece: ece(mean, data.y), brier: brier(mean, data.y), singleEstimator: single };
}

/** Trains a PackedMLP with Adam and a cosine schedule; returns the model and the per-epoch history. */
export async function trainPackedMLP(
  train: Dataset,
  test: Dataset,
  config: TrainConfig,
  callbacks: TrainCallbacks = {},
): Promise<{ model: PackedMLP; history: EpochReport[] }> {
  const rng = new Rng(config.seed);
  const model = new nn.PackedMLP({
    inFeatures: train.features,
    hiddenFeatures: config.hidden,
    numClasses: train.classes,
    numEstimators: config.numEstimators,
    alpha: config.alpha,
    gamma: config.gamma,
    precision: config.precision,
    activation: config.activation,
    rng,
  });
  return { model, history: await trainModel(model, train, test, config, rng, callbacks) };
}

/**
 * Trains a PackedLeNet on images ([n, C, H, W] samples, H and W at least 12) with Adam and a cosine schedule.
 * @throws when the data set holds rows, not images, or precision is 'f16' (the convolutions run in f32 only).
 */
export async function trainPackedLeNet(
  train: Dataset,
  test: Dataset,
  config: LeNetTrainConfig,
  callbacks: TrainCallbacks = {},
): Promise<{ model: nn.PackedLeNet; history: EpochReport[] }> {
  const shape = sampleShape(train);
  if (shape.length !== 3 || shape[1] < 12 || shape[2] < 12) throw new Error(`a packed LeNet trains on images of at least 12x12, not samples of shape [${shape.join(', ')}]`);
  if (config.precision === 'f16') throw new Error("a packed LeNet trains at precision 'f32' only (its convolutions have no f16 path)");
  const rng = new Rng(config.seed);
  const model = new nn.PackedLeNet({
    inChannels: shape[0], numClasses: train.classes, numEstimators: config.numEstimators, alpha: config.alpha, gamma: config.gamma,
    norm: config.norm, dropoutRate: config.dropoutRate, rng,
  });
  return { model, history: await trainModel(model, train, test, config, rng, callbacks) };
}

/** The loop: Adam with a cosine schedule over the epochs, shuffled by rng; returns the per-epoch history. */
export async function trainModel(
  model: PackedClassifier,
  train: Dataset,
  test: Dataset,
  config: LoopConfig,
  rng: Rng,
  callbacks: TrainCallbacks = {},
): Promise<EpochReport[]> {
  const optimizer = new optim.Adam(model.parameters(), { lr: config.lr });
  const scaler = config.precision === 'f16' ? new optim.GradScaler() : null;
  const schedule = new optim.CosineAnnealingLR(optimizer, config.epochs);
  const stepsPerEpoch = Math.ceil(train.n / config.batchSize);
  const readEvery = config.readEvery ?? 10;
  const history: EpochReport[] = [];
  const order = Array.from({ length: train.n }, (_, i) => i);
  const trainHead = train.n > TRAIN_ACCURACY_ROWS ? head(train, TRAIN_ACCURACY_ROWS) : train;
  let lossSum: Tensor | null = null; // summed on the backend: no readback inside a step
  let summedSteps = 0;
  const guard = new TrainingGuard<number[]>(model, optimizer, {
    snapshotEvery: config.snapshotEvery,
    ...(scaler ? { scaler } : {}),
    onFallback: (reason) => {
      lossSum?.dispose(); // it lived on the lost device
      lossSum = null;
      summedSteps = 0;
      callbacks.onFallback?.(reason, backendName());
    },
  });
  const trainStep = async (rows: number[]): Promise<Tensor> => {
    const loss = backwardLoss(model, train, rows, scaler ? (l) => scaler.scale(l) : undefined);
    if (scaler) {
      await scaler.step(optimizer);
      scaler.update();
    } else optimizer.step();
    optimizer.zeroGrad();
    return loss;
  };
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    rng.shuffle(order);
    model.train();
    let meanLoss = NaN;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const loss = await guard.step(order.slice(step * config.batchSize, (step + 1) * config.batchSize), trainStep);
      const previous: Tensor | null = lossSum;
      lossSum = previous ? noGrad(() => add(previous, loss)) : loss;
      summedSteps++;
      if (previous) {
        previous.dispose();
        loss.dispose();
      }
      if ((step + 1) % readEvery === 0 || step === stepsPerEpoch - 1) {
        await guard.ensureAlive(trainStep);
        if (lossSum) meanLoss = (await lossSum.item()) / summedSteps;
        if (!Number.isFinite(meanLoss)) {
          lossSum?.dispose();
          throw new Error(`training diverged: the loss is ${meanLoss} at epoch ${epoch}, step ${step + 1}; lower the learning rate (now ${optimizer.lr})`);
        }
      }
      callbacks.onStep?.({ epoch, step: step + 1, stepsPerEpoch, loss: meanLoss });
    }
    lossSum?.dispose();
    lossSum = null;
    summedSteps = 0;
    schedule.step();
    await guard.ensureAlive(trainStep);
    const report: EpochReport = {
      epoch,
      loss: meanLoss,
      trainAccuracy: (await evaluate(model, trainHead)).accuracy,
      testAccuracy: (await evaluate(model, test)).accuracy,
    };
    history.push(report);
    callbacks.onEpoch?.(report);
  }
  model.eval();
  optimizer.dispose();
  return history;
}

/**
 * The loss of a batch (the data set's `rows`): mean cross-entropy of every estimator's logits against the labels
 * repeated per estimator, TorchUncertainty's routine; its gradients accumulated by backward (of `scale(loss)` when
 * given: a GradScaler). Returns the loss, on the backend, not read back.
 */
export function backwardLoss(model: PackedClassifier, data: Dataset, rows: number[], scale?: (loss: Tensor) => Tensor): Tensor {
  const batch = subset(data, rows);
  return tidy(() => {
    const x = tensor(batch.x, [rows.length, ...sampleShape(data)]);
    const labels = tensor(batch.y, [rows.length], { dtype: 'i32' });
    const l = crossEntropy(model.estimatorLogits(x), repeat(labels, model.numEstimators));
    (scale ? scale(l) : l).backward();
    return l;
  });
}

/** The first n rows of a data set (views, no copy). */
function head(d: Dataset, n: number): Dataset {
  return { ...d, x: d.x.subarray(0, n * d.features), y: d.y.subarray(0, n), n };
}
