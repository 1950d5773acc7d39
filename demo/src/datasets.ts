// The demo's data sets: the bundled digits (fetched and gunzipped in the browser) and the 2-D toy sets;
// fetchGunzipped also brings the Fashion-MNIST page its idx files.
import digitsUrl from '../../data/digits.csv.gz?url';
import { parseDigitsCsv, trainTestSplit, type Dataset } from '../../app/data/digits.ts';
import { spirals, twoMoons } from './toy.ts';
import type { DatasetName } from './protocol.ts';

/**
 * A bundled .gz file's bytes, gunzipped in the page unless the server already did: some (Vite's dev server)
 * send .gz with Content-Encoding: gzip.
 */
export async function fetchGunzipped(url: string, name: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${name} gave HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gzipped) return bytes;
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

export async function fetchDigits(): Promise<Dataset> {
  return parseDigitsCsv(new TextDecoder().decode(await fetchGunzipped(digitsUrl, 'the digits')));
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
