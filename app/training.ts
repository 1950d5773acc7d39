// Training and evaluating a Packed-Ensembles MLP on an in-memory data set: the loop behind `npm start`
// and the demo. Reads one value back per `readEvery` steps, never inside a step.
import {
  add, backendName, crossEntropy, metrics, noGrad, nn, optim, repeat, Rng, softmax, tensor, tidy, TrainingGuard,
  type Precision, type Tensor,
} from '../src/index.ts';
import type { Dataset } from './data/digits.ts';

const { accuracy, brier, ece, ensembleMean, estimatorProbs, nll } = metrics;
type PackedMLP = nn.PackedMLP;
type Probs = metrics.Probs;

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  numEstimators: number;
  alpha: number;
  gamma: number;
  hidden: number[];
  seed: number;
  /** Read the running loss back every this many steps (for progress display). */
  readEvery?: number;
  /** Steps between host snapshots that let training survive a lost GPU (see TrainingGuard). */
  snapshotEvery?: number;
  /** 'f16': AMP, f16 block GEMMs with a GradScaler (one value read back per step). Default 'f32'. */
  precision?: Precision;
  /** Activation fused into the hidden layers. Default 'relu'. */
  activation?: 'relu' | 'gelu';
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

export interface EpochReport {
  epoch: number;
  loss: number;
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

/** Per-estimator probabilities, estimator-major [M*N, C], of a whole data set (batched, no grad). */
export async function predictEstimators(model: PackedMLP, data: Dataset, batchSize = 512): Promise<Probs> {
  const C = model.numClasses, M = model.numEstimators;
  const out = new Float32Array(M * data.n * C);
  for (let start = 0; start < data.n; start += batchSize) {
    const n = Math.min(batchSize, data.n - start);
    const probs = noGrad(() =>
      tidy(() => {
        const x = tensor(data.x.subarray(start * data.features, (start + n) * data.features), [n, data.features]);
        return softmax(model.estimatorLogits(x));
      }),
    );
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    for (let m = 0; m < M; m++) out.set(values.subarray(m * n * C, (m + 1) * n * C), (m * data.n + start) * C);
  }
  return { data: out, classes: C };
}

export async function evaluate(model: PackedMLP, data: Dataset): Promise<Evaluation> {
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
  const M = config.numEstimators;
  const model = new nn.PackedMLP({
    inFeatures: train.features,
    hiddenFeatures: config.hidden,
    numClasses: train.classes,
    numEstimators: M,
    alpha: config.alpha,
    gamma: config.gamma,
    precision: config.precision,
    activation: config.activation,
    rng,
  });
  const optimizer = new optim.Adam(model.parameters(), { lr: config.lr });
  const scaler = config.precision === 'f16' ? new optim.GradScaler() : null;
  const schedule = new optim.CosineAnnealingLR(optimizer, config.epochs);
  const stepsPerEpoch = Math.ceil(train.n / config.batchSize);
  const readEvery = config.readEvery ?? 10;
  const history: EpochReport[] = [];
  const order = Array.from({ length: train.n }, (_, i) => i);
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
    const batch = batchOf(train, rows);
    const loss = tidy(() => {
      const x = tensor(batch.x, [rows.length, train.features]);
      const labels = tensor(batch.y, [rows.length], { dtype: 'i32' });
      const l = crossEntropy(model.estimatorLogits(x), repeat(labels, M));
      (scaler ? scaler.scale(l) : l).backward();
      return l;
    });
    if (scaler) {
      await scaler.step(optimizer);
      scaler.update();
    } else optimizer.step();
    optimizer.zeroGrad();
    return loss;
  };
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    rng.shuffle(order);
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
      trainAccuracy: (await evaluate(model, train)).accuracy,
      testAccuracy: (await evaluate(model, test)).accuracy,
    };
    history.push(report);
    callbacks.onEpoch?.(report);
  }
  optimizer.dispose();
  return { model, history };
}

function batchOf(d: Dataset, rows: number[]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(rows.length * d.features), y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(d.x.subarray(r * d.features, (r + 1) * d.features), i * d.features);
    y[i] = d.y[r];
  });
  return { x, y };
}
