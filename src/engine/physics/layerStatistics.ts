/**
 * Summary statistics of flat-layered velocity maps (layer count, thickness, velocity per layer),
 * read from each map's first column: how the synthetic flat family is held against FlatVel-A.
 */

/** Layer statistics over a set of maps; thicknesses in cells, velocities in m/s. */
export interface LayerStatistics {
  maps: number;
  /** Maps per layer count, keyed by count. */
  layerCounts: Record<string, number>;
  thickness: { mean: number; p5: number; p25: number; p50: number; p75: number; p95: number; min: number; max: number };
  /** Mean thickness of the top layer, of the layers between top and bottom, and of the bottom layer. */
  topThicknessMean: number;
  interiorThicknessMean: number;
  bottomThicknessMean: number;
  velocity: { min: number; max: number; layerMean: number; topMean: number; bottomMean: number; stepMean: number; stepMin: number };
  /** Fraction of maps whose velocity never decreases with depth, and whose values are all integers. */
  nonDecreasingFraction: number;
  integerFraction: number;
}

function percentile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

/** Statistics of `count` maps `(count, nz, nx)`: layers are the runs of equal value down column 0. */
export function layerStatistics(maps: Float32Array, count: number, nz = 70, nx = 70): LayerStatistics {
  const layerCounts: Record<string, number> = {};
  const thickness: number[] = [];
  const top: number[] = [];
  const interior: number[] = [];
  const bottom: number[] = [];
  const layerVelocity: number[] = [];
  const topVelocity: number[] = [];
  const bottomVelocity: number[] = [];
  const steps: number[] = [];
  let nonDecreasing = 0;
  let integer = 0;
  for (let m = 0; m < count; m++) {
    const map = maps.subarray(m * nz * nx, (m + 1) * nz * nx);
    if (map.every((v) => Number.isInteger(v))) integer++;
    const runs: { velocity: number; cells: number }[] = [];
    for (let z = 0; z < nz; z++) {
      const v = map[z * nx];
      if (runs.length && runs[runs.length - 1].velocity === v) runs[runs.length - 1].cells++;
      else runs.push({ velocity: v, cells: 1 });
    }
    layerCounts[runs.length] = (layerCounts[runs.length] ?? 0) + 1;
    runs.forEach((r, i) => {
      thickness.push(r.cells);
      layerVelocity.push(r.velocity);
      if (i > 0) steps.push(r.velocity - runs[i - 1].velocity);
      if (i > 0 && i < runs.length - 1) interior.push(r.cells);
    });
    top.push(runs[0].cells);
    bottom.push(runs[runs.length - 1].cells);
    topVelocity.push(runs[0].velocity);
    bottomVelocity.push(runs[runs.length - 1].velocity);
    let monotone = true;
    for (let x = 0; x < nx && monotone; x++) for (let z = 1; z < nz && monotone; z++) monotone = map[z * nx + x] >= map[(z - 1) * nx + x];
    if (monotone) nonDecreasing++;
  }
  const sorted = [...thickness].sort((a, b) => a - b);
  return {
    maps: count,
    layerCounts,
    thickness: {
      mean: mean(thickness),
      p5: percentile(sorted, 0.05),
      p25: percentile(sorted, 0.25),
      p50: percentile(sorted, 0.5),
      p75: percentile(sorted, 0.75),
      p95: percentile(sorted, 0.95),
      min: sorted[0],
      max: sorted[sorted.length - 1],
    },
    topThicknessMean: mean(top),
    interiorThicknessMean: mean(interior),
    bottomThicknessMean: mean(bottom),
    velocity: {
      min: Math.min(...layerVelocity),
      max: Math.max(...layerVelocity),
      layerMean: mean(layerVelocity),
      topMean: mean(topVelocity),
      bottomMean: mean(bottomVelocity),
      stepMean: mean(steps),
      stepMin: Math.min(...steps),
    },
    nonDecreasingFraction: nonDecreasing / count,
    integerFraction: integer / count,
  };
}
