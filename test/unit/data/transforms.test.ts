import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import {
  denormalizeSeismic,
  denormalizeVelocity,
  expTransform,
  logTransform,
  normalizeSeismic,
  normalizeVelocity,
  type TransformConfig,
} from '../../../src/engine/data/transforms.ts';

const parity = async (f: string) => openNpy(bytesSource(new Uint8Array(readFileSync(new URL(`../../fixtures/parity/${f}`, import.meta.url))), f));
const manifest = JSON.parse(readFileSync(new URL('../../fixtures/parity/manifest.json', import.meta.url), 'utf8'));
const t: TransformConfig = {
  k: manifest.transform.k,
  dataMin: manifest.transform.data_min,
  dataMax: manifest.transform.data_max,
  labelMin: manifest.transform.label_min,
  labelMax: manifest.transform.label_max,
};

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('seismic transform', () => {
  it('matches the PyTorch reference transform(data_raw)[0] of the parity fixture', async () => {
    const raw = await (await parity('data_raw.npy')).readRows(0, 1);
    const expected = await (await parity('data_norm_sample0.npy')).readAll();
    const copy = raw.slice();
    const norm = normalizeSeismic(raw, t);
    expect(maxAbsDiff(norm, expected)).toBeLessThan(2e-7);
    expect(maxAbsDiff(raw, copy)).toBe(0); // never in place
  });

  it('writes into a caller-owned output, including the input itself, with the same values', async () => {
    const raw = await (await parity('data_raw.npy')).readRows(1, 2);
    const fresh = normalizeSeismic(raw, t);
    const inPlace = raw.slice();
    expect(normalizeSeismic(inPlace, t, inPlace)).toBe(inPlace);
    expect(maxAbsDiff(inPlace, fresh)).toBe(0);
    const k2 = { ...t, k: 2 };
    const in2 = raw.slice();
    normalizeSeismic(in2, k2, in2);
    expect(maxAbsDiff(in2, normalizeSeismic(raw, k2))).toBe(0);
    const v = Float32Array.from([1500, 3000]);
    expect(Array.from(normalizeVelocity(v, t, v))).toEqual([-1, 0]);
    expect(() => normalizeSeismic(raw, t, new Float32Array(3))).toThrow(RangeError);
  });

  it('maps data_min to −1 and data_max to +1 without clipping beyond', () => {
    const out = normalizeSeismic(Float32Array.from([t.dataMin, t.dataMax, 0, 2 * t.dataMax]), t);
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[1]).toBeCloseTo(1, 6);
    const lo = logTransform(t.dataMin);
    const hi = logTransform(t.dataMax);
    expect(out[2]).toBeCloseTo((2 * -lo) / (hi - lo) - 1, 6);
    expect(out[3]).toBeGreaterThan(1);
  });

  it('agrees with sign(x)·ln(1+|kx|) for any k, tiny and huge values, zero, NaN and infinity', () => {
    const xs = Float32Array.from([0, -0, 1e-30, -1e-7, 0.001, 3.7, -26.95, 1e4, 3e38, -3e38, Infinity, -Infinity, NaN]);
    for (const k of [1, 0.1, 10]) {
      const tk = { ...t, k };
      const lo = logTransform(tk.dataMin, k);
      const hi = logTransform(tk.dataMax, k);
      const out = normalizeSeismic(xs, tk);
      xs.forEach((x, i) => {
        const ref = (2 * (logTransform(x, k) - lo)) / (hi - lo) - 1;
        if (Number.isNaN(ref)) expect(out[i]).toBeNaN();
        else if (!Number.isFinite(ref)) expect(out[i]).toBe(ref);
        else expect(Math.abs(out[i] - ref)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(ref)));
      });
    }
  });

  it('denormalizeSeismic inverts normalizeSeismic', () => {
    const xs = Float32Array.from([-26.95, -3, -0.01, 0, 0.5, 12, 52.77]);
    const back = denormalizeSeismic(normalizeSeismic(xs, t), t);
    xs.forEach((x, i) => expect(back[i]).toBeCloseTo(x, 4));
    expect(expTransform(logTransform(-7.5, 2), 2)).toBeCloseTo(-7.5, 12);
  });
});

describe('velocity transform', () => {
  it('matches label_norm of the parity fixture and inverts exactly', async () => {
    const raw = await (await parity('label_raw.npy')).readAll();
    const expected = await (await parity('label_norm.npy')).readAll();
    const norm = normalizeVelocity(raw, t);
    expect(maxAbsDiff(norm, expected)).toBeLessThan(1e-7);
    expect(maxAbsDiff(denormalizeVelocity(norm, t), raw)).toBeLessThan(1e-3);
  });

  it('maps label_min, label_max and the middle to −1, 1, 0', () => {
    expect(Array.from(normalizeVelocity(Float32Array.from([1500, 4500, 3000]), t))).toEqual([-1, 1, 0]);
    expect(Array.from(denormalizeVelocity(Float32Array.from([-1, 1, 0]), t))).toEqual([1500, 4500, 3000]);
  });
});
