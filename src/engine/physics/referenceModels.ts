/**
 * The two velocity models the physics check scores beside the prediction, to give its misfit a
 * scale on the user's own data: a constant model (each sample's mean velocity: no structure at
 * all) and a smoothed model (the true map blurred by a Gaussian: the kinematics without the sharp
 * interfaces, what FWI usually starts from). A prediction that scores near the smoothed model's
 * misfit has the background right and the layers wrong; one near the constant model's, neither.
 */

/** The Gaussian's standard deviation of the smoothed model, in metres (10 cells of OpenFWI's 10 m grid). */
export const SMOOTHING_SIGMA_M = 100;

/** Each of the `(n, nz·nx)` maps replaced by its own mean velocity. */
export function constantModels(velocity: Float32Array, cells: number): Float32Array {
  const out = new Float32Array(velocity.length);
  for (let first = 0; first < velocity.length; first += cells) {
    let sum = 0;
    for (let i = first; i < first + cells; i++) sum += velocity[i];
    out.fill(sum / cells, first, first + cells);
  }
  return out;
}

/** A normalised 1-D Gaussian of standard deviation `sigma` cells, truncated at 3σ. */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(0, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * radius + 1);
  if (sigma <= 0) {
    k[0] = 1;
    return k;
  }
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * Each `(nz, nx)` map blurred by a separable Gaussian of `sigma` cells, edges extended by their
 * nearest value (so a constant map stays constant and velocities stay within the map's range).
 */
export function smoothedModels(velocity: Float32Array, nz: number, nx: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const cells = nz * nx;
  const out = new Float32Array(velocity.length);
  const rows = new Float64Array(cells);
  const clamp = (i: number, n: number) => (i < 0 ? 0 : i >= n ? n - 1 : i);
  for (let first = 0; first < velocity.length; first += cells) {
    for (let z = 0; z < nz; z++)
      for (let x = 0; x < nx; x++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r] * velocity[first + z * nx + clamp(x + j, nx)];
        rows[z * nx + x] = s;
      }
    for (let z = 0; z < nz; z++)
      for (let x = 0; x < nx; x++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r] * rows[clamp(z + j, nz) * nx + x];
        out[first + z * nx + x] = s;
      }
  }
  return out;
}
