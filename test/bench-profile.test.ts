// The training-step profile of `npm run bench`, on a few steps: every phase and the GEMMs are accounted
// for and the tables are well-formed (never timed).
import { describe, expect, it } from 'vitest';
import { callsTable, gemmTable, phaseTable, profileStep } from '../bench/lib/step-profile.ts';
import { renderMarkdown } from '../bench/lib/table.ts';

describe('training-step profile', () => {
  it('splits a digits step into phases and backend calls, and counts the storages it allocates', async () => {
    const r = await profileStep(2, { steps: 10, rounds: 1 });
    expect(r.steps).toBe(10);
    for (const phase of ['forward', 'backward', 'optimizer', 'zeroGrad', 'read-back'] as const) expect(r.ledger.phaseMs.get(phase)).toBeGreaterThan(0);
    expect(r.ledger.calls.get('blockLinear')).toBe(3 * 10);
    expect(r.ledger.calls.get('blockLinearGrads')).toBe(3 * 10);
    // the first layer's dW alone runs blockLinearWeightGrad inside blockLinearGrads: counted once, as the latter
    expect(r.ledger.calls.get('blockLinearWeightGrad')).toBeUndefined();
    expect(r.ledger.calls.get('adamStep')).toBe(6 * 10);
    expect(r.ledger.calls.get('crossEntropyGrad')).toBe(10); // the loss's backward, one kernel
    expect([...r.ledger.unlisted]).toEqual([]); // every backend method the step calls is timed
    expect(r.ledger.allocs).toBeGreaterThan(0);
    // the GEMMs per layer: the forward's three, then the backward's from the last layer (the first layer's input needs no dx)
    const gemms = gemmTable([r]);
    expect(gemms.rows.map((row) => `${row[0]}: ${row[1]}`)).toEqual([
      'forward: G 1, 64 → 256', 'forward: G 4, 64 → 64', 'forward: G 4, 64 → 10',
      'dx and dW: G 4, 64 → 10', 'dx and dW: G 4, 64 → 64', 'dW: G 1, 64 → 256',
    ]);
    const flops = (prefix: string): number => [...r.ledger.gemmFlops].filter(([k]) => k.startsWith(prefix)).reduce((a, [, f]) => a + f, 0) / r.steps;
    expect(flops('forward')).toBe(2 * 128 * (64 * 256 + 4 * 64 * 64 + 4 * 64 * 10));
    expect(flops('d')).toBe(2 * 128 * (64 * 256 + 2 * 4 * 64 * 64 + 2 * 4 * 64 * 10));
    for (const table of [phaseTable([r]), callsTable([r]), gemmTable([r])]) {
      for (const row of table.rows) expect(row.length).toBe(table.headers.length);
      expect(renderMarkdown(table)).toContain(`| ${table.headers.join(' | ')} |`);
    }
  }, 60_000);
});
