/**
 * The velocity model seen by the wave equation: the map extended by `nbc` cells on every side by
 * repeating its edge values, so the absorbing layer continues the medium without reflecting.
 */

/** A (nz + 2·nbc) × (nx + 2·nbc) row-major copy of `velocity` (nz × nx) with edge values repeated outward. */
export function padEdge(velocity: ArrayLike<number>, nz: number, nx: number, nbc: number): Float32Array {
  const h = nz + 2 * nbc;
  const w = nx + 2 * nbc;
  const out = new Float32Array(h * w);
  for (let i = 0; i < h; i++) {
    const z = Math.min(nz - 1, Math.max(0, i - nbc));
    for (let j = 0; j < w; j++) {
      const x = Math.min(nx - 1, Math.max(0, j - nbc));
      out[i * w + j] = velocity[z * nx + x];
    }
  }
  return out;
}
