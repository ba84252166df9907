/**
 * Seeded velocity maps in the style of OpenFWI's families (m/s, integer valued, in [1500, 4500]):
 * flat layers (FlatVel-A), sine-curved layers (CurveVel-A) and flat layers cut by one dipping
 * fault (FlatFault-A). The flat family's layer count, thicknesses and velocities follow the
 * statistics of the real FlatVel-A maps (docs/physics.md compares them). Sample i of a family
 * and seed depends on (family, seed, i) only, so a dataset streams in any chunking and
 * regenerates exactly.
 */
import { createRng, mixSeed, type Rng } from '../data/random.ts';

export const VELOCITY_FAMILIES = ['flat', 'curve', 'fault'] as const;
export type VelocityFamily = (typeof VELOCITY_FAMILIES)[number];

/** Velocity bounds of every family, m/s (OpenFWI's label_min / label_max). */
export const VELOCITY_MIN = 1500;
export const VELOCITY_MAX = 4500;

/** The OpenFWI preset whose maps each family imitates (normalisation limits and layout). */
export const FAMILY_PRESET: Readonly<Record<VelocityFamily, 'flatvel-a' | 'curvevel-a' | 'flatfault-a'>> = {
  flat: 'flatvel-a',
  curve: 'curvevel-a',
  fault: 'flatfault-a',
};

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/** n distinct integer velocities in [VELOCITY_MIN, VELOCITY_MAX], increasing: sorted uniform draws, as FlatVel-A's per-layer means show. */
function layerVelocities(rng: Rng, n: number): number[] {
  const picked = new Set<number>();
  while (picked.size < n) picked.add(VELOCITY_MIN + rng.nextInt(VELOCITY_MAX - VELOCITY_MIN + 1));
  return [...picked].sort((a, b) => a - b);
}

/**
 * The n − 1 interface depths (cells, increasing, within 1..nz−1) of n flat layers: evenly spaced
 * by T = nz/(n − ½), each jittered by up to ±0.15·T, which leaves a last layer about half as
 * thick as the others, as in FlatVel-A.
 */
function interfaceDepths(rng: Rng, n: number, nz: number): number[] {
  const spacing = nz / (n - 0.5);
  const depths: number[] = [];
  for (let i = 1; i < n; i++) {
    const lowest = i === 1 ? 1 : depths[i - 2] + 1;
    const highest = nz - (n - i);
    const z = Math.round(i * spacing + uniform(rng, -0.15, 0.15) * spacing);
    depths.push(Math.min(highest, Math.max(lowest, z)));
  }
  return depths;
}

/** How often FlatVel-A has 3, 4, … 8 layers (1000 real maps: 108, 199, 174, 221, 207, 91). */
const LAYER_COUNT_WEIGHTS = [0.11, 0.2, 0.17, 0.22, 0.21, 0.09];

/** Layer count 3–8, drawn with FlatVel-A's frequencies. */
function layerCount(rng: Rng): number {
  let u = rng.next();
  for (let i = 0; i < LAYER_COUNT_WEIGHTS.length - 1; i++) {
    u -= LAYER_COUNT_WEIGHTS[i];
    if (u < 0) return 3 + i;
  }
  return 3 + LAYER_COUNT_WEIGHTS.length - 1;
}

/** FlatVel-like: 3–8 horizontal layers, velocity increasing with depth. */
export function flatMap(rng: Rng, nz = 70, nx = 70): Float32Array {
  const n = layerCount(rng);
  const depths = interfaceDepths(rng, n, nz);
  const velocities = layerVelocities(rng, n);
  const map = new Float32Array(nz * nx);
  let layer = 0;
  for (let z = 0; z < nz; z++) {
    while (layer < depths.length && z >= depths[layer]) layer++;
    map.fill(velocities[layer], z * nx, (z + 1) * nx);
  }
  return map;
}

/**
 * CurveVel-like: the flat family's layers bent by one sine per map (amplitude 2–8 cells,
 * wavelength 60–200 cells), each interface scaled by 0.7–1.3 of it. Velocity never decreases
 * with depth in any column, since a deeper cell lies below at least as many interfaces.
 */
export function curveMap(rng: Rng, nz = 70, nx = 70): Float32Array {
  const n = layerCount(rng);
  const depths = interfaceDepths(rng, n, nz);
  const velocities = layerVelocities(rng, n);
  const amplitude = uniform(rng, 2, 8);
  const wavelength = uniform(rng, 60, 200);
  const phase = uniform(rng, 0, 2 * Math.PI);
  const scales = depths.map(() => uniform(rng, 0.7, 1.3));
  const map = new Float32Array(nz * nx);
  for (let x = 0; x < nx; x++) {
    const bend = amplitude * Math.sin((2 * Math.PI * x) / wavelength + phase);
    const bent = depths.map((d, i) => d + scales[i] * bend);
    for (let z = 0; z < nz; z++) {
      let layer = 0;
      for (const d of bent) if (z >= d) layer++;
      map[z * nx + x] = velocities[layer];
    }
  }
  return map;
}

/**
 * FlatFault-like: flat layers cut by one straight fault through mid-depth (dip 45–80°, either
 * direction), the cells on one side moved up or down by a throw of 5–20 cells. Velocity may drop
 * with depth where a column crosses the fault, as in FlatFault.
 */
export function faultMap(rng: Rng, nz = 70, nx = 70): Float32Array {
  const flat = flatMap(rng, nz, nx);
  const x0 = uniform(rng, 0.2, 0.8) * nx;
  const z0 = nz / 2;
  const dip = (uniform(rng, 45, 80) * Math.PI) / 180;
  const direction = rng.next() < 0.5 ? -1 : 1;
  const throwCells = Math.round(uniform(rng, 5, 20)) * (rng.next() < 0.5 ? -1 : 1);
  const map = new Float32Array(nz * nx);
  for (let z = 0; z < nz; z++) {
    const faultX = x0 + (direction * (z - z0)) / Math.tan(dip);
    for (let x = 0; x < nx; x++) {
      const source = x > faultX ? Math.min(nz - 1, Math.max(0, z - throwCells)) : z;
      map[z * nx + x] = flat[source * nx + x];
    }
  }
  return map;
}

const MAKERS: Readonly<Record<VelocityFamily, (rng: Rng, nz: number, nx: number) => Float32Array>> = {
  flat: flatMap,
  curve: curveMap,
  fault: faultMap,
};

/** True when `name` is one of VELOCITY_FAMILIES. */
export function isVelocityFamily(name: string): name is VelocityFamily {
  return (VELOCITY_FAMILIES as readonly string[]).includes(name);
}

/** Samples first … first + count − 1 of a family and seed, `(count, nz, nx)` row-major; sample i depends only on (family, seed, i). */
export function velocityMaps(family: VelocityFamily, seed: number, first: number, count: number, nz = 70, nx = 70): Float32Array {
  const out = new Float32Array(count * nz * nx);
  // The family enters the seed so that, say, sample 3 of the flat and of the fault family differ in their velocities too.
  const familySeed = mixSeed(seed, VELOCITY_FAMILIES.indexOf(family) + 1);
  for (let i = 0; i < count; i++) out.set(MAKERS[family](createRng(mixSeed(familySeed, first + i)), nz, nx), i * nz * nx);
  return out;
}
