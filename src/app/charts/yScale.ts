/**
 * The y scales a curve chart offers. Plotly has linear and log axes but no symmetric log, and the
 * Wasserstein estimate and the critic loss change sign, so a log axis hides half of them. Symlog is
 * drawn as Plotly's linear axis over transformed values, y' = sign(y)·log10(1 + |y|/c): linear
 * within ±c, logarithmic beyond, one decade per unit far from 0. Ticks are placed at the
 * transformed positions of 0, ±c, ±10c, … and labelled with the values they stand for.
 */
import { quantileSorted } from './robustRange.ts';

export type YScale = 'linear' | 'log' | 'symlog';

export const Y_SCALES: readonly YScale[] = ['linear', 'log', 'symlog'];

export const Y_SCALE_LABELS: Record<YScale, string> = {
  linear: 'Linear',
  log: 'Log',
  symlog: 'Symlog (signed log)',
};

/** y' = sign(y)·log10(1 + |y|/c); non-finite values pass through. */
export function symlog(y: number, c: number): number {
  if (!Number.isFinite(y)) return y;
  return Math.sign(y) * Math.log10(1 + Math.abs(y) / c);
}

/** The value whose symlog is `u`: sign(u)·c·(10^|u| − 1). */
export function symlogInverse(u: number, c: number): number {
  return Math.sign(u) * c * (Math.pow(10, Math.abs(u)) - 1);
}

/** Every value of `values` through symlog with constant c, as a new array. */
export function symlogSeries(values: ArrayLike<number>, c: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = symlog(values[i], c);
  return out;
}

/**
 * The linear threshold c for a set of series: the power of ten at or below the 5th percentile of
 * their non-zero finite magnitudes, so that nearly every point lies in the logarithmic part and the
 * smallest ones still differ from 0. 1 when there is nothing to measure.
 */
export function symlogConstant(series: readonly ArrayLike<number>[]): number {
  const mags: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const a = Math.abs(s[i]);
      if (Number.isFinite(a) && a > 0) mags.push(a);
    }
  }
  if (mags.length === 0) return 1;
  const q = quantileSorted(Float64Array.from(mags).sort(), 0.05);
  return Math.pow(10, Math.floor(Math.log10(q)));
}

export interface AxisTicks {
  /** Positions in axis units (transformed values). */
  values: number[];
  /** What each tick stands for, in data units. */
  labels: string[];
}

/**
 * Ticks of a symlog axis over [lo, hi] (axis units): 0 when in view and ±c·10ᵏ (k ≥ 0) within the
 * range, every other decade (or sparser) when more than `max` would show.
 */
export function symlogTicks(range: [number, number], c: number, format: (v: number) => string, max = 9): AxisTicks {
  const [lo, hi] = range[0] <= range[1] ? range : [range[1], range[0]];
  const decades: number[] = [];
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  for (let k = 0; symlog(c * Math.pow(10, k), c) <= top + 1e-12 && k < 400; k++) decades.push(k);
  const candidates = (stride: number): number[] => {
    const out: number[] = [];
    if (lo <= 0 && hi >= 0) out.push(0);
    for (const k of decades) {
      if (k % stride !== 0) continue;
      const v = c * Math.pow(10, k);
      for (const s of [-v, v]) {
        const u = symlog(s, c);
        if (u >= lo - 1e-12 && u <= hi + 1e-12) out.push(s);
      }
    }
    return out.sort((a, b) => a - b);
  };
  let stride = 1;
  let values = candidates(stride);
  while (values.length > max && stride < 400) values = candidates(++stride);
  return { values: values.map((v) => symlog(v, c)), labels: values.map(format) };
}
