import { describe, expect, it } from 'vitest';
import { constantModels, gaussianKernel, smoothedModels } from '../../../src/engine/physics/referenceModels.ts';

describe('reference models of the physics check', () => {
  it('the constant model is each map\'s own mean', () => {
    const v = new Float32Array([1500, 2500, 3500, 4500, 2000, 2000, 2000, 4000]);
    expect(Array.from(constantModels(v, 4))).toEqual([3000, 3000, 3000, 3000, 2500, 2500, 2500, 2500]);
  });

  it('the Gaussian is normalised, symmetric and 3σ wide', () => {
    const k = gaussianKernel(2);
    expect(k.length).toBe(13);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[0]).toBeCloseTo(k[12], 15);
    expect(k[6] / k[8]).toBeCloseTo(Math.exp(2 / 4), 12);
    expect(Array.from(gaussianKernel(0))).toEqual([1]);
  });

  it('smoothing keeps a constant map, keeps a linear ramp away from the edges, and is the 2-D Gaussian sum', () => {
    const [nz, nx, sigma] = [20, 24, 1.5];
    const constant = new Float32Array(nz * nx).fill(2750);
    for (const v of smoothedModels(constant, nz, nx, sigma)) expect(v).toBeCloseTo(2750, 3);
    const ramp = new Float32Array(nz * nx).map((_, i) => 1500 + 30 * Math.floor(i / nx) + 7 * (i % nx));
    const smooth = smoothedModels(ramp, nz, nx, sigma);
    const r = 5; // 3σ rounded up
    for (let z = r; z < nz - r; z++) for (let x = r; x < nx - r; x++) expect(smooth[z * nx + x]).toBeCloseTo(ramp[z * nx + x], 3);
    // A layered map: at an interior cell the result is Σ g(i)g(j)·v(z+i, x+j) with edges clamped.
    const layered = new Float32Array(nz * nx).map((_, i) => (Math.floor(i / nx) < 8 ? 1800 : Math.floor(i / nx) < 13 ? 3100 : 4200));
    const out = smoothedModels(layered, nz, nx, sigma);
    const g = (d: number) => Math.exp(-(d * d) / (2 * sigma * sigma));
    let norm = 0;
    for (let d = -r; d <= r; d++) norm += g(d);
    for (const [z, x] of [[0, 0], [7, 10], [8, 3], [12, 23], [19, 12]]) {
      let s = 0;
      for (let i = -r; i <= r; i++)
        for (let j = -r; j <= r; j++) {
          const zz = Math.min(nz - 1, Math.max(0, z + i));
          const xx = Math.min(nx - 1, Math.max(0, x + j));
          s += (g(i) / norm) * (g(j) / norm) * layered[zz * nx + xx];
        }
      expect(out[z * nx + x]).toBeCloseTo(s, 2);
    }
    expect(out[7 * nx + 10]).toBeGreaterThan(1800);
    expect(out[7 * nx + 10]).toBeLessThan(3100);
  });
});
