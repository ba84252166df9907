import { describe, expect, it } from 'vitest';
import { niceStep, physicalTicks } from '../../../src/app/charts/axisTicks.ts';

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
});
