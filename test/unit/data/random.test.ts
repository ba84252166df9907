import { describe, expect, it } from 'vitest';
import { advanceRngState, createRng, epochPermutation, mixSeed } from '../../../src/engine/data/random.ts';

describe('seeded RNG', () => {
  it('is mulberry32: the published first outputs for seed 0', () => {
    // reference values of the canonical mulberry32 for seed 0 (×2³²)
    const rng = createRng(0);
    expect(Math.round(rng.next() * 2 ** 32)).toBe(1144304738);
    expect(Math.round(rng.next() * 2 ** 32)).toBe(1416247);
    expect(Math.round(rng.next() * 2 ** 32)).toBe(958946056);
  });

  it('resumes exactly from a saved state', () => {
    const a = createRng(42);
    for (let i = 0; i < 17; i++) a.next();
    const saved = a.state;
    const expected = [a.next(), a.normal(), a.nextInt(10)];
    const b = createRng(999);
    b.state = JSON.parse(JSON.stringify(saved));
    expect([b.next(), b.normal(), b.nextInt(10)]).toEqual(expected);
  });

  it('draws uniform values with the right mean and variance, and standard normals', () => {
    const rng = createRng(7);
    const u = rng.uniformArray(200_000);
    let mean = 0;
    for (const x of u) mean += x / u.length;
    let v = 0;
    for (const x of u) v += (x - mean) ** 2 / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(v - 1 / 12)).toBeLessThan(0.002);
    expect(u.every((x) => x >= 0 && x < 1)).toBe(true);
    let m2 = 0;
    let s2 = 0;
    for (let i = 0; i < 100_000; i++) {
      const z = rng.normal();
      m2 += z / 1e5;
      s2 += (z * z) / 1e5;
    }
    expect(Math.abs(m2)).toBeLessThan(0.02);
    expect(Math.abs(s2 - 1)).toBeLessThan(0.02);
  });

  it('epoch permutations are permutations, fixed by (seed, epoch), different across epochs', () => {
    const p = epochPermutation(100, 3, 0);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochPermutation(100, 3, 0)).toEqual(p);
    expect(epochPermutation(100, 3, 1)).not.toEqual(p);
    expect(epochPermutation(100, 4, 0)).not.toEqual(p);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
  });

  it('advanceRngState computes the state that many draws reach (what a checkpoint without the state resumes from)', () => {
    const rng = createRng(mixSeed(3, 0x61706861));
    const start = rng.state;
    for (let i = 0; i < 12_345; i++) rng.next();
    expect(advanceRngState(start, 12_345)).toBe(rng.state);
    expect(advanceRngState(start, 0)).toBe(start);
    // Past 2³² draws the state wraps as the generator's does (counts beyond int32 included).
    expect(advanceRngState(start, 2 ** 32 + 5)).toBe(advanceRngState(start, 5));
    expect(advanceRngState(advanceRngState(start, 3e9), 3e9)).toBe(advanceRngState(start, 6e9));
  });
});
