// The training-step profile of `npm run bench`, on a few steps: every phase and the GEMMs are accounted
// for and the tables are well-formed (never timed).
import { describe, expect, it } from 'vitest';
import { callsTable, phaseTable, profileStep } from '../bench/lib/step-profile.ts';
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
    expect(r.ledger.allocs).toBeGreaterThan(0);
    for (const table of [phaseTable([r]), callsTable([r])]) {
      for (const row of table.rows) expect(row.length).toBe(table.headers.length);
      expect(renderMarkdown(table)).toContain(`| ${table.headers.join(' | ')} |`);
    }
  }, 60_000);
});
