/**
 * The axes of a curve drawn on a canvas: the data range a chart shows, round tick values in it
 * (1, 2 or 5 × 10ᵏ on a linear axis; powers of ten on a log axis spanning a decade or more), their
 * labels, and the map from axis units to pixels. Axis units are data units on a linear axis and
 * log10 of them on a log axis, as CurveFigure.yRange gives them.
 */
import { niceStep } from './axisTicks.ts';

export interface Tick {
  /** Position in axis units. */
  at: number;
  label: string;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** "10⁻³" for k = −3. */
export function powerOfTenLabel(k: number): string {
  return `10${String(k).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c])}`;
}

/** A tick label: at most 4 significant digits; exponent form (with a true minus) when tiny or huge. */
export function tickLabel(v: number, step: number): string {
  if (v === 0 || Math.abs(v) < step * 1e-6) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    return `${String(Number(m)).replace('-', '−')}×${powerOfTenLabel(Number(e))}`;
  }
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals).replace('-', '−');
}

/** Round linear ticks inside [lo, hi], about `target` of them. */
export function linearTicks(lo: number, hi: number, target = 5): Tick[] {
  if (!(hi > lo)) return [];
  const step = niceStep(hi - lo, target);
  const ticks: Tick[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const at = k * step + 0; // + 0: no −0 from ceil of a tiny negative
    ticks.push({ at, label: tickLabel(at, step) });
  }
  return ticks;
}

/**
 * Ticks on a log axis given in log10 units: whole decades (every n-th when there are many) when
 * the range spans at least one; otherwise round values of the data, placed at their log10.
 */
export function logTicks(lo: number, hi: number, target = 5): Tick[] {
  if (!(hi > lo)) return [];
  if (hi - lo >= 1) {
    const every = Math.max(1, Math.ceil((hi - lo) / target));
    const ticks: Tick[] = [];
    for (let k = Math.ceil(lo - 1e-9); k <= hi + 1e-9; k++) if (k % every === 0) ticks.push({ at: k + 0, label: powerOfTenLabel(k) });
    return ticks;
  }
  return linearTicks(10 ** lo, 10 ** hi, target).filter((t) => t.at > 0).map((t) => ({ at: Math.log10(t.at), label: t.label }));
}

/** The extent of the finite values of some arrays, or null when there are none. */
export function extentOf(arrays: readonly ArrayLike<number>[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A range widened by `fraction` of its span on both sides; a single value gets ±0.5 (or ±5% of it). */
export function padRange([lo, hi]: [number, number], fraction: number): [number, number] {
  if (hi > lo) {
    const pad = (hi - lo) * fraction;
    return [lo - pad, hi + pad];
  }
  const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** The affine map of [lo, hi] onto pixels [p0, p1] (p1 < p0 for an upward y-axis), and back. */
export function axisMap(lo: number, hi: number, p0: number, p1: number): { toPx: (v: number) => number; fromPx: (p: number) => number } {
  const k = (p1 - p0) / (hi - lo);
  return { toPx: (v) => p0 + (v - lo) * k, fromPx: (p) => lo + (p - p0) / k };
}
