import { describe, expect, it } from 'vitest';
import { axisMap, extentOf, linearTicks, logTicks, padRange, powerOfTenLabel, tickLabel } from '../../../src/app/charts/plotScale.ts';

describe('plotScale', () => {
  it('puts round linear ticks inside the range', () => {
    expect(linearTicks(0, 10, 5).map((t) => t.at)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(linearTicks(-0.37, 0.41, 4).map((t) => t.label)).toEqual(['−0.2', '0', '0.2', '0.4']);
    expect(linearTicks(1, 1)).toEqual([]);
  });

  it('labels decades on a log axis and round values inside one decade', () => {
    expect(logTicks(-3.2, 1.1, 5).map((t) => t.label)).toEqual(['10⁻³', '10⁻²', '10⁻¹', '10⁰', '10¹']);
    expect(logTicks(0, 12, 4).map((t) => t.at)).toEqual([0, 3, 6, 9, 12]);
    const inside = logTicks(Math.log10(2), Math.log10(9), 4);
    expect(inside.map((t) => t.label)).toEqual(['2', '4', '6', '8']);
    expect(inside[1].at).toBeCloseTo(Math.log10(4), 12);
  });

  it('formats tick labels with a true minus and powers of ten when tiny or huge', () => {
    expect(powerOfTenLabel(-12)).toBe('10⁻¹²');
    expect(tickLabel(2.5e-5, 5e-6)).toBe('2.5×10⁻⁵');
    expect(tickLabel(-1500, 500)).toBe('−1500');
    expect(tickLabel(1e-17, 0.1)).toBe('0');
  });

  it('finds extents, pads them, and maps axis units to pixels and back', () => {
    expect(extentOf([[3, NaN, -1], [7]])).toEqual([-1, 7]);
    expect(extentOf([[NaN]])).toBeNull();
    expect(padRange([0, 10], 0.05)).toEqual([-0.5, 10.5]);
    expect(padRange([0, 0], 0.05)).toEqual([-0.5, 0.5]);
    expect(padRange([200, 200], 0.05)).toEqual([190, 210]);
    const y = axisMap(0, 10, 200, 0);
    expect(y.toPx(2.5)).toBe(150);
    expect(y.fromPx(150)).toBe(2.5);
  });
});
