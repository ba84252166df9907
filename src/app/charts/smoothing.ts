/**
 * TensorBoard's scalar smoothing, reproduced exactly so a curve here reads the same as in the
 * user's other tools: a debiased exponential moving average. The accumulator starts at 0 and is
 * divided by (1 − wⁿ), which removes the pull toward 0 at the start; non-finite points are shown
 * as they are and neither enter the average nor count toward n; a constant series is returned as
 * is (TensorBoard's special case: the debiased EMA is only equal to it up to rounding).
 */

/** The debiased EMA of `values` with weight `weight` in [0, 1]; same length, non-finite values passed through. */
export function smoothSeries(values: ArrayLike<number>, weight: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const w = Math.min(Math.max(weight, 0), 1);
  let isConstant = true;
  for (let i = 1; i < n; i++) {
    // `==` on purpose, as TensorBoard: a NaN anywhere makes the series non-constant.
    if (!(values[i] == values[0])) {
      isConstant = false;
      break;
    }
  }
  let last = 0;
  // wⁿ as a running product: Math.pow per point was the single largest cost on long runs.
  let wn = 1;
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (isConstant || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    wn *= w;
    out[i] = w === 1 ? last : last / (1 - wn);
  }
  return out;
}
