import { describe, expect, it } from 'vitest';
import { niceStep, physicalTicks, rangeTicks } from '../../../src/app/charts/axisTicks.ts';

describe('image axis ticks', () => {
  it('puts a tick every 100 m (10 cells of 10 m) across a 70-cell map', () => {
    const t = physicalTicks(70, 10, 100);
    expect(t.map((k) => k.value)).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);
    expect(t[1].fraction).toBeCloseTo(1 / 7, 12);
    expect(t[7].fraction).toBe(1);
  });

  it('picks 1-2-5 spacings', () => {
    expect(niceStep(1000, 5)).toBe(200);
    expect(niceStep(700, 7)).toBe(100);
    expect(niceStep(3, 5)).toBe(0.5);
  });

  it('puts colour-bar ticks on round numbers inside the range', () => {
    expect(rangeTicks(1500, 4500).map((t) => t.value)).toEqual([1500, 2000, 2500, 3000, 3500, 4000, 4500]);
    const odd = rangeTicks(1832.4, 4211.7);
    expect(odd.map((t) => t.value)).toEqual([2000, 2500, 3000, 3500, 4000]);
    expect(odd[0].fraction).toBeCloseTo((2000 - 1832.4) / (4211.7 - 1832.4), 12);
    expect(rangeTicks(-237, 237).map((t) => t.value)).toEqual([-200, -100, 0, 100, 200]);
    expect(rangeTicks(-0.25, 0.25).map((t) => t.value)).toEqual([-0.2, -0.1, 0, 0.1, 0.2]);
    expect(rangeTicks(5, 5)).toEqual([]);
  });
});
