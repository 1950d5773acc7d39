// The static import graph of a set of modules, as esbuild (the bundler under Vite and tsx) parses and
// resolves it: type-only imports are erased, as at run time; dynamic import() edges are left out (they load
// later, on demand, so they cannot make a cycle at load time).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

/** Every .ts file under `dir` (generated ones included: they are modules too). */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** module -> the modules it imports statically, as paths relative to `root`, for the modules under `dir`. */
export async function importGraph(root: string, dir: string): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    entryPoints: tsFiles(join(root, dir)),
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    outdir: 'out',
    packages: 'external',
    external: ['node:*'],
    logLevel: 'silent',
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (!file.startsWith(`${dir}/`)) continue;
    const edges = input.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => relative(root, join(root, i.path)));
    graph.set(file, edges.filter((e) => e.startsWith(`${dir}/`)));
  }
  return graph;
}

/** The cycles of a graph, each as the modules around it (first repeated last); one per strongly connected component. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
