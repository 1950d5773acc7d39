// The digit page: a drawing pad, classified as you draw by a Packed-Ensemble served by createInferenceWorker.
import { createInferenceWorker, type InferenceWorker, type ModelSource, type PackedMLPConfig, type Prediction } from '../../src/inference/index.ts';
import type { BackendChoice } from '../../src/runtime.ts';
import { digitCells } from './downsample.ts';
import { drawingPad } from './pad.ts';
import { backendLabel } from './backend-label.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const query = new URLSearchParams(location.search);
const backend = (query.get('backend') ?? 'auto') as BackendChoice;

let worker: InferenceWorker | null = null;
let busy = false, dirty = false;

async function useModel(source: ModelSource, name: string): Promise<void> {
  document.body.dataset.state = 'loading';
  worker?.terminate();
  worker = null;
  try {
    worker = await createInferenceWorker({ model: source, backend });
    const c = worker.config as PackedMLPConfig; // the page's model is a PackedMLP of 64 inputs
    $('model-info').textContent = `${name}: ${c.numEstimators} estimators, hidden ${c.hiddenFeatures.join('×')}, alpha ${c.alpha} · ${backendLabel(worker.backend)}`;
    // For the console (and the browser tests): the worker itself.
    Object.assign(globalThis, { digitWorker: worker });
    document.body.dataset.state = 'ready';
    void classify();
  } catch (e) {
    $('model-info').textContent = `could not load ${name}: ${e instanceof Error ? e.message : e}`;
    document.body.dataset.state = 'error';
  }
}

function showCells(cells: Float32Array | null): void {
  const ctx = $<HTMLCanvasElement>('cells').getContext('2d')!, image = new ImageData(8, 8);
  for (let i = 0; i < 64; i++) {
    const v = ((cells?.[i] ?? 0) / 16) * 255;
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

function argmax(values: ArrayLike<number>, from = 0, count = values.length): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[from + k] > values[from + best]) best = k;
  return best;
}

function showPrediction(p: Prediction | null): void {
  const C = 10;
  $('guess').textContent = p ? String(argmax(p.probs)) : '?';
  $('uncertainty').textContent = p
    ? `entropy ${p.entropy[0].toFixed(3)} nats · mutual information ${p.mutualInformation[0].toFixed(3)} nats${p.mutualInformation[0] > 0.1 ? ' · the estimators disagree' : ''}`
    : 'draw a digit on the pad';
  $('bars').replaceChildren(
    ...Array.from({ length: C }, (_, c) => {
      const v = p ? p.probs[c] : 0, bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${(100 * v).toFixed(1)}%`;
      return [Object.assign(document.createElement('span'), { textContent: String(c) }), inBox(bar), Object.assign(document.createElement('span'), { textContent: `${(100 * v).toFixed(1)}%` })];
    }).flat(),
  );
  $('votes').replaceChildren(
    ...Array.from({ length: p?.estimators ?? 0 }, (_, m) => {
      const k = argmax(p!.perEstimator, m * C, C), el = document.createElement('div');
      el.className = 'vote';
      el.innerHTML = `<small>estimator ${m + 1}</small><b>${k}</b><small>${(100 * p!.perEstimator[m * C + k]).toFixed(0)}%</small>`;
      return el;
    }),
  );
}

function inBox(el: HTMLElement): HTMLElement {
  const box = document.createElement('div');
  box.append(el);
  return box;
}

/** Classifies the drawing; while a prediction runs, the latest change waits for it. */
async function classify(): Promise<void> {
  if (busy) {
    dirty = true;
    return;
  }
  const cells = digitCells($('pad'));
  showCells(cells);
  if (!cells || !worker) return showPrediction(null);
  busy = true;
  try {
    showPrediction(await worker.predict(cells.map((v) => v / 16), 1)); // the model reads cells / 16, as parseDigitsCsv scales them
  } catch (e) {
    $('uncertainty').textContent = e instanceof Error ? e.message : String(e);
  } finally {
    busy = false;
    if (dirty) {
      dirty = false;
      void classify();
    }
  }
}

const pad = drawingPad($('pad'), () => void classify());
$('clear').addEventListener('click', () => pad.clear());
$<HTMLInputElement>('model-file').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) await useModel(new Uint8Array(await file.arrayBuffer()), file.name);
});
showPrediction(null);
void useModel(new URL('./digits-model.safetensors', location.href), 'bundled digits model');
