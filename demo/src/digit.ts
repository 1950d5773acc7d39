// The digit page: a drawing pad, classified as you draw by a Packed-Ensemble served by createInferenceWorker.
import { createInferenceWorker, type BackendChoice, type InferenceWorker, type ModelSource, type PackedMLPConfig, type Prediction } from '../../src/index.ts';
import { digitCells } from './downsample.ts';
import { drawingPad } from './pad.ts';
import { backendLabel } from './backend-label.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const query = new URLSearchParams(location.search);
const backend = (query.get('backend') ?? 'auto') as BackendChoice;

let worker: InferenceWorker | null = null;
let modelName = '';
let busy = false, dirty = false;

/** The page draws 8×8 digits: a model must read 64 values per row. */
const PIXELS = 64;

/**
 * Loads a model; one that does not read 64 inputs is refused when it loads. A refused or unreadable file
 * leaves the model in use as it was; the result on screen is cleared either way.
 */
async function useModel(source: ModelSource, name: string): Promise<void> {
  document.body.dataset.state = 'loading';
  showPrediction(null);
  $('model-info').classList.remove('error-text');
  let next: InferenceWorker | null = null;
  try {
    next = await createInferenceWorker({ model: source, backend });
    if (next.architecture !== 'PackedMLP') throw new Error(`it is a ${next.architecture}, which reads images; this page draws 8×8 = ${PIXELS} pixels for a PackedMLP`);
    const c = next.config as PackedMLPConfig;
    if (c.inFeatures !== PIXELS) {
      throw new Error(`it takes ${c.inFeatures} input${c.inFeatures === 1 ? '' : 's'} per row; this page draws 8×8 = ${PIXELS} pixels (a digits model, such as one trained on the digits in the training demo)`);
    }
    worker?.terminate();
    worker = next;
    modelName = name;
    $('model-info').textContent = `${name}: ${c.inFeatures} inputs, ${c.numClasses} classes, ${c.numEstimators} estimators, hidden ${c.hiddenFeatures.join('×')}, alpha ${c.alpha} · ${backendLabel(next.backend)}`;
    // For the console (and the browser tests): the worker itself.
    Object.assign(globalThis, { digitWorker: next });
    document.body.dataset.state = 'ready';
    void classify();
  } catch (e) {
    if (next !== worker) next?.terminate();
    const kept = worker ? ` Still using ${modelName}.` : '';
    const why = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
    $('model-info').textContent = `Could not use ${name}: ${why}.${kept}`;
    $('model-info').classList.add('error-text');
    document.body.dataset.state = 'error';
    showPrediction(null, worker ? `draw to classify with ${modelName}` : 'load a digits model');
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

/** Shows a prediction, or none with a hint of what to do. */
function showPrediction(p: Prediction | null, hint = 'draw a digit on the pad'): void {
  const C = worker ? (worker.config as PackedMLPConfig).numClasses : 10;
  $('guess').textContent = p ? String(argmax(p.probs)) : '?';
  $('uncertainty').textContent = p
    ? `entropy ${p.entropy[0].toFixed(3)} nats · mutual information ${p.mutualInformation[0].toFixed(3)} nats${p.mutualInformation[0] > 0.1 ? ' · the estimators disagree' : ''}`
    : hint;
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
