import { describe, expect, it } from 'vitest';
import { smoothSeries } from '../../../src/app/charts/smoothing.ts';

describe('TensorBoard smoothing', () => {
  it('equals the debiased EMA closed form', () => {
    const y = [3, -1, 4, 1, -5, 9];
    const w = 0.6;
    const out = smoothSeries(y, w);
    // s_n = (1−w)·Σ_{k≤n} w^{n−k}·y_k / (1 − w^n), with n counted from 1.
    y.forEach((_, n) => {
      let acc = 0;
      for (let k = 0; k <= n; k++) acc += (1 - w) * Math.pow(w, n - k) * y[k];
      expect(out[n]).toBeCloseTo(acc / (1 - Math.pow(w, n + 1)), 12);
    });
    expect(out[0]).toBeCloseTo(3, 12); // debiasing removes the pull toward 0 at the start
  });

  it('passes non-finite values through without advancing n', () => {
    const w = 0.5;
    const out = smoothSeries([2, NaN, 4, Infinity, 6], w);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[3]).toBe(Infinity);
    // finite points are 2, 4, 6 with n = 1, 2, 3
    expect(out[0]).toBeCloseTo(2, 12);
    expect(out[2]).toBeCloseTo((0.5 * 0.5 * 2 + 0.5 * 4) / (1 - 0.25), 12);
    expect(out[4]).toBeCloseTo((0.5 * 0.25 * 2 + 0.25 * 4 + 0.5 * 6) / (1 - 0.125), 12);
  });

  it('leaves a constant series exactly unchanged', () => {
    const y = new Array(500).fill(0.1);
    expect(Array.from(smoothSeries(y, 0.999))).toEqual(y);
  });

  it('is the identity at weight 0', () => {
    const y = [1.5, -2, 7, 0];
    expect(Array.from(smoothSeries(y, 0))).toEqual(y);
  });
});
