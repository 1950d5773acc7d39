// The demo's data sets: the bundled digits (fetched and gunzipped in the browser) and the 2-D toy sets.
import digitsUrl from '../../data/digits.csv.gz?url';
import { parseDigitsCsv, trainTestSplit, type Dataset } from '../../app/data/digits.ts';
import { spirals, twoMoons } from './toy.ts';
import type { DatasetName } from './protocol.ts';

/** Gunzips in the page, unless the server already did: some (Vite's dev server) send .gz with Content-Encoding: gzip. */
async function gunzipText(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzipped) return new TextDecoder().decode(bytes);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
}

async function fetchDigits(): Promise<Dataset> {
  const response = await fetch(digitsUrl);
  if (!response.ok) throw new Error(`fetching the digits gave HTTP ${response.status}`);
  return parseDigitsCsv(await gunzipText(new Uint8Array(await response.arrayBuffer())));
}

export async function loadDataset(name: DatasetName, seed: number): Promise<{ train: Dataset; test: Dataset }> {
  switch (name) {
    case 'digits':
      return trainTestSplit(await fetchDigits(), 0.2, seed);
    case 'moons':
      return trainTestSplit(twoMoons(800, 0.2, seed), 0.25, seed);
    case 'spirals':
      return trainTestSplit(spirals(1200, 3, 0.06, seed), 0.25, seed);
  }
}
