// Command-line options of `npm start`, with their defaults and checks.
import type { BackendChoice } from '../../src/index.ts';
import { defaultTrainConfig, type TrainConfig } from '../training.ts';

const d = defaultTrainConfig;

const options = {
  epochs: { type: 'string', default: String(d.epochs) },
  estimators: { type: 'string', default: String(d.numEstimators) },
  alpha: { type: 'string', default: String(d.alpha) },
  gamma: { type: 'string', default: String(d.gamma) },
  hidden: { type: 'string', default: d.hidden.join(',') },
  'batch-size': { type: 'string', default: String(d.batchSize) },
  lr: { type: 'string', default: String(d.lr) },
  seed: { type: 'string', default: String(d.seed) },
  backend: { type: 'string', default: 'auto' },
  precision: { type: 'string', default: 'f32' },
  activation: { type: 'string', default: 'relu' },
  threads: { type: 'string' },
  json: { type: 'boolean', default: false },
  save: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

export function usage(): string {
  return `Usage: npm start -- [options]

Trains a Packed-Ensembles MLP on the bundled digits data set and prints its test metrics.

  --epochs N          training epochs (default ${d.epochs})
  --estimators M      ensemble members packed in each layer (default ${d.numEstimators})
  --alpha A           width factor of Packed-Ensembles (default ${d.alpha})
  --gamma G           extra groups per estimator (default ${d.gamma})
  --hidden W[,W…]     hidden widths before alpha (default ${d.hidden.join(',')})
  --batch-size B      mini-batch size (default ${d.batchSize})
  --lr LR             Adam learning rate, cosine-annealed (default ${d.lr})
  --seed S            seed for initialisation and shuffling (default ${d.seed})
  --backend NAME      auto | webgpu | wasm | js (default auto)
  --precision P       f32 | f16: f16 block GEMMs with f32 accumulation and dynamic loss scaling (default f32)
  --activation A      relu | gelu: fused into the hidden layers (gelu: tanh approximation) (default relu)
  --threads N         kernel threads of the wasm backend (default: all cores)
  --json              print one JSON object with the results on stdout
  --save FILE         write the trained model as safetensors (TorchUncertainty's packed layout)
  --help              this text
`;
}

function number(name: string, text: string, integer: boolean, min: number): number {
  const v = Number(text);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got '${text}'`);
  }
  return v;
}

type Values = { [K in keyof typeof options]?: string | boolean };

function read(values: Values): { config: TrainConfig; backend: BackendChoice; json: boolean; save?: string } {
  const s = (k: keyof typeof options) => String(values[k]);
  const backend = s('backend');
  if (!['auto', 'webgpu', 'wasm', 'js'].includes(backend)) throw new Error(`--backend must be auto, webgpu, wasm or js, got '${backend}'`);
  if (values.threads !== undefined) number('threads', s('threads'), true, 1);
  const precision = s('precision');
  if (precision !== 'f32' && precision !== 'f16') throw new Error(`--precision must be f32 or f16, got '${precision}'`);
  const activation = s('activation');
  if (activation !== 'relu' && activation !== 'gelu') throw new Error(`--activation must be relu or gelu, got '${activation}'`);
  const config: TrainConfig = {
    epochs: number('epochs', s('epochs'), true, 1),
    numEstimators: number('estimators', s('estimators'), true, 1),
    alpha: number('alpha', s('alpha'), false, Number.MIN_VALUE),
    gamma: number('gamma', s('gamma'), true, 1),
    hidden: s('hidden').split(',').map((w) => number('hidden', w, true, 1)),
    batchSize: number('batch-size', s('batch-size'), true, 1),
    lr: number('lr', s('lr'), false, 0),
    seed: number('seed', s('seed'), true, 0),
    precision,
    activation,
  };
  if (values.save === '') throw new Error('--save needs a file name');
  return { config, backend: backend as BackendChoice, json: Boolean(values.json), save: values.save as string | undefined };
}

export const parseTrainArgs = { options, read };
