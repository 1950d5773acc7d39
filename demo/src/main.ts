// The training page: settings form, a Session driving the training worker, live maps and charts.
import { applyPreset, applyQuery, readSettings } from './controls.ts';
import { Session } from './session.ts';
import { LineChart } from './chart.ts';
import { clearMap, drawRegions, drawUncertainty, type Uncertainty } from './maps.ts';
import { backendLabel } from './backend-label.ts';
import { download } from './download.ts';
import type { DatasetName, Points, Progress, Started } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const runButton = $<HTMLButtonElement>('run');
const stats = $('stats');
const measure = $<HTMLSelectElement>('measure');

const threads = form.elements.namedItem('threads') as HTMLInputElement;
threads.value = String(navigator.hardwareConcurrency || 4);
$('isolation').textContent = crossOriginIsolated
  ? 'Cross-origin isolated: wasm threads share memory.'
  : 'Not cross-origin isolated: wasm runs on one thread.';
const query = new URLSearchParams(location.search);
applyQuery(form, query);

const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const charts = {
  loss: new LineChart($('loss-chart'), [{ label: 'train', color: [96, 165, 250] }, { label: 'test', color: [251, 146, 60] }], fixed(2)),
  accuracy: new LineChart($('accuracy-chart'), [{ label: 'train', color: [96, 165, 250] }, { label: 'test', color: [251, 146, 60] }], fixed(2)),
  speed: new LineChart($('speed-chart'), [{ label: 'steps/s', color: [52, 211, 153] }], fixed(0)),
};

let started: Started | null = null;
let lastGrid: Progress['grid'] | undefined;
let firstLoss = NaN;

function drawMaps(): void {
  const points: Points | undefined = started?.points;
  if (!started || !points || !lastGrid) {
    clearMap($('regions'));
    clearMap($('uncertainty'));
    return;
  }
  drawRegions($('regions'), lastGrid.probs, started.classes, points);
  drawUncertainty($('uncertainty'), lastGrid[measure.value as Uncertainty], started.classes, points);
}

function showDataset(name: DatasetName): void {
  document.body.dataset.dataset = name;
  $('maps').hidden = name === 'digits';
  $('digits-note').hidden = name !== 'digits';
}

function showState(state: string, message?: string): void {
  document.body.dataset.state = state;
  $('state').textContent = state;
  runButton.textContent = state === 'running' || state === 'starting' ? 'Pause' : 'Start';
  $('error').hidden = state !== 'error';
  $('error').textContent = message ?? '';
}

const session = new Session({
  started(s) {
    started = s;
    $('backend').textContent = backendLabel(s.backend);
    $('backend').dataset.backend = s.backend.name;
    stats.dataset.parameters = String(s.parameters);
  },
  progress(p) {
    if (Number.isNaN(firstLoss)) firstLoss = p.loss;
    charts.loss.push(p.step, [p.loss, p.testLoss]);
    charts.accuracy.push(p.step, [p.trainAccuracy, p.testAccuracy]);
    charts.speed.push(p.step, [p.stepsPerSecond]);
    lastGrid = p.grid;
    drawMaps();
    Object.assign(stats.dataset, { step: p.step, loss: p.loss, firstLoss, testAccuracy: p.testAccuracy });
    stats.textContent = `step ${p.step} · epoch ${p.epoch} · loss ${p.loss.toFixed(3)} · test acc ${(100 * p.testAccuracy).toFixed(1)}% · ${p.stepsPerSecond.toFixed(0)} steps/s · ${started?.parameters.toLocaleString()} params`;
  },
  state: showState,
});

function reset(): void {
  session.reset();
  started = null;
  lastGrid = undefined;
  firstLoss = NaN;
  showDataset(readSettings(form).dataset);
  Object.values(charts).forEach((c) => c.clear());
  stats.textContent = '';
  stats.dataset.step = '0';
  $('backend').textContent = 'backend: –';
  drawMaps();
}

runButton.addEventListener('click', () => (session.isRunning ? session.pause() : session.start(readSettings(form))));
$('reset').addEventListener('click', reset);
$('save').addEventListener('click', async () => {
  try {
    const s = readSettings(form);
    download(await session.save(), `blockgrad-${s.dataset}-M${s.estimators}.safetensors`);
  } catch (e) {
    showState('error', e instanceof Error ? e.message : String(e));
  }
});
form.addEventListener('change', (e) => {
  const target = e.target as HTMLInputElement | HTMLSelectElement;
  if (target.name === 'dataset') applyPreset(form, target.value as DatasetName);
  const wasRunning = session.isRunning;
  reset();
  if (wasRunning) session.start(readSettings(form));
});
measure.addEventListener('change', drawMaps);
addEventListener('resize', () => {
  drawMaps();
  Object.values(charts).forEach((c) => c.draw());
});

reset();
if (query.get('autostart') !== '0') session.start(readSettings(form));
