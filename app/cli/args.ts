// Command-line options of `npm start`: one table of options (value placeholder, help, default, check),
// read with node:util's parseArgs. Every value is checked, in the user's terms, before anything trains;
// adding an option is one entry in the table and one line in `readTrainArgs`.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../../src/index.ts';
import { defaultLeNetConfig, defaultTrainConfig, type LeNetTrainConfig, type TrainConfig } from '../training.ts';

/** A command line that cannot run: the message says what is allowed; the usage follows it. */
export class UsageError extends Error {}

interface OptionSpec {
  /** Placeholder of the value in the usage; absent for a flag. */
  value?: string;
  /** What it does and what it takes, in the user's terms. */
  help: string;
  default?: string;
  short?: string;
}

const d = defaultTrainConfig, l = defaultLeNetConfig;

const specs = {
  model: { value: 'NAME', help: 'mlp | packed-lenet (default mlp, or packed-lenet with --data fashion-mnist)' },
  data: { value: 'NAME', help: 'digits | fashion-mnist (default digits, or fashion-mnist with --model packed-lenet)' },
  'data-dir': { value: 'DIR', help: "folder of Fashion-MNIST's four idx files, .gz or not (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist)" },
  epochs: { value: 'N', help: `training epochs, a whole number >= 1 (default ${d.epochs}; packed-lenet ${l.epochs})` },
  estimators: { value: 'M', help: 'ensemble members packed in each layer, a whole number >= 1', default: String(d.numEstimators) },
  alpha: { value: 'A', help: 'width factor of Packed-Ensembles, a number > 0', default: String(d.alpha) },
  gamma: { value: 'G', help: 'groups per estimator, a whole number >= 1', default: String(d.gamma) },
  hidden: { value: 'W[,W…]', help: 'mlp: hidden widths before alpha, whole numbers >= 1', default: d.hidden.join(',') },
  norm: { value: 'N', help: `packed-lenet: batchnorm | identity after each convolution (default ${l.norm})` },
  'batch-size': { value: 'B', help: `mini-batch size, a whole number >= 1 (default ${d.batchSize}${d.batchSize === l.batchSize ? '' : `; packed-lenet ${l.batchSize}`})` },
  lr: { value: 'LR', help: `Adam learning rate (cosine-annealed), a number > 0 (default ${d.lr}; packed-lenet ${l.lr})` },
  seed: { value: 'S', help: 'seed of initialisation and shuffling, a whole number >= 0', default: String(d.seed) },
  backend: { value: 'NAME', help: 'auto | webgpu | wasm | js', default: 'auto' },
  precision: { value: 'P', help: 'mlp: f32 | f16 (f16 block GEMMs, f32 accumulation, dynamic loss scaling)', default: 'f32' },
  activation: { value: 'A', help: "mlp: relu | gelu | gelu_tanh, fused into the hidden layers (gelu: PyTorch's exact nn.GELU(); gelu_tanh: nn.GELU(approximate='tanh'))", default: 'relu' },
  threads: { value: 'N', help: 'kernel threads of the wasm backend, a whole number >= 1 (default: every core)' },
  json: { help: 'print one JSON object with the results on stdout (the report goes to stderr)' },
  save: { value: 'FILE', help: 'write the trained model there as safetensors (TorchUncertainty\'s layout, its architecture in the metadata)' },
  help: { short: 'h', help: 'this text' },
} satisfies Record<string, OptionSpec>;

type Name = keyof typeof specs;
const takesValue = (name: string): boolean => name in specs && 'value' in specs[name as Name];

export function usage(): string {
  const rows = Object.entries(specs).map(([name, s]: [string, OptionSpec]) => {
    const flag = `${s.short ? `-${s.short}, ` : ''}--${name}${s.value ? ` ${s.value}` : ''}`;
    return `  ${flag.padEnd(22)} ${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}`;
  });
  return [
    'Usage: npm start -- [options]    (npm start --silent -- … keeps npm\'s own lines off stdout)',
    '',
    'Trains a packed ensemble and prints its test metrics and how well its uncertainty tells',
    'out-of-distribution images apart: by default a Packed-Ensembles MLP on the bundled digits;',
    'with --model packed-lenet a packed LeNet on Fashion-MNIST.',
    '',
    ...rows,
    '',
  ].join('\n');
}

function wholeNumber(name: string, text: string, min: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be a whole number >= ${min}, got '${text}'`);
  return v;
}

function positiveNumber(name: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} must be a number > 0, got '${text}'`);
  return v;
}

function oneOf<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${text}'`);
  return text as T;
}

/** A file we can create: its folder exists and is writable, and it is not a folder itself. */
function writableFile(name: string, text: string): string {
  if (text === '') throw new UsageError(`--${name} needs a file name`);
  const path = resolve(text), folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--${name} ${text}: the folder ${folder} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${name} ${text}: that is a folder; give a file name`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(`--${name} ${text}: the folder ${folder} is not writable`);
  }
  return text;
}

/**
 * `--name value` becomes `--name=value` for options that take a value, so that a value starting with a
 * dash (`--lr -1`) reaches its check instead of being read as an option.
 */
function joinValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--') && !arg.includes('=') && takesValue(arg.slice(2)) && i + 1 < argv.length) out.push(`${arg}=${argv[++i]}`);
    else out.push(arg);
  }
  return out;
}

/** What to train: the MLP job or the LeNet job, each with its config. */
export type Job = { model: 'mlp'; config: TrainConfig } | { model: 'packed-lenet'; config: LeNetTrainConfig };

export interface TrainArgs {
  job: Job;
  data: 'digits' | 'fashion-mnist';
  /** Fashion-MNIST's folder, when given. */
  dataDir?: string;
  backend: BackendChoice;
  threads?: number;
  json: boolean;
  save?: string;
}

/** The command line read and checked: `{ help: true }`, or what to run. Throws UsageError. */
export function readTrainArgs(argv: string[]): { help: true } | (TrainArgs & { help?: false }) {
  const options = Object.fromEntries(Object.entries(specs).map(([name, s]: [string, OptionSpec]) => [name, { type: s.value ? 'string' : 'boolean', ...(s.short ? { short: s.short } : {}) } as const]));
  let values: Partial<Record<Name, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: joinValues(argv), options, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (values.help) return { help: true };
  const given = (name: Name): boolean => values[name] !== undefined;
  const model = oneOf('model', String(values.model ?? (values.data === 'fashion-mnist' ? 'packed-lenet' : 'mlp')), ['mlp', 'packed-lenet'] as const);
  const data = oneOf('data', String(values.data ?? (model === 'packed-lenet' ? 'fashion-mnist' : 'digits')), ['digits', 'fashion-mnist'] as const);
  if (model === 'packed-lenet' && data === 'digits') throw new UsageError('--model packed-lenet needs images of at least 12x12: use --data fashion-mnist (the digits are 8x8)');
  if (given('data-dir') && data !== 'fashion-mnist') throw new UsageError('--data-dir applies to --data fashion-mnist (the digits are bundled)');
  if (values['data-dir'] === '') throw new UsageError('--data-dir needs a folder');
  for (const name of model === 'mlp' ? (['norm'] as const) : (['hidden', 'activation', 'precision'] as const)) {
    if (given(name)) throw new UsageError(`--${name} does not apply to --model ${model}`);
  }
  const c = model === 'mlp' ? d : l;
  const defaults: Partial<Record<Name, string | number>> = { epochs: c.epochs, 'batch-size': c.batchSize, lr: c.lr, norm: l.norm };
  const text = (name: Name): string => String(values[name] ?? (specs[name] as OptionSpec).default ?? defaults[name]);
  const loop = {
    epochs: wholeNumber('epochs', text('epochs'), 1),
    numEstimators: wholeNumber('estimators', text('estimators'), 1),
    alpha: positiveNumber('alpha', text('alpha')),
    gamma: wholeNumber('gamma', text('gamma'), 1),
    batchSize: wholeNumber('batch-size', text('batch-size'), 1),
    lr: positiveNumber('lr', text('lr')),
    seed: wholeNumber('seed', text('seed'), 0),
  };
  const job: Job = model === 'mlp'
    ? {
      model,
      config: {
        ...loop,
        hidden: text('hidden').split(',').map((w) => wholeNumber('hidden', w, 1)),
        precision: oneOf('precision', text('precision'), ['f32', 'f16'] as const),
        activation: oneOf('activation', text('activation'), ['relu', 'gelu', 'gelu_tanh'] as const),
      },
    }
    : { model, config: { ...loop, norm: oneOf('norm', text('norm'), ['batchnorm', 'identity'] as const) } };
  return {
    job,
    data,
    ...(given('data-dir') ? { dataDir: text('data-dir') } : {}),
    backend: oneOf('backend', text('backend'), ['auto', 'webgpu', 'wasm', 'js'] as const),
    threads: values.threads === undefined ? undefined : wholeNumber('threads', text('threads'), 1),
    json: values.json === true,
    save: values.save === undefined ? undefined : writableFile('save', text('save')),
  };
}
