// Metrics against values computed by hand.
import { describe, expect, it } from 'vitest';
import { metrics } from '../src/index.ts';

const p = { data: Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.5, 0.4, 0.1, 0.2, 0.2, 0.6]), classes: 3 };
const labels = [0, 1, 1, 0];

describe('metrics', () => {
  it('accuracy, NLL and Brier', () => {
    expect(metrics.accuracy(p, labels)).toBe(0.5);
    expect(metrics.nll(p, labels)).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6) + Math.log(0.4) + Math.log(0.2)) / 4, 6);
    const brier = ((0.09 + 0.04 + 0.01) + (0.01 + 0.16 + 0.09) + (0.25 + 0.36 + 0.01) + (0.64 + 0.04 + 0.36)) / 4;
    expect(metrics.brier(p, labels)).toBeCloseTo(brier, 6);
  });

  it('ECE with 15 bins', () => {
    // confidences 0.7 (right), 0.6 (right), 0.5 (wrong), 0.6 (wrong): bins (0.6,0.667] holds 0.7? no: 0.7 is in (0.667, 0.733]
    // bin of 0.6 = (0.533, 0.6]: two samples, mean conf 0.6, acc 0.5 -> |0.6-0.5|*2
    // bin of 0.7: |0.7-1|*1 ; bin of 0.5: |0.5-0|*1
    expect(metrics.ece(p, labels)).toBeCloseTo((0.2 + 0.3 + 0.5) / 4, 6);
  });

  it('entropy, ensemble mean, mutual information and disagreement', () => {
    const uniform = { data: Float32Array.from([0.5, 0.5]), classes: 2 };
    expect(metrics.entropy(uniform)[0]).toBeCloseTo(Math.log(2), 6);
    // two estimators, one row each, confident and opposite: mean is uniform, MI = ln 2
    const per = { data: Float32Array.from([1, 0, 0, 1]), classes: 2 };
    expect([...metrics.ensembleMean(per, 2).data]).toEqual([0.5, 0.5]);
    expect(metrics.mutualInformation(per, 2)[0]).toBeCloseTo(Math.log(2), 6);
    const agree = { data: Float32Array.from([0.9, 0.1, 0.8, 0.2, 0.3, 0.7]), classes: 2 };
    expect([...metrics.disagreement(agree, 3)]).toEqual([1 / 3]);
    expect(() => metrics.accuracy(p, [0, 1])).toThrow(/2 labels for 4 rows/);
  });

  it('entropy as torch.special.entr: 0·log 0 is 0, a NaN probability makes its row (and the mutual information) NaN', () => {
    const e = metrics.entropy({ data: Float32Array.from([1, 0, Number.NaN, 0.5]), classes: 2 });
    expect(e[0]).toBe(0);
    expect(e[1]).toBeNaN();
    expect(metrics.mutualInformation({ data: Float32Array.from([Number.NaN, 0.5, 1, 0]), classes: 2 }, 2)[0]).toBeNaN();
  });

  it('AUROC: the Mann-Whitney statistic, ties counting half', () => {
    expect(metrics.auroc([3, 4], [1, 2])).toBe(1);
    expect(metrics.auroc([1, 2], [3, 4])).toBe(0);
    // pairs (pos, neg): (0.8,0.5)>, (0.8,0.9)<, (0.5,0.5)=, (0.5,0.9)<  -> (1 + 0.5) / 4
    expect(metrics.auroc([0.8, 0.5], [0.5, 0.9])).toBeCloseTo(0.375, 12);
    expect(metrics.auroc([1, 1, 1], [1, 1])).toBe(0.5);
    expect(() => metrics.auroc([], [1])).toThrow(/at least one positive/);
    expect(() => metrics.auroc([NaN], [1])).toThrow(/NaN/);
  });
});
