import { describe, expect, it } from 'vitest';
import { buildCurveFigure, SPARSE_MARKERS, sparseMarkerSize } from '../../../src/app/charts/curveTraces.ts';
import { smoothSeries } from '../../../src/app/charts/smoothing.ts';
import { symlog } from '../../../src/app/charts/yScale.ts';

describe('curve figure', () => {
  const n = 50_000;
  const x = Float64Array.from({ length: n }, (_, i) => i + 1);
  const critic = Float64Array.from({ length: n }, (_, i) => -50 * Math.exp(-i / 5000) + Math.sin(i));
  const gp = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.1 * Math.cos(i));

  it('smooths the full series before downsampling and stays within the point budget', () => {
    const f = buildCurveFigure(x, [{ name: 'Critic loss', y: critic }, { name: 'GP', y: gp }], { smoothing: 0.9, yScale: 'linear', maxPoints: 2000 });
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

  it('draws WebGL traces with a dozen sparse markers as per-point sizes (scattergl has no maxdisplayed)', () => {
    const f = buildCurveFigure(x, [{ name: 'Critic loss', y: critic }], { smoothing: 0.6, yScale: 'linear', maxPoints: 800, traceType: 'scattergl' });
    expect(f.traces.map((t) => t.type)).toEqual(['scattergl', 'scattergl']);
    const marker = f.traces[1].marker!;
    expect(marker.maxdisplayed).toBeUndefined();
    const sizes = marker.size as number[];
    expect(sizes.length).toBe(f.traces[1].x.length);
    const at = sizes.flatMap((v, i) => (v > 0 ? [i] : []));
    // 12 markers, first and last point included, evenly spaced (gaps differ by at most one point).
    expect(at.length).toBe(12);
    expect(at[0]).toBe(0);
    expect(at[at.length - 1]).toBe(sizes.length - 1);
    const gaps = at.slice(1).map((v, i) => v - at[i]);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
    // SVG traces thin their markers themselves.
    const svg = buildCurveFigure(x, [{ name: 'Critic loss', y: critic }], { smoothing: 0, yScale: 'linear', maxPoints: 800 });
    expect(svg.traces[0].type).toBe('scatter');
    expect(svg.traces[0].marker).toEqual({ symbol: 'circle', size: 7, color: '#1f5fbf', maxdisplayed: 12 });
    // Per-epoch series ('all') and short ones keep a marker on every point.
    expect(sparseMarkerSize(SPARSE_MARKERS, 'scattergl')).toBe(7);
    const all = buildCurveFigure([1, 2, 3], [{ name: 'SSIM', y: [0.1, 0.2, 0.3] }], { smoothing: 0, yScale: 'linear', maxPoints: 800, markers: 'all', traceType: 'scattergl' });
    expect(all.traces[0].marker!.size).toBe(7);
  });

  it('draws no raw trace at smoothing 0 and honours manual y-limits', () => {
    const f = buildCurveFigure(x, [{ name: 'GP', y: gp }], { smoothing: 0, yScale: 'linear', maxPoints: 2000, yLimits: [0.45, 0.55] });
    expect(f.traces.length).toBe(1);
    expect(f.yRange).toEqual([0.45, 0.55]);
    expect(f.offScaleTotal).toBeGreaterThan(0);
  });

  it('uses log10 axis units on a log axis', () => {
    const f = buildCurveFigure([1, 2, 3], [{ name: 'GP', y: [1, 10, 100] }], { smoothing: 0, yScale: 'log', maxPoints: 2000 });
    expect(f.yRange![0]).toBeCloseTo(-0.1, 12);
    expect(f.yRange![1]).toBeCloseTo(2.1, 12);
  });

  it('draws a signed series on symlog: transformed y, real values in the hover, range in symlog units', () => {
    // |y| 5th percentile: 0.5 + 0.15·(5 − 0.5) = 1.175 → c = 1.
    const f = buildCurveFigure([1, 2, 3, 4], [{ name: 'Wasserstein', y: [-99, -9, 0.5, 999] }], { smoothing: 0, yScale: 'symlog', maxPoints: 2000 });
    expect(f.symlogC).toBe(1);
    const t = f.traces[0];
    expect(Array.from(t.y).map((v) => Number(v.toFixed(9)))).toEqual([-2, -1, Number(Math.log10(1.5).toFixed(9)), 3]);
    expect(Array.from(t.customdata!)).toEqual([-99, -9, 0.5, 999]);
    // Robust range over the transformed values [−2, 3], padded 5%.
    expect(f.yRange![0]).toBeCloseTo(-2.25, 12);
    expect(f.yRange![1]).toBeCloseTo(3.25, 12);
    // Manual limits are given in data units and drawn in symlog units.
    const lim = buildCurveFigure([1, 2, 3, 4], [{ name: 'W', y: [-99, -9, 0.5, 999] }], { smoothing: 0, yScale: 'symlog', maxPoints: 2000, yLimits: [-9, 99] });
    expect(lim.yRange).toEqual([symlog(-9, 1), symlog(99, 1)]);
    expect(lim.offScaleTotal).toBe(2);
  });

  it('overlays series with their own x and style (runs in a comparison)', () => {
    const styleA = { color: '#000000', dash: 'solid', symbol: 'circle' };
    const styleB = { color: '#ff0000', dash: 'dash', symbol: 'square' };
    const f = buildCurveFigure([], [{ name: 'run A', x: [1, 2, 3], y: [3, 2, 1], style: styleA }, { name: 'run B', x: [1, 2], y: [5, 4], style: styleB }], { smoothing: 0, yScale: 'linear', maxPoints: 100 });
    expect(f.traces.map((t) => [t.name, Array.from(t.x), t.line.color, t.line.dash])).toEqual([['run A', [1, 2, 3], '#000000', 'solid'], ['run B', [1, 2], '#ff0000', 'dash']]);
    // Hidden series leave no trace and do not shape the range: [1, 3] padded 5%.
    const hidden = buildCurveFigure([], [{ name: 'run A', x: [1, 2, 3], y: [3, 2, 1] }, { name: 'run B', x: [1, 2], y: [5, 4] }], { smoothing: 0, yScale: 'linear', maxPoints: 100, hidden: new Set(['run B']) });
    expect(hidden.traces.map((t) => t.name)).toEqual(['run A']);
    expect(hidden.yRange![0]).toBeCloseTo(0.9, 12);
    expect(hidden.yRange![1]).toBeCloseTo(3.1, 12);
  });
});
