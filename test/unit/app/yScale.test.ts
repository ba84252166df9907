import { describe, expect, it } from 'vitest';
import { symlog, symlogConstant, symlogInverse, symlogSeries, symlogTicks } from '../../../src/app/charts/yScale.ts';
import { parseYScales } from '../../../src/app/charts/yScaleChoice.ts';

describe('symlog scale', () => {
  it('is log10(1 + |y|/c) with the sign of y, and its inverse undoes it', () => {
    expect(symlog(0, 1)).toBe(0);
    expect(symlog(9, 1)).toBeCloseTo(1, 15); // log10(10)
    expect(symlog(-99, 1)).toBeCloseTo(-2, 15); // −log10(100)
    expect(symlog(0.9, 0.1)).toBeCloseTo(1, 15);
    expect(symlog(Number.NaN, 1)).toBeNaN();
    for (const y of [-1234.5, -0.02, 0, 3e-4, 7, 5e6]) expect(symlogInverse(symlog(y, 0.01), 0.01)).toBeCloseTo(y, 6);
    const series = symlogSeries([-9, 0, 99], 1);
    expect(series[0]).toBeCloseTo(-1, 12);
    expect(series[1]).toBe(0);
    expect(series[2]).toBeCloseTo(2, 12);
  });

  it('takes c as the power of ten at or below the 5th percentile of the non-zero magnitudes', () => {
    // |y| sorted: 0.5, 3, 20, 100 → 5th percentile 0.5 + 0.15·2.5 = 0.875 → c = 0.1.
    expect(symlogConstant([[0.5, -3], [20, 0, -100, Number.NaN]])).toBe(0.1);
    expect(symlogConstant([[250, -400, 1000]])).toBe(100);
    expect(symlogConstant([[0, Number.NaN]])).toBe(1);
  });

  it('ticks at 0 and ±c·10ᵏ within the range, labelled in data units', () => {
    const t = symlogTicks([symlog(-100, 1), symlog(1000, 1)], 1, String);
    expect(t.labels).toEqual(['-100', '-10', '-1', '0', '1', '10', '100', '1000']);
    expect(t.values.map((v) => Number(v.toFixed(6)))).toEqual([-100, -10, -1, 0, 1, 10, 100, 1000].map((y) => Number(symlog(y, 1).toFixed(6))));
    // A wide range thins to every other decade (or sparser): at most 9 ticks.
    const wide = symlogTicks([symlog(-1e6, 1), symlog(1e6, 1)], 1, String);
    expect(wide.labels).toEqual(['-1000000', '-10000', '-100', '-1', '0', '1', '100', '10000', '1000000']);
    // ±10⁸: every other decade still gives 11, every third 7.
    expect(symlogTicks([symlog(-1e8, 1), symlog(1e8, 1)], 1, String).labels).toEqual(['-1000000', '-1000', '-1', '0', '1', '1000', '1000000']);
  });

  it('reads the remembered choices, an old log switch as log, and drops what it does not know', () => {
    expect(parseYScales('{"critic":"symlog","ssim":"cubic"}', '{"generator":true,"critic":true,"error":false}')).toEqual({ critic: 'symlog', generator: 'log' });
    expect(parseYScales('not json', null)).toEqual({});
  });
});
