// What the Fashion-MNIST page and its training worker say to each other.
import type { BackendChoice, BackendInfo } from '../../src/index.ts';

export interface FashionSettings {
  estimators: number;
  alpha: number;
  gamma: number;
  lr: number;
  batchSize: number;
  backend: BackendChoice;
  /** Kernel threads of the wasm backend. */
  threads: number;
  seed: number;
}

/** The images shown with their votes: test images of the bundled subset, then out-of-distribution digits. */
export interface Gallery {
  /** [n, 28, 28] in [0, 1]. */
  images: Float32Array;
  /** True class of each test image; -1 for the out-of-distribution ones. */
  labels: Int32Array;
  n: number;
}

export interface FashionStarted {
  backend: BackendInfo;
  trainRows: number;
  testRows: number;
  parameters: number;
  gallery: Gallery;
}

export interface FashionProgress {
  step: number;
  epoch: number;
  /** Mean training loss over the chunk's steps. */
  loss: number;
  testAccuracy: number;
  /** The ensemble's negative log-likelihood on the test images. */
  testNll: number;
  stepsPerSecond: number;
  /** On the gallery: each estimator's probabilities, estimator-major [M·n, 10], and per image the mutual information (nats). */
  perEstimator: Float32Array;
  mutualInformation: Float32Array;
  /** AUROC of the mutual information between the test images and the digits (1 = every digit more uncertain). */
  oodAuroc: number;
}
