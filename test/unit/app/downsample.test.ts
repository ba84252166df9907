import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../../src/app/charts/downsample.ts';

describe('min/max downsampling', () => {
  it('returns short series unchanged', () => {
    const d = downsampleMinMax([0, 1, 2], [5, 6, 7], 10);
    expect(Array.from(d.index)).toEqual([0, 1, 2]);
    expect(Array.from(d.y)).toEqual([5, 6, 7]);
  });

  it('keeps at most maxPoints, both ends, and every spike', () => {
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000));
    y[31_337] = 1e6;
    y[77_777] = -1e6;
    const d = downsampleMinMax(x, y, 2000);
    expect(d.x.length).toBeLessThanOrEqual(2000);
    expect(d.index[0]).toBe(0);
    expect(d.index[d.index.length - 1]).toBe(n - 1);
    expect(Array.from(d.index)).toContain(31_337);
    expect(Array.from(d.index)).toContain(77_777);
    for (let k = 1; k < d.index.length; k++) expect(d.index[k]).toBeGreaterThan(d.index[k - 1]);
    // the global extremes of the smooth part survive too
    const kept = Array.from(d.y).filter((v) => Math.abs(v) < 10);
    expect(Math.max(...kept)).toBeCloseTo(1, 5);
    expect(Math.min(...kept)).toBeCloseTo(-1, 5);
  });

  it('keeps a gap where the series has a NaN, within budget', () => {
    const n = 10_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => i % 7);
    y[5000] = NaN;
    const d = downsampleMinMax(x, y, 300);
    expect(d.x.length).toBeLessThanOrEqual(300);
    expect(Array.from(d.index)).toContain(5000);
    expect(Number.isNaN(d.y[Array.from(d.index).indexOf(5000)])).toBe(true);
  });
});
