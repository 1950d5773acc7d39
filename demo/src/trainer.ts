// Trains a PackedMLP in chunks of roughly fixed wall time, so the worker answers between chunks
// (pausing is simply not asking for the next chunk), and evaluates it after each chunk.
import { backendInfo, init, io, metrics, nn, optim, predictBatch, Rng, type PackedMLPConfig } from '../../src/index.ts';
import type { Dataset } from '../../app/data/digits.ts';
import { ChunkedLoop } from './chunked-training.ts';
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
  private readonly loop: ChunkedLoop;
  private readonly grid: Float32Array | null;

  private constructor(
    settings: Settings,
    private readonly config: PackedMLPConfig,
    private readonly model: nn.PackedMLP,
    optimizer: optim.Adam,
    private readonly train: Dataset,
    private readonly test: Dataset,
    rng: Rng,
  ) {
    this.loop = new ChunkedLoop(model, optimizer, train, settings.batchSize, rng, READ_EVERY);
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
    const chunk = await this.loop.run(ms, maxSteps);
    return { ...(await this.evaluate()), ...chunk };
  }

  save(): Promise<Uint8Array> {
    return io.saveSafetensors(this.model); // the architecture goes into __metadata__ with the weights
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
