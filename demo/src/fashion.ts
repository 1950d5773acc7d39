// The Fashion-MNIST page: settings, a Session driving the packed LeNet's training worker, and a gallery of
// test images (then digits, out of distribution) with each estimator's vote and their mutual information.
import { FASHION_MNIST_CLASSES } from '../../app/data/fashion-mnist.ts';
import type { BackendChoice } from '../../src/index.ts';
import { backendLabel, showSoftwareWarning } from './backend-label.ts';
import { download } from './download.ts';
import type { FashionProgress, FashionSettings, FashionStarted, Gallery } from './fashion-protocol.ts';
import { Session } from './session.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const runButton = $<HTMLButtonElement>('run');
const stats = $('stats');
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
const cores = navigator.hardwareConcurrency || 1;
field('threads').max = String(crossOriginIsolated ? cores : 1);
field('threads').value = field('threads').max;
const query = new URLSearchParams(location.search);
for (const [name, value] of query) if (form.elements.namedItem(name)) field(name).value = value;

/** Short class names for the vote chips. */
const SHORT = ['tee', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

function readSettings(): FashionSettings {
  const num = (name: string) => Number(field(name).value);
  return {
    estimators: num('estimators'), alpha: num('alpha'), gamma: num('gamma'), lr: num('lr'), batchSize: num('batchSize'),
    backend: field('backend').value as BackendChoice, threads: num('threads'), seed: num('seed'),
  };
}

let started: FashionStarted | null = null;

/** One card per gallery image, filled in by showVotes. */
function buildGallery(g: Gallery): void {
  const root = $('gallery');
  root.replaceChildren();
  for (let i = 0; i < g.n; i++) {
    const card = document.createElement('div');
    card.className = `card${g.labels[i] < 0 ? ' ood' : ''}`;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 28;
    const ctx = canvas.getContext('2d')!, image = ctx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, g.images[i * 784 + p])));
      image.data.set([v, v, v, 255], p * 4);
    }
    ctx.putImageData(image, 0, 0);
    const truth = document.createElement('div');
    truth.className = 'truth';
    truth.textContent = g.labels[i] < 0 ? 'a digit (never seen)' : FASHION_MNIST_CLASSES[g.labels[i]];
    card.append(canvas, truth, Object.assign(document.createElement('div'), { className: 'guess', textContent: '…' }),
      Object.assign(document.createElement('div'), { className: 'votes' }),
      Object.assign(document.createElement('div'), { className: 'mi', innerHTML: '<div style="width:0"></div>' }),
      Object.assign(document.createElement('div'), { className: 'mi-label' }));
    root.append(card);
  }
}

const argmax = (row: Float32Array): number => row.reduce((best, v, k) => (v > row[best] ? k : best), 0);

function showVotes(p: FashionProgress): void {
  if (!started) return;
  const g = started.gallery, C = 10, M = p.perEstimator.length / (g.n * C);
  const cards = $('gallery').children;
  for (let i = 0; i < g.n; i++) {
    const card = cards[i] as HTMLElement, truth = g.labels[i];
    const mean = new Float32Array(C);
    const votes = Array.from({ length: M }, (_, m) => {
      const row = p.perEstimator.subarray((m * g.n + i) * C, (m * g.n + i + 1) * C);
      row.forEach((v, k) => (mean[k] += v / M));
      return argmax(row);
    });
    const guess = argmax(mean);
    const guessEl = card.querySelector('.guess')!;
    guessEl.textContent = `${FASHION_MNIST_CLASSES[guess]} ${(100 * mean[guess]).toFixed(0)}%`;
    guessEl.classList.toggle('wrong', truth >= 0 && guess !== truth);
    card.querySelector('.votes')!.replaceChildren(...votes.map((v, m) => Object.assign(document.createElement('span'), {
      className: `vote${truth < 0 ? '' : v === truth ? ' right' : ' wrong'}`, textContent: SHORT[v], title: `estimator ${m + 1}: ${FASHION_MNIST_CLASSES[v]}`,
    })));
    const mi = p.mutualInformation[i], maxMi = Math.log(M); // MI is at most ln M (estimators that each pick a different class with certainty)
    (card.querySelector('.mi > div') as HTMLElement).style.width = `${Math.min(100, (100 * mi) / maxMi)}%`;
    card.querySelector('.mi-label')!.textContent = `disagreement (MI) ${mi.toFixed(3)} nats`;
  }
}

function showState(state: string, message?: string): void {
  document.body.dataset.state = state;
  $('state').textContent = message ? `${state}: ${message}` : state;
  runButton.textContent = state === 'running' || state === 'starting' ? 'Pause' : 'Start';
}

const session = new Session<FashionSettings, FashionStarted, FashionProgress>(
  {
    started(s) {
      started = s;
      $('backend').textContent = backendLabel(s.backend);
      showSoftwareWarning($('software'), s.backend);
      buildGallery(s.gallery);
    },
    progress(p) {
      showVotes(p);
      Object.assign(stats.dataset, { step: p.step, loss: p.loss, testAccuracy: p.testAccuracy, oodAuroc: p.oodAuroc });
      stats.textContent = `step ${p.step} · epoch ${p.epoch} · loss ${p.loss.toFixed(3)} · test acc ${(100 * p.testAccuracy).toFixed(1)}% · test NLL ${p.testNll.toFixed(3)} · OOD AUROC ${p.oodAuroc.toFixed(3)} · ${p.stepsPerSecond.toFixed(1)} steps/s · ${started?.parameters.toLocaleString()} params`;
    },
    state: showState,
  },
  () => new Worker(new URL('./fashion-worker.ts', import.meta.url), { type: 'module' }),
  800, // ms per chunk: evaluation (1,000 images) is dearer than on the training page
);

function reset(): void {
  session.reset();
  started = null;
  $('gallery').replaceChildren();
  stats.textContent = '';
  stats.dataset.step = '0';
  $('backend').textContent = 'backend: –';
  showSoftwareWarning($('software'), null);
}

runButton.addEventListener('click', () => (session.isRunning ? session.pause() : session.start(readSettings())));
$('reset').addEventListener('click', reset);
$('save').addEventListener('click', async () => {
  try {
    download(await session.save(), `blockgrad-fashion-lenet-M${readSettings().estimators}.safetensors`);
  } catch (e) {
    showState('error', e instanceof Error ? e.message : String(e));
  }
});
form.addEventListener('change', () => {
  const wasRunning = session.isRunning;
  reset();
  if (wasRunning) session.start(readSettings());
});

reset();
if (query.get('autostart') !== '0') session.start(readSettings());
