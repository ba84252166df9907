/**
 * The reference acoustic scheme (VELOCITYGAN.md §7) reduced to per-cell coefficients, so that the
 * tf.js kernel and the plain-JS kernel step exactly the same update:
 *   p⁺ = a·p − b·p⁻ + c·L(p),  a = 2 − κ·dt, b = 1 − κ·dt, c = (v·dt/dx)²,
 *   L(p) = 2·c0·p + Σ_axes [c1·(p₋₁ + p₊₁) + c2·(p₋₂ + p₊₂)],
 * then p⁺ += (v_s·dt)²·w[t] at the source cell, and the receivers record p⁺.
 */
import { dampingField } from './damping.ts';
import { padEdge } from './padding.ts';

/** Acquisition and discretisation of the forward model. */
export interface ForwardModelParams {
  /** Width of the absorbing layer, in cells, on every side. */
  nbc: number;
  /** Cell size, m. */
  dx: number;
  /** Time steps (= samples recorded per trace). */
  nt: number;
  /** Time step, s. */
  dt: number;
  /** Ricker peak frequency, Hz. */
  f: number;
  /** Source columns in the unpadded map, one shot each. */
  sourceColumns: readonly number[];
  /** Source row in the unpadded map. */
  sourceRow: number;
  /** Receiver row in the unpadded map; every column holds a receiver. */
  receiverRow: number;
}

/** OpenFWI's acquisition: 70×70 maps, 5 shots, 70 receivers, 1000 samples of 1 ms, 15 Hz. */
export const OPENFWI_FORWARD: ForwardModelParams = Object.freeze({
  nbc: 120,
  dx: 10,
  nt: 1000,
  dt: 0.001,
  f: 15,
  sourceColumns: Object.freeze([0, 17, 34, 52, 69]),
  sourceRow: 1,
  receiverRow: 1,
});

/** The 4th-order second-derivative weights per axis: centre, ±1, ±2. */
export const STENCIL = Object.freeze({ c0: -2.5, c1: 4 / 3, c2: -1 / 12 });

/** One velocity map ready to step: padded size and per-cell update coefficients (row-major, height × width). */
export interface WaveGrid {
  height: number;
  width: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  /** Per shot: the padded source cell index and its injection scale (v_s·dt)². */
  sources: { index: number; scale: number }[];
  /** Padded cell index of the first receiver; receivers are `receiverCount` consecutive cells. */
  receiverStart: number;
  receiverCount: number;
}

/** The update coefficients of one nz × nx velocity map (m/s) under `params`. */
export function discretise(velocity: ArrayLike<number>, nz: number, nx: number, params: ForwardModelParams): WaveGrid {
  const { nbc, dx, dt } = params;
  let vMin = Infinity;
  for (let i = 0; i < nz * nx; i++) vMin = Math.min(vMin, velocity[i]);
  const v = padEdge(velocity, nz, nx, nbc);
  const kappa = dampingField(nz, nx, nbc, dx, vMin);
  const height = nz + 2 * nbc;
  const width = nx + 2 * nbc;
  const a = new Float32Array(v.length);
  const b = new Float32Array(v.length);
  const c = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    a[i] = 2 - kappa[i] * dt;
    b[i] = 1 - kappa[i] * dt;
    c[i] = ((v[i] * dt) / dx) ** 2;
  }
  const sourceRowStart = (params.sourceRow + nbc) * width + nbc;
  const sources = params.sourceColumns.map((col) => {
    const index = sourceRowStart + col;
    return { index, scale: (v[index] * dt) ** 2 };
  });
  return { height, width, a, b, c, sources, receiverStart: (params.receiverRow + nbc) * width + nbc, receiverCount: nx };
}
