/**
 * Tick positions for image axes in physical units: a map of `cells` cells of `step` metres (or
 * milliseconds) covers [0, cells·step] edge to edge, and ticks fall every `every` units, placed as
 * fractions of the axis so the DOM can position them over a scaled canvas.
 */

export interface AxisTick {
  value: number;
  /** Position along the axis in [0, 1] (0 = left or top). */
  fraction: number;
}

/** Ticks at 0, every, 2·every, … up to cells·step inclusive. */
export function physicalTicks(cells: number, step: number, every: number): AxisTick[] {
  const extent = cells * step;
  const ticks: AxisTick[] = [];
  if (!(extent > 0) || !(every > 0)) return ticks;
  for (let k = 0; k * every <= extent + 1e-9; k++) {
    const value = Math.round(k * every * 1e6) / 1e6;
    ticks.push({ value, fraction: value / extent });
  }
  return ticks;
}

/** A round tick spacing (1, 2 or 5 × 10ᵏ) giving about `target` ticks over [0, extent]. */
export function niceStep(extent: number, target = 5): number {
  if (!(extent > 0)) return 1;
  const raw = extent / target;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/**
 * Round ticks for a value range such as a colour bar's: the multiples of a 1-2-5 step (about
 * `target` of them) inside [lo, hi], placed as fractions from lo (0) to hi (1).
 */
export function rangeTicks(lo: number, hi: number, target = 5): AxisTick[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const step = niceStep(hi - lo, target);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: AxisTick[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const value = Number((k * step).toFixed(decimals)) + 0; // + 0 turns −0 into 0
    ticks.push({ value, fraction: (value - lo) / (hi - lo) });
  }
  return ticks;
}
