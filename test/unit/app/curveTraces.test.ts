import { describe, expect, it } from 'vitest';
import { buildCurveFigure } from '../../../src/app/charts/curveTraces.ts';
import { smoothSeries } from '../../../src/app/charts/smoothing.ts';

describe('curve figure', () => {
  const n = 50_000;
  const x = Float64Array.from({ length: n }, (_, i) => i + 1);
  const critic = Float64Array.from({ length: n }, (_, i) => -50 * Math.exp(-i / 5000) + Math.sin(i));
  const gp = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.1 * Math.cos(i));

  it('smooths the full series before downsampling and stays within the point budget', () => {
    const f = buildCurveFigure(x, [{ name: 'Critic loss', y: critic }, { name: 'GP', y: gp }], { smoothing: 0.9, logY: false, maxPoints: 2000 });
    // raw (faint) + smoothed per series
    expect(f.traces.length).toBe(4);
    for (const t of f.traces) expect(t.x.length).toBeLessThanOrEqual(2000);
    expect(f.traces[0].opacity).toBeLessThan(0.5);
    expect(f.traces[0].showlegend).toBe(false);
    const full = smoothSeries(critic, 0.9);
    const sm = f.traces[1];
    // every drawn smoothed point is the full-resolution smoothed value at that step
    for (let k = 0; k < sm.x.length; k += 97) expect(sm.y[k]).toBe(full[sm.x[k] - 1]);
    // series differ by dash and marker, not colour alone
    expect(f.traces[1].line.dash).not.toBe(f.traces[3].line.dash);
    expect(f.traces[1].marker!.symbol).not.toBe(f.traces[3].marker!.symbol);
  });

  it('draws no raw trace at smoothing 0 and honours manual y-limits', () => {
    const f = buildCurveFigure(x, [{ name: 'GP', y: gp }], { smoothing: 0, logY: false, maxPoints: 2000, yLimits: [0.45, 0.55] });
    expect(f.traces.length).toBe(1);
    expect(f.yRange).toEqual([0.45, 0.55]);
    expect(f.offScaleTotal).toBeGreaterThan(0);
  });

  it('uses log10 axis units on a log axis', () => {
    const f = buildCurveFigure([1, 2, 3], [{ name: 'GP', y: [1, 10, 100] }], { smoothing: 0, logY: true, maxPoints: 2000 });
    expect(f.yRange![0]).toBeCloseTo(-0.1, 12);
    expect(f.yRange![1]).toBeCloseTo(2.1, 12);
  });
});
