import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layerStatistics, type LayerStatistics } from '../../../src/engine/physics/layerStatistics.ts';
import { VELOCITY_FAMILIES, velocityMaps } from '../../../src/engine/physics/velocityFamilies.ts';

const CELLS = 70 * 70;
const flatvelA = JSON.parse(readFileSync(new URL('../../fixtures/flatvel-a-stats.json', import.meta.url), 'utf8')) as LayerStatistics;

function distinct(map: Float32Array): number {
  return new Set(map).size;
}

/** Element-wise equality without vitest's deep diff, which is slow on a million floats. */
function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function nonDecreasingDownColumns(map: Float32Array): boolean {
  for (let x = 0; x < 70; x++) for (let z = 1; z < 70; z++) if (map[z * 70 + x] < map[(z - 1) * 70 + x]) return false;
  return true;
}

describe.each(VELOCITY_FAMILIES)('%s family', (family) => {
  const n = 200;
  const maps = velocityMaps(family, 11, 0, n);

  it('gives (n, 70, 70) integer velocities in [1500, 4500] with 3–8 values per map', () => {
    expect(maps.length).toBe(n * CELLS);
    for (let i = 0; i < n; i++) {
      const map = maps.subarray(i * CELLS, (i + 1) * CELLS);
      expect(map.every((v) => Number.isInteger(v) && v >= 1500 && v <= 4500)).toBe(true);
      expect(distinct(map)).toBeGreaterThanOrEqual(family === 'fault' ? 2 : 3);
      expect(distinct(map)).toBeLessThanOrEqual(8);
    }
  });

  it('is a function of (seed, sample index) only', () => {
    expect(same(velocityMaps(family, 11, 0, n), maps)).toBe(true);
    expect(same(velocityMaps(family, 11, 37, 5), maps.subarray(37 * CELLS, 42 * CELLS))).toBe(true);
    expect(same(velocityMaps(family, 12, 0, 1), maps.subarray(0, CELLS))).toBe(false);
  });
});

describe('family shapes', () => {
  it('flat: every row constant, velocity never decreasing with depth', () => {
    const maps = velocityMaps('flat', 3, 0, 100);
    for (let i = 0; i < 100; i++) {
      const map = maps.subarray(i * CELLS, (i + 1) * CELLS);
      for (let z = 0; z < 70; z++) expect(new Set(map.subarray(z * 70, (z + 1) * 70)).size).toBe(1);
      expect(nonDecreasingDownColumns(map)).toBe(true);
    }
  });

  it('curve: never decreasing down any column, and interfaces bend (some row is not constant)', () => {
    const maps = velocityMaps('curve', 3, 0, 100);
    for (let i = 0; i < 100; i++) {
      const map = maps.subarray(i * CELLS, (i + 1) * CELLS);
      expect(nonDecreasingDownColumns(map)).toBe(true);
      const bentRows = Array.from({ length: 70 }, (_, z) => new Set(map.subarray(z * 70, (z + 1) * 70)).size > 1).filter(Boolean).length;
      expect(bentRows).toBeGreaterThan(0);
    }
  });

  it('fault: columns on the two sides of the fault differ, with 5–20 cells of throw', () => {
    const maps = velocityMaps('fault', 3, 0, 100);
    let decreasing = 0;
    for (let i = 0; i < 100; i++) {
      const map = maps.subarray(i * CELLS, (i + 1) * CELLS);
      const left = Array.from({ length: 70 }, (_, z) => map[z * 70]);
      const right = Array.from({ length: 70 }, (_, z) => map[z * 70 + 69]);
      expect(left).not.toEqual(right);
      if (!nonDecreasingDownColumns(map)) decreasing++;
    }
    // Normal and reverse faults are equally likely; only one kind puts fast rock above slow in some column.
    expect(decreasing).toBeGreaterThan(20);
    expect(decreasing).toBeLessThan(80);
  });
});

describe('flat family against the real FlatVel-A statistics (test/fixtures/flatvel-a-stats.json)', () => {
  const synthetic = layerStatistics(velocityMaps('flat', 1, 0, 1000), 1000);
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

  it('has the same layer-count frequencies within 5 points', () => {
    for (let count = 3; count <= 8; count++) {
      const real = (flatvelA.layerCounts[count] ?? 0) / flatvelA.maps;
      const ours = (synthetic.layerCounts[count] ?? 0) / synthetic.maps;
      expect(Math.abs(ours - real), `${count} layers`).toBeLessThan(0.05);
    }
    expect(Object.keys(synthetic.layerCounts).every((k) => Number(k) >= 3 && Number(k) <= 8)).toBe(true);
  });

  it('has layer thicknesses within 5% (mean, interior) and 10% (top), median within one cell', () => {
    expect(relative(synthetic.thickness.mean, flatvelA.thickness.mean)).toBeLessThan(0.05);
    expect(relative(synthetic.interiorThicknessMean, flatvelA.interiorThicknessMean)).toBeLessThan(0.05);
    expect(relative(synthetic.topThicknessMean, flatvelA.topThicknessMean)).toBeLessThan(0.1);
    expect(relative(synthetic.bottomThicknessMean, flatvelA.bottomThicknessMean)).toBeLessThan(0.1);
    expect(Math.abs(synthetic.thickness.p50 - flatvelA.thickness.p50)).toBeLessThanOrEqual(1);
  });

  it('has velocities per layer within 5% (top, all layers), 7% (bottom) and 15% (step between layers)', () => {
    expect(relative(synthetic.velocity.topMean, flatvelA.velocity.topMean)).toBeLessThan(0.05);
    expect(relative(synthetic.velocity.layerMean, flatvelA.velocity.layerMean)).toBeLessThan(0.05);
    expect(relative(synthetic.velocity.bottomMean, flatvelA.velocity.bottomMean)).toBeLessThan(0.07);
    expect(relative(synthetic.velocity.stepMean, flatvelA.velocity.stepMean)).toBeLessThan(0.15);
    expect(synthetic.velocity.stepMin).toBeGreaterThan(0);
    expect(synthetic.nonDecreasingFraction).toBe(flatvelA.nonDecreasingFraction);
    expect(synthetic.integerFraction).toBe(flatvelA.integerFraction);
  });
});
