import { describe, expect, it } from 'vitest';
import { runSoak, slope } from '../../../bench/soak.ts';
import { layeredDataset } from './layeredDataset.ts';

describe('soak (short): the training loop holds no tensors across steps', () => {
  it('least-squares slope: closed-form values', () => {
    expect(slope([100, 200, 300, 400], [5, 7, 9, 11])).toBeCloseTo(0.02, 12);
    expect(slope([1, 2, 3], [4, 4, 4])).toBe(0);
    expect(slope([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
    expect(slope([5], [9])).toBe(0);
  });

  it('200 steps on wasm at tiny widths, with validations, snapshots and checkpoints: tensor count and bytes do not move', async () => {
    const r = await runSoak({ steps: 200, sampleEvery: 20, backend: 'wasm', train: await layeredDataset(0, 4), val: await layeredDataset(100, 2), config: { checkpointMinutes: 2 / 60 } });
    // A stop takes effect after the batch: OpenFWI's schedule may finish that batch's generator step.
    expect(r.steps).toBeGreaterThanOrEqual(200);
    expect(r.steps).toBeLessThanOrEqual(201);
    expect(r.samples.map((s) => s.step)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(r.validations).toBeGreaterThanOrEqual(1); // about every 100 steps
    expect(r.checkpoints).toBeGreaterThanOrEqual(1);
    const after = r.samples.slice(1);
    expect(new Set(after.map((s) => s.tensors)).size).toBe(1);
    expect(new Set(after.map((s) => s.bytes)).size).toBe(1);
    expect(r.slopes.tensors).toBe(0);
    expect(r.slopes.bytes).toBe(0);
  }, 900_000);
});
