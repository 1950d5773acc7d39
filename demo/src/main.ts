// The training page: settings form, a Session driving the training worker, live maps and charts, and the
// step budget and early stop that end a run.
import { applyPreset, applyQuery, readSettings } from './controls.ts';
import { Session } from './session.ts';
import { LineChart } from './chart.ts';
import { clearMap, drawRegions, drawScale, drawUncertainty, type Uncertainty } from './maps.ts';
import { backendLabel, showSoftwareWarning } from './backend-label.ts';
import { download } from './download.ts';
import type { DatasetName, Points, Progress, Started } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const runButton = $<HTMLButtonElement>('run');
const stats = $('stats');
const measure = $<HTMLSelectElement>('measure');

const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
const cores = navigator.hardwareConcurrency || 1;
const threads = field('threads');
threads.max = String(crossOriginIsolated ? cores : 1);
threads.value = threads.max;
$('isolation').textContent = crossOriginIsolated
  ? `Cross-origin isolated: up to ${cores} wasm threads (one per core) share memory.`
  : 'Not cross-origin isolated: wasm runs on one thread.';
const query = new URLSearchParams(location.search);
applyQuery(form, query);

/** Threads apply to wasm only, and never more than the cores (or 1 without cross-origin isolation). */
function offerThreads(backendInUse?: string): void {
  const backend = backendInUse ?? (form.elements.namedItem('backend') as HTMLSelectElement).value;
  threads.disabled = !crossOriginIsolated || backend === 'webgpu';
  threads.title = threads.disabled ? (crossOriginIsolated ? 'WebGPU runs on the GPU: threads apply to wasm only' : 'Without cross-origin isolation wasm runs on one thread') : '';
  threads.value = String(Math.min(Math.max(1, Math.round(Number(threads.value)) || 1), Number(threads.max)));
}
offerThreads();

const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const charts = {
  loss: new LineChart($('loss-chart'), [{ label: 'train', color: [96, 165, 250] }, { label: 'test', color: [251, 146, 60] }], fixed(2)),
  accuracy: new LineChart($('accuracy-chart'), [{ label: 'train', color: [96, 165, 250] }, { label: 'test', color: [251, 146, 60] }], fixed(2)),
  speed: new LineChart($('speed-chart'), [{ label: 'steps/s', color: [52, 211, 153] }], fixed(0)),
};

let started: Started | null = null;
let lastGrid: Progress['grid'] | undefined;
let firstLoss = NaN;
/** The best test NLL so far and the step it was reached at (for the early stop). */
let best = { nll: Infinity, step: 0 };

const budget = () => Math.max(1, Math.round(Number(field('maxSteps').value)) || 1);
const patience = () => Math.max(0, Math.round(Number(field('patience').value)) || 0);

function drawMaps(): void {
  const points: Points | undefined = started?.points;
  if (!started || !points || !lastGrid) {
    clearMap($('regions'));
    clearMap($('uncertainty'));
    return;
  }
  drawRegions($('regions'), lastGrid.probs, started.classes, points);
  drawUncertainty($('uncertainty'), lastGrid[measure.value as Uncertainty], started.classes, points);
  drawScale($('scale'), started.classes);
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
  $('error').textContent = state === 'error' ? message ?? '' : '';
  const reason = $('stop-reason');
  reason.hidden = state !== 'stopped';
  reason.textContent = state !== 'stopped' ? ''
    : message === 'budget' ? `Stopped at the step budget (${budget()} steps). Raise "Max steps", or press Start for ${budget()} more.`
    : `Stopped early: ${message} Press Start to go on.`;
}

/** Ends the run when the test NLL has not improved for `patience` steps. */
function earlyStop(p: Progress): void {
  if (p.testLoss < best.nll) best = { nll: p.testLoss, step: p.step };
  const waited = p.step - best.step;
  if (patience() > 0 && waited >= patience()) {
    session.stop(`the test NLL has not improved for ${waited} steps (best ${best.nll.toFixed(3)} at step ${best.step}).`);
  }
}

const session = new Session({
  started(s) {
    started = s;
    $('backend').textContent = backendLabel(s.backend);
    $('backend').dataset.backend = s.backend.name;
    stats.dataset.parameters = String(s.parameters);
    offerThreads(s.backend.name);
    showSoftwareWarning($('software'), s.backend);
  },
  progress(p) {
    if (Number.isNaN(firstLoss)) firstLoss = p.loss;
    charts.loss.push(p.step, [p.loss, p.testLoss]);
    charts.accuracy.push(p.step, [p.trainAccuracy, p.testAccuracy]);
    charts.speed.push(p.step, [p.stepsPerSecond]);
    lastGrid = p.grid;
    drawMaps();
    Object.assign(stats.dataset, { step: p.step, loss: p.loss, firstLoss, testAccuracy: p.testAccuracy });
    stats.textContent = `step ${p.step} of ${budget()} · epoch ${p.epoch} · loss ${p.loss.toFixed(3)} · test NLL ${p.testLoss.toFixed(3)} · test acc ${(100 * p.testAccuracy).toFixed(1)}% · ${p.stepsPerSecond.toFixed(0)} steps/s · ${started?.parameters.toLocaleString()} params`;
    earlyStop(p);
  },
  state: showState,
});

function reset(): void {
  session.reset();
  started = null;
  lastGrid = undefined;
  firstLoss = NaN;
  best = { nll: Infinity, step: 0 };
  session.stopAt = budget();
  showDataset(readSettings(form).dataset);
  Object.values(charts).forEach((c) => c.clear());
  stats.textContent = '';
  stats.dataset.step = '0';
  $('backend').textContent = 'backend: –';
  showSoftwareWarning($('software'), null);
  offerThreads();
  drawMaps();
}

function start(): void {
  if (session.steps >= budget()) field('maxSteps').value = String(session.steps + budget()); // Start goes on for one more budget
  session.stopAt = budget();
  best.step = Math.max(best.step, session.steps); // the early stop waits `patience` steps from here
  session.start(readSettings(form));
}

runButton.addEventListener('click', () => (session.isRunning ? session.pause() : start()));
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
  if (target.name === 'maxSteps' || target.name === 'patience') {
    session.stopAt = budget(); // the stopping rules apply to the run in progress
    return;
  }
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
if (query.get('autostart') !== '0') start();
