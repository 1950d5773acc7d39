// `npm run build:kernels` (and before start, test, build and demo): runs the kernel build steps only when
// one of their inputs changed since the last build, and sends everything they print to stderr, so that a
// program's stdout (`npm start --silent -- --json`) carries its own output alone. `--force` rebuilds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The build steps, in order (the inference worker bundles the engine with the other two's output). */
const steps = ['scripts/build-wasm.ts', 'scripts/build-shaders.ts', 'scripts/build-inference-worker.ts'];
/** What the steps write (gitignored). */
const outputs = ['assembly/table.generated.ts', 'src/backend/wasm/generated.ts', 'src/backend/webgpu/shaders.generated.ts', 'src/inference/worker-source.generated.ts'];
/** What the steps read: the kernels, the shaders, the workers and the engine they bundle, the build scripts, the tools' versions. */
const inputs = ['assembly', 'shaders', 'workers', 'src', 'scripts', 'asconfig.json', 'package-lock.json'];
const stamp = join(root, 'node_modules/.cache/blockgrad/kernels.sha256');

function files(path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((name) => (name === 'node_modules' ? [] : files(join(path, name))));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const produced = new Set(outputs);
  for (const file of inputs.flatMap(files).filter((f) => !produced.has(f)).sort()) {
    hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

const want = inputsHash();
const current = outputs.every((f) => existsSync(join(root, f))) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want;
if (current && !process.argv.includes('--force')) process.exit(0);

const tsx = join(root, 'node_modules/.bin/tsx');
for (const step of steps) {
  // The step's stdout goes to our stderr: build chatter never mixes with a program's output.
  const run = spawnSync(tsx, [join(root, step)], { cwd: root, stdio: ['ignore', 2, 2] });
  if (run.status !== 0) {
    process.stderr.write(`build-kernels: ${relative(root, join(root, step))} failed${run.error ? `: ${run.error.message}` : ` (exit ${run.status})`}\n`);
    process.exit(1);
  }
}
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, inputsHash()); // of the inputs as the build saw them
