// tsc keeps the sources' `.ts` import specifiers in the declaration files it emits (rewriteRelativeImportExtensions
// rewrites only JavaScript). Consumers resolve `./x.js` to `./x.d.ts`, so this rewrites dist/**/*.d.ts to `.js`.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
/** `from './x.ts'`, `import('../y.ts')`: a relative specifier ending in .ts, after `from` or `import(`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*)(['"])(\.\.?\/[^'"]*?)\.ts\2/g;

let changed = 0;
for (const entry of await readdir(dist, { recursive: true })) {
  if (!entry.endsWith('.d.ts')) continue;
  const path = join(dist, entry), text = await readFile(path, 'utf8');
  const fixed = text.replace(SPECIFIER, '$1$2$3.js$2');
  if (fixed !== text) {
    await writeFile(path, fixed);
    changed++;
  }
}
console.log(`fix-declaration-imports: rewrote .ts specifiers to .js in ${changed} declaration files`);
