/**
 * A tiny dataset the networks can learn in a few dozen steps: flat two- and three-layer velocity
 * maps, and "seismic" that is a cheap deterministic function of them (each shot gather is the
 * velocity map resampled along time, scaled per shot), so the map can be recovered from the data.
 * Real forward modelling would cost seconds per sample; the trainer's tests need the learning
 * signal, not the physics.
 */
import { openDataset, type Dataset } from '../../../src/engine/data/dataset.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { encodeNpy } from '../../../src/engine/io/npy.ts';

export const SHOTS = 5;
export const TIME = 1000;
export const RECEIVERS = 70;
export const DEPTH = 70;

/** Velocity (m/s) of sample `i`: layers whose interfaces and speeds vary with i. */
export function layeredVelocity(i: number): Float32Array {
  const v = new Float32Array(DEPTH * RECEIVERS);
  const first = 14 + 9 * (i % 4);
  const second = first + 12 + 7 * ((i >> 2) % 3);
  const speeds = [1800 + 250 * (i % 3), 2900 + 300 * ((i + 1) % 3), 4000 + 150 * (i % 2)];
  for (let z = 0; z < DEPTH; z++) {
    const s = z < first ? speeds[0] : z < second ? speeds[1] : speeds[2];
    v.fill(s, z * RECEIVERS, (z + 1) * RECEIVERS);
  }
  return v;
}

/** "Seismic" of a velocity map: shot s at time t, receiver r is (v(depth(t), r) − 3000)/60·(1 − 0.1·s). */
export function layeredSeismic(velocity: Float32Array): Float32Array {
  const out = new Float32Array(SHOTS * TIME * RECEIVERS);
  for (let s = 0; s < SHOTS; s++)
    for (let t = 0; t < TIME; t++) {
      const z = Math.floor((t * DEPTH) / TIME);
      const base = (s * TIME + t) * RECEIVERS;
      for (let r = 0; r < RECEIVERS; r++) out[base + r] = ((velocity[z * RECEIVERS + r] - 3000) / 60) * (1 - 0.1 * s);
    }
  return out;
}

/** Values planted at [sample, shot, time, receiver] of the seismic file and [sample, depth, offset] of the velocity file. */
export interface Planted {
  seismic?: { at: [number, number, number, number]; value: number }[];
  velocity?: { at: [number, number, number]; value: number }[];
}

/** Samples `first .. first+count−1` as an in-memory dataset (files `seismic_<first>.npy`, `velocity_<first>.npy`), with `plant`'s values put in. */
export async function layeredDataset(first: number, count: number, plant: Planted = {}): Promise<Dataset> {
  const seismic = new Float32Array(count * SHOTS * TIME * RECEIVERS);
  const velocity = new Float32Array(count * DEPTH * RECEIVERS);
  for (let k = 0; k < count; k++) {
    const v = layeredVelocity(first + k);
    velocity.set(v, k * v.length);
    seismic.set(layeredSeismic(v), k * SHOTS * TIME * RECEIVERS);
  }
  for (const { at: [n, s, t, r], value } of plant.seismic ?? []) seismic[((n * SHOTS + s) * TIME + t) * RECEIVERS + r] = value;
  for (const { at: [n, z, x], value } of plant.velocity ?? []) velocity[(n * DEPTH + z) * RECEIVERS + x] = value;
  return openDataset([
    {
      seismic: bytesSource(encodeNpy([count, SHOTS, TIME, RECEIVERS], seismic), `seismic_${first}.npy`),
      velocity: bytesSource(encodeNpy([count, 1, DEPTH, RECEIVERS], velocity), `velocity_${first}.npy`),
    },
  ]);
}
