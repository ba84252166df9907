/**
 * The absorbing boundary of the reference scheme (VELOCITYGAN.md §7): a damping coefficient κ that
 * is zero inside the map and grows quadratically across the nbc-cell layer around it, strong
 * enough to attenuate the slowest wave by 10⁷ over the layer's width.
 */

/** κ0 = 3·v_min·ln(10⁷)/(2a) with a = (nbc − 1)·dx: the damping at the outer edge of the layer. */
export function dampingStrength(vMin: number, nbc: number, dx: number): number {
  const a = (nbc - 1) * dx;
  return (3 * vMin * Math.log(1e7)) / (2 * a);
}

/** κ per cell along one axis of length n + 2·nbc: κ0·(d·dx/a)², d = 0 at the inner edge of each layer. */
export function dampingProfile(n: number, nbc: number, dx: number, kappa0: number): Float64Array {
  const a = (nbc - 1) * dx;
  const profile = new Float64Array(n + 2 * nbc);
  for (let d = 0; d < nbc; d++) {
    const k = kappa0 * ((d * dx) / a) ** 2;
    profile[nbc - 1 - d] = k;
    profile[nbc + n + d] = k;
  }
  return profile;
}

/** κ on the padded (nz + 2·nbc) × (nx + 2·nbc) grid, row-major; corners take the larger direction. */
export function dampingField(nz: number, nx: number, nbc: number, dx: number, vMin: number): Float64Array {
  const kappa0 = dampingStrength(vMin, nbc, dx);
  const rows = dampingProfile(nz, nbc, dx, kappa0);
  const cols = dampingProfile(nx, nbc, dx, kappa0);
  const w = cols.length;
  const out = new Float64Array(rows.length * w);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < w; j++) out[i * w + j] = Math.max(rows[i], cols[j]);
  }
  return out;
}
