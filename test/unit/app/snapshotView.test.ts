import { describe, expect, it } from 'vitest';
import { mapColumn, sampleMaps, shownSnapshotIndex, truthFor, type VelocitySnapshot } from '../../../src/app/charts/snapshotView.ts';

const H = 2;
const W = 3;
function snap(step: number, predicted: number[], truth: number[] | null, indices = [7, 9]): VelocitySnapshot {
  return { epoch: 0, generatorStep: step, indices, height: H, width: W, predicted: Float32Array.from(predicted), truth: truth ? Float32Array.from(truth) : null };
}
const truth = [1500, 2000, 2500, 3000, 3500, 4000, /* sample 2 */ 1600, 1600, 1600, 1700, 1700, 1700];
const pred1 = truth.map((v) => v + 100);
const pred2 = truth.map((v, i) => v - (i % 2 ? 300 : 0));

describe('velocity snapshot view', () => {
  it('follows the latest snapshot when the cursor is null and stays put otherwise', () => {
    expect(shownSnapshotIndex(5, null)).toBe(4);
    expect(shownSnapshotIndex(5, 1)).toBe(1);
    expect(shownSnapshotIndex(5, 9)).toBe(4);
    expect(shownSnapshotIndex(0, null)).toBe(-1);
  });

  it('takes the truth from an earlier snapshot of the same samples', () => {
    const s = [snap(10, pred1, truth), snap(20, pred2, null), snap(30, pred2, null, [1, 2])];
    expect(truthFor(s, 1)).toBe(s[0].truth);
    expect(truthFor(s, 2)).toBeNull();
  });

  it('slices a sample, shares the truth range, and gives a symmetric difference range', () => {
    const s = [snap(10, pred1, truth), snap(20, pred2, null)];
    const m = sampleMaps(s, 1, 0)!;
    expect(m.datasetIndex).toBe(7);
    expect(Array.from(m.predicted)).toEqual(pred2.slice(0, 6));
    expect(Array.from(m.truth!)).toEqual(truth.slice(0, 6));
    expect(Array.from(m.difference!)).toEqual([0, -300, 0, -300, 0, -300]);
    expect(m.range).toEqual([1500, 4000]);
    expect(m.differenceRange).toEqual([-300, 300]);
    const m2 = sampleMaps(s, 0, 5)!; // slot clamped to the last sample
    expect(m2.datasetIndex).toBe(9);
    expect(m2.range).toEqual([1600, 1700]);
    expect(m2.differenceRange).toEqual([-100, 100]);
  });

  it('without truth colours by the prediction and has no difference', () => {
    const m = sampleMaps([snap(1, pred1, null)], 0, 0)!;
    expect(m.truth).toBeNull();
    expect(m.difference).toBeNull();
    expect(m.range).toEqual([1600, 4100]);
  });

  it('extracts a column top to bottom', () => {
    expect(Array.from(mapColumn(truth, H, W, 1))).toEqual([2000, 3500]);
  });
});
