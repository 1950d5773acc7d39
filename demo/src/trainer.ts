// Trains a PackedMLP in chunks of roughly fixed wall time, so the worker answers between chunks
// (pausing is simply not asking for the next chunk), and evaluates it after each chunk.
import {
  add, backendInfo, crossEntropy, init, io, metrics, nn, noGrad, optim, predictBatch, repeat, Rng, tensor, tidy,
  type PackedMLPConfig, type Tensor,
} from '../../src/index.ts';
import { subset, type Dataset } from '../../app/data/digits.ts';
import { loadDataset } from './datasets.ts';
import { PLANE, type Progress, type Settings, type Started } from './protocol.ts';

/** Steps between loss read-backs (the only points where the chunk's clock is checked). */
const READ_EVERY = 5;

function planeGrid(): Float32Array {
  const { min, max, cells } = PLANE, step = (max - min) / cells;
  const xy = new Float32Array(cells * cells * 2);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      xy[(r * cells + c) * 2] = min + (c + 0.5) * step;
      xy[(r * cells + c) * 2 + 1] = max - (r + 0.5) * step; // row 0 at the top
    }
  }
  return xy;
}

export class Trainer {
  private order: number[];
  private cursor = 0;
  private step = 0;
  private epoch = 0;
  private readonly grid: Float32Array | null;

  private constructor(
    private readonly settings: Settings,
    private readonly config: PackedMLPConfig,
    private readonly model: nn.PackedMLP,
    private readonly optimizer: optim.Adam,
    private readonly train: Dataset,
    private readonly test: Dataset,
    private readonly rng: Rng,
  ) {
    this.order = Array.from({ length: train.n }, (_, i) => i);
    this.grid = train.features === 2 ? planeGrid() : null;
  }

  static async create(settings: Settings): Promise<{ trainer: Trainer; started: Started }> {
    await init({ backend: settings.backend, threads: settings.threads });
    const { train, test } = await loadDataset(settings.dataset, settings.seed);
    const rng = new Rng(settings.seed);
    const config: PackedMLPConfig = {
      inFeatures: train.features,
      hiddenFeatures: Array.from({ length: settings.depth }, () => settings.width),
      numClasses: train.classes,
      numEstimators: settings.estimators,
      alpha: settings.alpha,
      gamma: settings.gamma,
    };
    const model = new nn.PackedMLP({ ...config, rng });
    const optimizer = new optim.Adam(model.parameters(), { lr: settings.lr });
    const trainer = new Trainer(settings, config, model, optimizer, train, test, rng);
    const started: Started = {
      backend: backendInfo(),
      classes: train.classes,
      trainRows: train.n,
      testRows: test.n,
      parameters: model.parameters().reduce((s, p) => s + p.size, 0),
      points: trainer.grid ? { x: train.x, y: train.y } : undefined,
    };
    return { trainer, started };
  }

  async run(ms: number, maxSteps: number): Promise<Progress> {
    const begin = performance.now();
    let lossSum: Tensor | null = null, steps = 0;
    while (steps === 0 || (steps < maxSteps && performance.now() - begin < ms)) {
      for (let k = 0; k < Math.min(READ_EVERY, maxSteps - steps); k++, steps++) {
        const loss = this.trainStep();
        const previous: Tensor | null = lossSum;
        lossSum = previous ? noGrad(() => add(previous, loss)) : loss;
        if (previous) {
          previous.dispose();
          loss.dispose();
        }
      }
      await lossSum!.item(); // waits for the queued steps, so the clock means something
    }
    const loss = (await lossSum!.item()) / steps;
    lossSum!.dispose();
    const stepsPerSecond = steps / ((performance.now() - begin) / 1000);
    return { ...(await this.evaluate()), step: this.step, epoch: this.epoch, loss, stepsPerSecond };
  }

  save(): Promise<Uint8Array> {
    return io.saveSafetensors(this.model); // the architecture goes into __metadata__ with the weights
  }

  private nextBatch(): Dataset {
    const B = Math.min(this.settings.batchSize, this.train.n);
    if (this.cursor + B > this.train.n) {
      this.cursor = 0;
      this.epoch++;
    }
    if (this.cursor === 0) this.rng.shuffle(this.order);
    const rows = this.order.slice(this.cursor, this.cursor + B);
    this.cursor += B;
    return subset(this.train, rows);
  }

  private trainStep(): Tensor {
    const batch = this.nextBatch(), M = this.config.numEstimators;
    const loss = tidy(() => {
      const x = tensor(batch.x, [batch.n, batch.features]);
      const labels = tensor(batch.y, [batch.n], { dtype: 'i32' });
      const l = crossEntropy(this.model.estimatorLogits(x), repeat(labels, M));
      l.backward();
      return l;
    });
    this.optimizer.step();
    this.optimizer.zeroGrad();
    this.step++;
    return loss;
  }

  private async evaluate(): Promise<Pick<Progress, 'testLoss' | 'trainAccuracy' | 'testAccuracy' | 'grid'>> {
    const onTrain = await predictBatch(this.model, this.train.x, this.train.n);
    const onTest = await predictBatch(this.model, this.test.x, this.test.n);
    const C = this.config.numClasses;
    const grid = this.grid ? await predictBatch(this.model, this.grid, this.grid.length / 2) : null;
    return {
      trainAccuracy: metrics.accuracy({ data: onTrain.probs, classes: C }, this.train.y),
      testAccuracy: metrics.accuracy({ data: onTest.probs, classes: C }, this.test.y),
      testLoss: metrics.nll({ data: onTest.probs, classes: C }, this.test.y),
      grid: grid ? { probs: grid.probs, entropy: grid.entropy, mutualInformation: grid.mutualInformation } : undefined,
    };
  }
}
