import { describe, expect, it } from 'vitest';
import { extentOf, integerTickStep, padRange, panRange, timeUnit, viewForKey, zoomRange } from '../../../src/app/charts/chartView.ts';
import { relayoutChange } from '../../../src/app/charts/PlotlyPlot.tsx';

describe('chart view', () => {
  it('finds the finite extent and pads it', () => {
    expect(extentOf([[3, NaN, -1], [7]])).toEqual([-1, 7]);
    expect(extentOf([[NaN]])).toBeNull();
    expect(padRange([0, 10], 0.05)).toEqual([-0.5, 10.5]);
    expect(padRange([0, 0], 0.05)).toEqual([-0.5, 0.5]);
    expect(padRange([200, 200], 0.05)).toEqual([190, 210]);
  });

  it('zooms about the centre and pans by a share of the span', () => {
    expect(zoomRange([0, 12], 1.5)).toEqual([2, 10]);
    expect(zoomRange([2, 10], 1 / 1.5)).toEqual([0, 12]);
    expect(panRange([0, 10], 0.1)).toEqual([1, 11]);
    expect(panRange([0, 10], -0.1)).toEqual([-1, 9]);
  });

  it('maps the chart keys: + − zoom both axes, arrows pan one, 0 fits, other keys are not ours', () => {
    const v = { x: [0, 12] as [number, number], y: [-6, 6] as [number, number] };
    expect(viewForKey('+', v)).toEqual({ x: [2, 10], y: [-4, 4] });
    expect(viewForKey('-', v)).toEqual({ x: [-3, 15], y: [-9, 9] });
    const right = viewForKey('ArrowRight', v) as { x: number[]; y: number[] };
    expect(right.x[0]).toBeCloseTo(1.2, 12);
    expect(right.x[1]).toBeCloseTo(13.2, 12);
    expect(right.y).toEqual([-6, 6]);
    const down = viewForKey('ArrowDown', v) as { x: number[]; y: number[] };
    expect(down.x).toEqual([0, 12]);
    expect(down.y[0]).toBeCloseTo(-7.2, 12);
    expect(down.y[1]).toBeCloseTo(4.8, 12);
    expect(viewForKey('0', v)).toBe('fit');
    expect(viewForKey('a', v)).toBeNull();
  });

  it('puts step-axis ticks on whole steps: never below 1, round above', () => {
    expect(integerTickStep([0.9, 2.1])).toBe(1); // a two-step run: 1, 2 (not 1.2, 1.4, …)
    expect(integerTickStep([0, 10])).toBe(2);
    expect(integerTickStep([0, 1000])).toBe(200);
  });

  it('chooses seconds, minutes or hours for a time axis', () => {
    expect(timeUnit(179)).toEqual({ unit: 's', seconds: 1 });
    expect(timeUnit(180)).toEqual({ unit: 'min', seconds: 60 });
    expect(timeUnit(3 * 3600)).toEqual({ unit: 'h', seconds: 3600 });
  });

  it('reads Plotly relayout events as ranges or a fit', () => {
    expect(relayoutChange({ 'xaxis.range[0]': 2, 'xaxis.range[1]': 8, 'yaxis.range[0]': -1, 'yaxis.range[1]': 1 })).toEqual({ x: [2, 8], y: [-1, 1] });
    expect(relayoutChange({ 'xaxis.range': [1, 3] })).toEqual({ x: [1, 3] });
    expect(relayoutChange({ 'xaxis.autorange': true, 'yaxis.autorange': true })).toBe('fit');
    expect(relayoutChange({ dragmode: 'pan' })).toBeNull();
  });
});
