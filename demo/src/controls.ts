// The settings form: read into Settings, prefilled from the page's query string (e.g. ?backend=wasm&threads=2).
import type { BackendChoice } from '../../src/index.ts';
import type { DatasetName, Settings } from './protocol.ts';

/**
 * Defaults per data set: the digits want wider layers and a gentler rate than the 2-D sets; the step budget
 * (a page setting, not the worker's) is about where each stops improving.
 */
const PRESETS: Record<DatasetName, Partial<Record<keyof Settings | 'maxSteps', string>>> = {
  moons: { width: '32', depth: '2', lr: '0.01', batchSize: '64', maxSteps: '2000' },
  spirals: { width: '64', depth: '3', lr: '0.01', batchSize: '64', maxSteps: '6000' },
  digits: { width: '64', depth: '1', lr: '0.003', batchSize: '64', maxSteps: '3000' },
};

function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement {
  const el = form.elements.namedItem(name);
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error(`demo: no form field '${name}'`);
  return el;
}

export function readSettings(form: HTMLFormElement): Settings {
  const num = (name: string) => Number(field(form, name).value);
  return {
    dataset: field(form, 'dataset').value as DatasetName,
    estimators: num('estimators'),
    alpha: num('alpha'),
    gamma: num('gamma'),
    width: num('width'),
    depth: num('depth'),
    lr: num('lr'),
    batchSize: num('batchSize'),
    backend: field(form, 'backend').value as BackendChoice,
    threads: num('threads'),
    seed: num('seed'),
  };
}

export function applyPreset(form: HTMLFormElement, dataset: DatasetName): void {
  for (const [name, value] of Object.entries(PRESETS[dataset])) field(form, name).value = value;
}

/** Sets the form from the query string; a dataset's preset first, explicit values over it. */
export function applyQuery(form: HTMLFormElement, query: URLSearchParams): void {
  const dataset = query.get('dataset');
  if (dataset === 'moons' || dataset === 'spirals' || dataset === 'digits') {
    field(form, 'dataset').value = dataset;
    applyPreset(form, dataset);
  }
  for (const [name, value] of query) if (form.elements.namedItem(name)) field(form, name).value = value;
}
