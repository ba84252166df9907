/**
 * Min/max-preserving downsampling for long training curves. Plotting 100 000 steps costs the main
 * thread far more than 50 ms, yet a naive stride hides exactly the spikes the user is looking for
 * (a GP blow-up, a NaN). Each bucket keeps its smallest and largest value (in step order) and the
 * first non-finite point it holds, so spikes and gaps survive; the first and last points are kept.
 */

export interface Downsampled {
  /** Indices into the original series, strictly increasing. */
  index: Uint32Array;
  x: Float64Array;
  y: Float64Array;
}

/** At most `maxPoints` points of (x, y) that keep every bucket's extremes, its gaps, and both ends. */
export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): Downsampled {
  const n = Math.min(x.length, y.length);
  const picked: number[] = [];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) picked.push(i);
  } else {
    let hasGap = false;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) {
        hasGap = true;
        break;
      }
    }
    // Two slots for the ends; each bucket may emit min, max and (if it has one) a gap.
    const perBucket = hasGap ? 3 : 2;
    const buckets = Math.max(1, Math.floor((maxPoints - 2) / perBucket));
    picked.push(0);
    const inner = n - 2;
    for (let b = 0; b < buckets; b++) {
      const start = 1 + Math.floor((b * inner) / buckets);
      const end = 1 + Math.floor(((b + 1) * inner) / buckets);
      let iMin = -1;
      let iMax = -1;
      let iGap = -1;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (!Number.isFinite(v)) {
          if (iGap < 0) iGap = i;
          continue;
        }
        if (iMin < 0 || v < y[iMin]) iMin = i;
        if (iMax < 0 || v > y[iMax]) iMax = i;
      }
      // Emit the bucket's picks in step order, each once (min and max may be the same point).
      let p = iMin;
      let q = iMax;
      let r = iGap;
      if (p > q) [p, q] = [q, p];
      if (q > r) [q, r] = [r, q];
      if (p > q) [p, q] = [q, p];
      let prev = -1;
      for (const i of [p, q, r]) {
        if (i >= 0 && i !== prev) picked.push(i);
        if (i >= 0) prev = i;
      }
    }
    picked.push(n - 1);
  }
  const index = Uint32Array.from(picked);
  const xs = new Float64Array(index.length);
  const ys = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) {
    xs[k] = x[index[k]];
    ys[k] = y[index[k]];
  }
  return { index, x: xs, y: ys };
}
