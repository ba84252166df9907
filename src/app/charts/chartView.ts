/**
 * The part of a chart's view that is ours, not Plotly's: the ranges that fit the data, keyboard
 * zoom and pan (+/−, arrows, 0 to fit), and tick spacing on step axes (whole steps only: a tiny
 * run must not read "1.92, 1.94 steps"). Ranges are in axis units (log10 on a log axis, symlog
 * units on a symlog one), as Plotly takes them.
 */
import { niceStep } from './axisTicks.ts';

export type Range = [number, number];

/** Smallest and largest finite value over several arrays; null when there is none. */
export function extentOf(arrays: readonly ArrayLike<number>[]): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The range widened by `fraction` of its span on each side (±0.5, or ±|v|·fraction, when it is a single value). */
export function padRange([lo, hi]: Range, fraction: number): Range {
  const span = hi - lo;
  if (span > 0) return [lo - span * fraction, hi + span * fraction];
  const pad = lo === 0 ? 0.5 : Math.abs(lo) * Math.max(fraction, 0.05);
  return [lo - pad, hi + pad];
}

/** The range zoomed by `factor` (> 1 in, < 1 out) about its centre. */
export function zoomRange([lo, hi]: Range, factor: number): Range {
  const c = (lo + hi) / 2;
  const half = (hi - lo) / 2 / factor;
  return [c - half, c + half];
}

/** The range moved by `fraction` of its span (positive: towards larger values). */
export function panRange([lo, hi]: Range, fraction: number): Range {
  const d = (hi - lo) * fraction;
  return [lo + d, hi + d];
}

export interface View {
  x: Range;
  y: Range;
}

/** What a chart key does to the view: the new view, 'fit' (follow the data again), or null (not a chart key). */
export function viewForKey(key: string, view: View): View | 'fit' | null {
  const ZOOM = 1.5;
  const PAN = 0.1;
  switch (key) {
    case '+':
    case '=':
      return { x: zoomRange(view.x, ZOOM), y: zoomRange(view.y, ZOOM) };
    case '-':
    case '_':
      return { x: zoomRange(view.x, 1 / ZOOM), y: zoomRange(view.y, 1 / ZOOM) };
    case 'ArrowLeft':
      return { x: panRange(view.x, -PAN), y: view.y };
    case 'ArrowRight':
      return { x: panRange(view.x, PAN), y: view.y };
    case 'ArrowUp':
      return { x: view.x, y: panRange(view.y, PAN) };
    case 'ArrowDown':
      return { x: view.x, y: panRange(view.y, -PAN) };
    case '0':
      return 'fit';
    default:
      return null;
  }
}

/** The keys `viewForKey` answers, as aria-keyshortcuts lists them. */
export const CHART_KEYS = '+ - ArrowLeft ArrowRight ArrowUp ArrowDown 0';

/** Tick spacing on a step axis over `range`: a round step (1, 2, 5 × 10ᵏ) of at least 1, about `target` ticks. */
export function integerTickStep(range: Range, target = 6): number {
  return Math.max(1, niceStep(Math.abs(range[1] - range[0]), target));
}

/** How a time axis of up to `maxSeconds` is best read: its unit and the seconds in one. */
export function timeUnit(maxSeconds: number): { unit: 's' | 'min' | 'h'; seconds: number } {
  if (maxSeconds >= 3 * 3600) return { unit: 'h', seconds: 3600 };
  if (maxSeconds >= 180) return { unit: 'min', seconds: 60 };
  return { unit: 's', seconds: 1 };
}
