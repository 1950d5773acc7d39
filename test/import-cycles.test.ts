// No import cycle in src/: a module in a cycle may be read before it has finished loading, which works only
// while no module of the ring does work at load time. The graph is esbuild's (see helpers/import-graph.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from './helpers/import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the import graph of src/', () => {
  it('has no cycle', async () => {
    const graph = await importGraph(root, 'src');
    expect(graph.size).toBeGreaterThan(50); // every module was found and parsed
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('finds a cycle where there is one (the check itself can fail)', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });
});
