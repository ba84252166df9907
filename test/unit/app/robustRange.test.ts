import { describe, expect, it } from 'vitest';
import { quantileSorted, robustRange } from '../../../src/app/charts/robustRange.ts';

describe('robust y-range', () => {
  it('interpolates quantiles linearly', () => {
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
  });

  it('shows all of a well-behaved series, padded 5%', () => {
    const y = Array.from({ length: 101 }, (_, i) => i / 100); // 0 … 1
    const r = robustRange([y]);
    expect(r.range![0]).toBeCloseTo(-0.05, 12);
    expect(r.range![1]).toBeCloseTo(1.05, 12);
    expect(r.offScaleTotal).toBe(0);
  });

  it('leaves a single huge outlier off-scale and counts it', () => {
    const y = Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    y[3] = 1e6;
    const r = robustRange([y]);
    expect(r.range![1]).toBeLessThan(2);
    expect(r.offScale).toEqual([1]);
    expect(r.offScaleTotal).toBe(1);
  });

  it('never hides a whole series: the range covers each series bulk', () => {
    const small = Array.from({ length: 200 }, (_, i) => 0.01 * Math.cos(i));
    const huge = Array.from({ length: 200 }, (_, i) => 5000 + Math.sin(i));
    const r = robustRange([small, huge]);
    expect(r.range![0]).toBeLessThan(-0.01);
    expect(r.range![1]).toBeGreaterThan(5001);
    expect(r.offScaleTotal).toBe(0);
  });

  it('on a log axis works in log10 units and counts non-positive points off-scale', () => {
    const y = [1, 10, 100, 0, -5, NaN];
    const r = robustRange([y], true);
    expect(r.range![0]).toBeCloseTo(-0.1, 12);
    expect(r.range![1]).toBeCloseTo(2.1, 12);
    expect(r.offScale).toEqual([2]);
  });

  it('has no range for a series with no finite values', () => {
    expect(robustRange([[NaN, Infinity]]).range).toBeNull();
  });
});

describe('robust y-range on long series', () => {
  it('estimates the band from a strided sample but counts every off-scale point', () => {
    const n = 200_000;
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.001));
    for (const k of [10, 5000, 123_456]) y[k] = 1e6;
    const r = robustRange([y]);
    expect(r.range![0]).toBeCloseTo(-1.1, 2);
    expect(r.range![1]).toBeCloseTo(1.1, 2);
    expect(r.offScaleTotal).toBe(3);
  });
});
