// Trains a packed LeNet on the bundled Fashion-MNIST subset in chunks of roughly fixed wall time (pausing is
// simply not asking for the next chunk), and after each chunk evaluates it: test accuracy and NLL, each
// estimator's probabilities on the gallery, and how well the mutual information tells digits from clothing.
import { backendInfo, init, io, metrics, nn, optim, Rng } from '../../src/index.ts';
import type { Dataset } from '../../app/data/digits.ts';
import { predictEstimators } from '../../app/training.ts';
import { ChunkedLoop } from './chunked-training.ts';
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
  private readonly loop: ChunkedLoop;

  private constructor(
    settings: FashionSettings,
    private readonly model: nn.PackedLeNet,
    optimizer: optim.Adam,
    private readonly train: Dataset,
    private readonly test: Dataset,
    private readonly ood: Dataset,
    rng: Rng,
  ) {
    this.loop = new ChunkedLoop(model, optimizer, train, settings.batchSize, rng, READ_EVERY);
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
    this.model.train();
    const chunk = await this.loop.run(ms, maxSteps);
    return { ...(await this.evaluate()), ...chunk };
  }

  save(): Promise<Uint8Array> {
    return io.saveSafetensors(this.model); // the architecture goes into __metadata__ with the weights
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
