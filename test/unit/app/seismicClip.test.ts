import { describe, expect, it } from 'vitest';
import { percentileClip, seismicLimits } from '../../../src/app/charts/seismicClip.ts';

describe('seismic clip', () => {
  it('clips symmetrically at a percentile of |amplitude|', () => {
    // |x| = 0 … 100: the 99th percentile by linear interpolation is 99
    const x = Array.from({ length: 101 }, (_, i) => (i % 2 ? -i : i));
    expect(percentileClip(x, 99)).toEqual([-99, 99]);
    expect(percentileClip(x, 50)).toEqual([-50, 50]);
  });

  it('clips at 1% of data_min and data_max for OpenFWI figures', () => {
    const [lo, hi] = seismicLimits([1, 2], { mode: 'openfwi' }, [-26.95, 52.77]);
    expect(lo).toBeCloseTo(-0.2695, 12);
    expect(hi).toBeCloseTo(0.5277, 12);
  });

  it('falls back to ±1 for an all-zero gather', () => {
    expect(percentileClip([0, 0, NaN], 99)).toEqual([-1, 1]);
  });
});
