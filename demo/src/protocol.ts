// What the demo page and its training worker say to each other.
import type { BackendChoice, BackendInfo } from '../../src/index.ts';

export type DatasetName = 'moons' | 'spirals' | 'digits';

export interface Settings {
  dataset: DatasetName;
  estimators: number;
  alpha: number;
  gamma: number;
  width: number;
  depth: number;
  lr: number;
  batchSize: number;
  backend: BackendChoice;
  /** Kernel threads of the wasm backend. */
  threads: number;
  seed: number;
}

/** The plane the 2-D sets live in and the grid the worker evaluates for the maps. */
export const PLANE = { min: -2.2, max: 2.2, cells: 72 };

export interface Points {
  x: Float32Array;
  y: Int32Array;
}

export interface Started {
  backend: BackendInfo;
  classes: number;
  trainRows: number;
  testRows: number;
  parameters: number;
  /** The 2-D training points to draw (absent for digits). */
  points?: Points;
}

export interface Progress {
  step: number;
  epoch: number;
  /** Mean training loss over the chunk's steps. */
  loss: number;
  /** The ensemble's negative log-likelihood on the test set. */
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  stepsPerSecond: number;
  /** For the 2-D sets: the ensemble's mean probabilities, entropy and mutual information on the PLANE grid. */
  grid?: { probs: Float32Array; entropy: Float32Array; mutualInformation: Float32Array };
}
