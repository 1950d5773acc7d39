// The conv tables (stdout and BENCHMARKS.md): the packed ResNet-18's forward images/s and training steps
// of every runner with this engine's ratio to each peer, and the grid of single grouped convolutions.
import { PEER_LIMIT_MS, type ConvModelRow, type ConvResult } from './conv-benchmark.ts';
import { absentRunners, markdownTables, type Table } from './table.ts';
import { commandLine } from './markdown.ts';

const label = (r: Pick<ConvModelRow, 'library' | 'backend' | 'threads'>): string => `${r.library} ${r.backend} ${r.threads}T`;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? `${(a / b).toFixed(2)}x` : '—');

export function describeConvModel(r: ConvResult): string {
  const m = r.model;
  return `${m.name}: TorchUncertainty's packed_resnet(arch=18, style='cifar', num_estimators=${m.numEstimators}, alpha=${m.alpha}, gamma=1, width_multiplier=${m.widthMultiplier}), `
    + `${m.inChannels}x${m.size}x${m.size} input, ${m.classes} classes, ${m.parameters.toLocaleString('en-US')} parameters, ${m.forwardGflop.toFixed(2)} GFLOP per forward at batch ${m.batch}`;
}

/** Forward images/s per runner and batch, and this engine's ratio to onnxruntime-web at the same thread count. */
export function convForwardTable(r: ConvResult): Table {
  const runners = [...new Set(r.forward.map(label))];
  const rows = runners.map((name) => {
    const mine = r.forward.filter((x) => label(x) === name);
    return [name, ...r.forwardBatches.flatMap((batch) => {
      const x = mine.find((y) => y.batch === batch);
      const ours = x && r.forward.find((y) => y.library === 'blockgrad' && y.threads === x.threads && y.batch === batch);
      return [x ? x.imagesPerSecond.toFixed(1) : '—', x && x.library !== 'blockgrad' ? ratio(ours?.imagesPerSecond, x.imagesPerSecond) : '—'];
    })];
  });
  return {
    title: `Packed ResNet-18 forward, images/s (eval mode, median of ${r.runs} runs; blockgrad / peer at the same thread count)`,
    headers: ['runner', ...r.forwardBatches.flatMap((b) => [`batch ${b}`, `blockgrad / this (batch ${b})`])],
    rows,
    labels: 1,
  };
}

/** Training steps per runner, this engine's ratio to each peer (at 1 thread against single-threaded peers), and its peak memory. */
export function convTrainingTable(r: ConvResult): Table {
  const rows = r.training.map((x) => {
    const ours = r.training.find((y) => y.library === 'blockgrad' && y.threads === x.threads);
    return [label(x), x.ms.toFixed(0), x.imagesPerSecond.toFixed(2), x.library === 'blockgrad' ? '—' : ratio(x.ms, ours?.ms), x.peakBytes === undefined ? '—' : mib(x.peakBytes)];
  });
  return {
    title: `Packed ResNet-18 Adam training step at batch ${r.model.batch} (train-mode BatchNorm; ends with the loss read back)`,
    headers: ['runner', 'ms per step', 'images/s', 'blockgrad speed-up', 'blockgrad peak MiB'],
    rows,
    labels: 1,
  };
}

export function convGridTable(r: ConvResult): Table {
  const keys = [...new Set(r.grid.map((x) => `${x.channels}|${x.size}|${x.groups}|${x.threads}`))];
  const rows = keys.map((key) => {
    const [channels, size, groups, threads] = key.split('|').map(Number);
    const at = r.grid.filter((x) => x.channels === channels && x.size === size && x.groups === groups && x.threads === threads);
    const f = at.find((x) => x.pass === 'forward'), fb = at.find((x) => x.pass === 'forward+backward');
    return [`${channels}ch ${size}x${size} g${groups}`, String(threads), f ? f.gflops.toFixed(1) : '—', fb ? fb.gflops.toFixed(1) : '—', fb ? `${fb.percentOfPeak.toFixed(0)}%` : '—', fb?.peakBytes === undefined ? '—' : mib(fb.peakBytes)];
  });
  return {
    title: `Single grouped 3x3 convolutions (stride 1, padding 1, batch ${r.gridBatch}): GFLOP/s (median of ${r.runs} runs), F+B against threads × the measured single-core wasm SIMD peak (${r.peakPerCoreGflops.toFixed(1)} GFLOP/s), and peak memory of a F+B step`,
    headers: ['layer', 'threads', 'forward GFLOP/s', 'F+B GFLOP/s', 'F+B of peak', 'F+B peak MiB'],
    rows,
  };
}

export function convSection(r: ConvResult, command: string): string {
  return [
    '## conv',
    '',
    commandLine(command, r.quick, r.date),
    '',
    `${describeConvModel(r)}.`,
    '',
    'Runners: **blockgrad** (`nn.PackedResNet`; `estimatorLogits` under `noGrad` in eval mode, training with `crossEntropy` of every estimator and',
    '`optim.Adam`); **onnxruntime-web** (wasm, the same model written by `io.exportOnnx`: grouped `Conv`, `BatchNormalization`, pooling;',
    'graph optimisation on, in a child process per thread count); **jax-js** (wasm device, one thread in Node: `lax.convGeneralDilated` with',
    '`featureGroupCount`, `jit`; training by `valueAndGrad` with Adam written out); **tfjs** (`tf.conv2d` has no groups, so each grouped',
    'convolution is a loop of `conv2d` over its groups and a `concat`; its wasm backend has no `Conv2DBackpropFilter` kernel (4.22), so the',
    'training step runs on its cpu backend). Peers run 3 timed runs after a warm-up, each library in a child process stopped after',
    `${PEER_LIMIT_MS / 60_000} minutes per measurement (then not run on larger work); their steps take seconds to minutes.`,
    '',
    ...markdownTables([convForwardTable(r), convTrainingTable(r), convGridTable(r)], absentRunners(r.absent)),
  ].join('\n');
}
