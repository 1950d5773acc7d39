// Trains a packed LeNet on the bundled Fashion-MNIST subset in chunks of roughly fixed wall time (pausing is
// simply not asking for the next chunk), and after each chunk evaluates it: test accuracy and NLL, each
// estimator's probabilities on the gallery, and how well the mutual information tells digits from clothing.
import { add, backendInfo, init, io, metrics, nn, noGrad, optim, Rng, type Tensor } from '../../src/index.ts';
import type { Dataset } from '../../app/data/digits.ts';
import { backwardLoss, predictEstimators } from '../../app/training.ts';
import { loadFashionSubset, loadOodDigits } from './fashion-data.ts';
import type { FashionProgress, FashionSettings, FashionStarted, Gallery } from './fashion-protocol.ts';

/** Steps between loss read-backs (the only points where the chunk's clock is checked). */
const READ_EVERY = 4;
/** The gallery: this many test images, then this many digits. */
const GALLERY_TEST = 24, GALLERY_OOD = 8;
/** Digits compared with the test images for the AUROC. */
const OOD_ROWS = 500;

/** Rows [0, n) of a data set as their own (copied) data set. */
function firstRows(d: Dataset, n: number): Dataset {
  return { ...d, x: d.x.slice(0, n * d.features), y: d.y.slice(0, n), n };
}

/** Rows `rows` of estimator-major probabilities [M·N, C], as estimator-major [M·rows.length, C]. */
function pickRows(per: metrics.Probs, M: number, rows: number[]): Float32Array {
  const C = per.classes, N = per.data.length / (M * C), out = new Float32Array(M * rows.length * C);
  for (let m = 0; m < M; m++) rows.forEach((r, i) => out.set(per.data.subarray((m * N + r) * C, (m * N + r + 1) * C), (m * rows.length + i) * C));
  return out;
}

export class FashionTrainer {
  private order: number[];
  private cursor = 0;
  private step = 0;
  private epoch = 0;

  private constructor(
    private readonly settings: FashionSettings,
    private readonly model: nn.PackedLeNet,
    private readonly optimizer: optim.Adam,
    private readonly train: Dataset,
    private readonly test: Dataset,
    private readonly ood: Dataset,
    private readonly rng: Rng,
  ) {
    this.order = Array.from({ length: train.n }, (_, i) => i);
  }

  static async create(settings: FashionSettings): Promise<{ trainer: FashionTrainer; started: FashionStarted }> {
    await init({ backend: settings.backend, threads: settings.threads });
    const [{ train, test }, digits] = await Promise.all([loadFashionSubset(), loadOodDigits()]);
    const ood = firstRows(digits, OOD_ROWS);
    const rng = new Rng(settings.seed);
    const model = new nn.PackedLeNet({ inChannels: 1, numClasses: 10, numEstimators: settings.estimators, alpha: settings.alpha, gamma: settings.gamma, norm: 'batchnorm', rng });
    const optimizer = new optim.Adam(model.parameters(), { lr: settings.lr });
    const trainer = new FashionTrainer(settings, model, optimizer, train, test, ood, rng);
    const images = new Float32Array((GALLERY_TEST + GALLERY_OOD) * 784);
    images.set(test.x.subarray(0, GALLERY_TEST * 784));
    images.set(ood.x.subarray(0, GALLERY_OOD * 784), GALLERY_TEST * 784);
    const labels = Int32Array.from({ length: GALLERY_TEST + GALLERY_OOD }, (_, i) => (i < GALLERY_TEST ? test.y[i] : -1));
    const gallery: Gallery = { images, labels, n: GALLERY_TEST + GALLERY_OOD };
    const started: FashionStarted = {
      backend: backendInfo(),
      trainRows: train.n,
      testRows: test.n,
      parameters: model.parameters().reduce((s, p) => s + p.size, 0),
      gallery,
    };
    return { trainer, started };
  }

  async run(ms: number, maxSteps: number): Promise<FashionProgress> {
    const begin = performance.now();
    let lossSum: Tensor | null = null, steps = 0;
    this.model.train();
    while (steps === 0 || (steps < maxSteps && performance.now() - begin < ms)) {
      for (let k = 0; k < Math.min(READ_EVERY, maxSteps - steps); k++, steps++) {
        const loss = backwardLoss(this.model, this.train, this.nextBatch());
        this.optimizer.step();
        this.optimizer.zeroGrad();
        this.step++;
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

  private nextBatch(): number[] {
    const B = Math.min(this.settings.batchSize, this.train.n);
    if (this.cursor + B > this.train.n) {
      this.cursor = 0;
      this.epoch++;
    }
    if (this.cursor === 0) this.rng.shuffle(this.order);
    this.cursor += B;
    return this.order.slice(this.cursor - B, this.cursor);
  }

  private async evaluate(): Promise<Omit<FashionProgress, 'step' | 'epoch' | 'loss' | 'stepsPerSecond'>> {
    const M = this.model.numEstimators;
    const onTest = await predictEstimators(this.model, this.test);
    const onOod = await predictEstimators(this.model, this.ood);
    const testMi = metrics.mutualInformation(onTest, M), oodMi = metrics.mutualInformation(onOod, M);
    const mean = metrics.ensembleMean(onTest, M);
    const testRows = Array.from({ length: GALLERY_TEST }, (_, i) => i), oodRows = Array.from({ length: GALLERY_OOD }, (_, i) => i);
    const perTest = pickRows(onTest, M, testRows), perOod = pickRows(onOod, M, oodRows);
    const C = onTest.classes, n = GALLERY_TEST + GALLERY_OOD, perEstimator = new Float32Array(M * n * C);
    for (let m = 0; m < M; m++) {
      perEstimator.set(perTest.subarray(m * GALLERY_TEST * C, (m + 1) * GALLERY_TEST * C), m * n * C);
      perEstimator.set(perOod.subarray(m * GALLERY_OOD * C, (m + 1) * GALLERY_OOD * C), (m * n + GALLERY_TEST) * C);
    }
    return {
      testAccuracy: metrics.accuracy(mean, this.test.y),
      testNll: metrics.nll(mean, this.test.y),
      perEstimator,
      mutualInformation: Float32Array.from([...testRows.map((r) => testMi[r]), ...oodRows.map((r) => oodMi[r])]),
      oodAuroc: metrics.auroc(oodMi, testMi),
    };
  }
}
