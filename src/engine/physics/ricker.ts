/**
 * The source wavelet of the reference scheme (VELOCITYGAN.md §7): a Ricker wavelet of peak
 * frequency f, sampled every dt, truncated to nw = 2·⌊(2.2/(f·dt))/2⌋ + 1 samples and centred on
 * sample ⌊nw/2⌋ (73 at 15 Hz and 1 ms), zero afterwards.
 */

/** The wavelet's length in samples before it is cut to zero (147 at 15 Hz, 1 ms). */
export function rickerLength(f: number, dt: number): number {
  return 2 * Math.floor(2.2 / (f * dt) / 2) + 1;
}

/** `nt` samples of the truncated Ricker wavelet `w[k] = (1 − 2β)·e^(−β)`, `β = ((nc − k)·f·dt·π)²`. */
export function rickerWavelet(f: number, dt: number, nt: number): Float64Array {
  const nw = rickerLength(f, dt);
  const nc = Math.floor(nw / 2);
  const w = new Float64Array(nt);
  for (let k = 0; k < Math.min(nw, nt); k++) {
    const beta = ((nc - k) * f * dt * Math.PI) ** 2;
    w[k] = (1 - 2 * beta) * Math.exp(-beta);
  }
  return w;
}
