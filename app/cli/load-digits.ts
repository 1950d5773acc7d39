// Reads the bundled digits data set (data/digits.csv.gz) in Node.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseDigitsCsv, type Dataset } from '../data/digits.ts';

export const digitsPath = fileURLToPath(new URL('../../data/digits.csv.gz', import.meta.url));

export function loadDigits(path = digitsPath): Dataset {
  return parseDigitsCsv(gunzipSync(readFileSync(path)).toString('utf8'));
}
