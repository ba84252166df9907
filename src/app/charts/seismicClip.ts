/**
 * Grey-scale limits for shot gathers. Seismic amplitudes fall off by orders of magnitude from the
 * direct arrival to late reflections, so an unclipped grey map shows only the first arrival. Two
 * conventions: a symmetric clip at a percentile of |amplitude| (what most seismic viewers do), or
 * OpenFWI's figures, which clip at 1% of the dataset's data_min and data_max.
 */
import { quantileSorted } from './robustRange.ts';

export type SeismicClip = { mode: 'percentile'; percentile: number } | { mode: 'openfwi' };

/** ±(the p-th percentile of |x| over the finite values); ±1 when that is 0. */
export function percentileClip(values: ArrayLike<number>, percentile: number): [number, number] {
  const abs = new Float32Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) abs[n++] = Math.abs(v);
  }
  const sorted = abs.subarray(0, n).sort();
  const c = quantileSorted(sorted, percentile / 100);
  const m = c > 0 ? c : 1;
  return [-m, m];
}

/** The grey limits for a gather under a clip rule; `dataRange` is the dataset's [data_min, data_max]. */
export function seismicLimits(values: ArrayLike<number>, clip: SeismicClip, dataRange: [number, number]): [number, number] {
  if (clip.mode === 'openfwi') return [dataRange[0] * 0.01, dataRange[1] * 0.01];
  return percentileClip(values, clip.percentile);
}
