// Where `npm run bench` writes: the full run into bench/results/ and BENCHMARKS.md (committed); the quick
// subset into bench/results/quick/ only, so a quick check never overwrites the committed figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoPath = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export interface Output {
  /** Results folder, relative to the repository root. */
  dir: string;
  /** BENCHMARKS.md, or null for the quick subset. */
  markdown: string | null;
}

export function outputFor(quick: boolean): Output {
  const dir = quick ? 'bench/results/quick' : 'bench/results';
  mkdirSync(repoPath(dir), { recursive: true });
  return { dir, markdown: quick ? null : repoPath('BENCHMARKS.md') };
}

export function writeJson(out: Output, name: string, value: unknown): void {
  writeFileSync(join(repoPath(out.dir), name), `${JSON.stringify(value, null, 2)}\n`);
}
