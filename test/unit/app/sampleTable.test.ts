import { describe, expect, it } from 'vitest';
import { sampleRows } from '../../../src/engine/eval/evaluationRecord.ts';
import { firstDirection, sortSampleRows } from '../../../src/app/charts/sampleTable.ts';
import { evaluationFixture } from './evaluationFixture.ts';

const rows = sampleRows(evaluationFixture());
const order = (key: Parameters<typeof sortSampleRows>[1], dir: Parameters<typeof sortSampleRows>[2]) => sortSampleRows(rows, key, dir).map((r) => r.sample);

describe('per-sample table order', () => {
  it('joins each sample with its physics misfits, numbered from 1', () => {
    expect(rows.map((r) => [r.sample, r.index, r.misfit?.predicted ?? null, r.misfit?.constant ?? null])).toEqual([
      [1, 0, 0.3, 1.1],
      [2, 1, null, null],
      [3, 2, 0.5, 1.2],
    ]);
  });

  it('sorts by each column either way; samples without a physics check last', () => {
    expect(order('mae', 'descending')).toEqual([2, 3, 1]);
    expect(order('mae', 'ascending')).toEqual([1, 3, 2]);
    expect(order('ssim', 'ascending')).toEqual([2, 3, 1]);
    expect(order('rmse', 'descending')).toEqual([2, 3, 1]);
    expect(order('sample', 'descending')).toEqual([3, 2, 1]);
    expect(order('misfit', 'descending')).toEqual([3, 1, 2]);
    expect(order('misfit', 'ascending')).toEqual([1, 3, 2]);
  });

  it('starts worst first: errors high to low, SSIM low to high, samples in order', () => {
    expect(['sample', 'mae', 'rmse', 'ssim', 'misfit'].map((k) => firstDirection(k as never))).toEqual(['ascending', 'descending', 'descending', 'ascending', 'descending']);
  });
});
