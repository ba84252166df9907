/**
 * An outlier-robust y-range for training curves. One loss of 10⁶ at step 3 would otherwise flatten
 * every other point into a line. Each series gets its own robust range (its 1st–99th percentile,
 * widened to its true extremes when they are not far out), and the chart shows the union of those,
 * so no series is ever pushed entirely out of view; points left outside are counted so the chart
 * can say "N points off-scale". On a log axis the work is done on log10 of the positive values and
 * non-positive values count as off-scale.
 */

export interface RobustRange {
  /** Axis range in data units (for a log axis: log10 units, as Plotly expects). */
  range: [number, number] | null;
  /** Finite points (or non-positive ones on a log axis) outside `range`, per series. */
  offScale: number[];
  /** Sum of offScale. */
  offScaleTotal: number;
}

/** The value at quantile q in [0, 1] of an ascending-sorted array, linearly interpolated. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * Math.min(Math.max(q, 0), 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** How far past the central band (in band widths) an extreme may lie and still be shown. */
const REACH = 1.5;
const PAD = 0.05;

/**
 * Quantiles come from at most this many evenly strided values: sorting a 100 000-step series on
 * every redraw cost more than the whole redraw budget, and a 1st/99th percentile estimated from
 * 4096 samples is as good for choosing an axis. Extremes and off-scale counts use every value.
 */
const QUANTILE_SAMPLE = 4096;

function seriesBand(values: ArrayLike<number>, log: boolean): [number, number] | null {
  const n = values.length;
  const stride = Math.max(1, Math.ceil(n / QUANTILE_SAMPLE));
  const sample: number[] = [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    let v = values[i];
    if (!Number.isFinite(v)) continue;
    if (log) {
      if (v <= 0) continue;
      v = Math.log10(v);
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (i % stride === 0) sample.push(v);
  }
  if (!(min <= max)) return null;
  if (sample.length === 0) sample.push(min, max);
  const sorted = Float64Array.from(sample).sort();
  let lo = quantileSorted(sorted, 0.01);
  let hi = quantileSorted(sorted, 0.99);
  const band = hi - lo;
  const reach = band > 0 ? REACH * band : Math.max(Math.abs(hi) * 0.1, 1e-12);
  if (min >= lo - reach) lo = min;
  if (max <= hi + reach) hi = max;
  return [Math.min(lo, hi), Math.max(lo, hi)];
}

/** The union of the series' robust bands, padded 5%, with the count of points it leaves out. */
export function robustRange(series: ArrayLike<number>[], log = false): RobustRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const b = seriesBand(s, log);
    if (!b) continue;
    lo = Math.min(lo, b[0]);
    hi = Math.max(hi, b[1]);
  }
  if (!(lo <= hi)) return { range: null, offScale: series.map(() => 0), offScaleTotal: 0 };
  const span = hi - lo;
  const pad = span > 0 ? span * PAD : Math.max(Math.abs(hi) * PAD, log ? 0.1 : 1e-6);
  const range: [number, number] = [lo - pad, hi + pad];
  const offScale = series.map((s) => {
    let count = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!Number.isFinite(v)) continue;
      if (log) {
        if (v <= 0) count++;
        else {
          const l = Math.log10(v);
          if (l < range[0] || l > range[1]) count++;
        }
      } else if (v < range[0] || v > range[1]) count++;
    }
    return count;
  });
  return { range, offScale, offScaleTotal: offScale.reduce((a, b) => a + b, 0) };
}
