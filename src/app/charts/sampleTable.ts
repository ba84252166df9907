/**
 * The per-sample evaluation table's order: sortable by sample number, MAE, RMSE, SSIM or physics
 * misfit, either way; samples the physics check did not cover sort after the others whatever the
 * direction. Ties keep dataset order, so the order is the same on every render.
 */
import type { SampleRow } from '../../engine/eval/evaluationRecord.ts';

export type SampleSortKey = 'sample' | 'mae' | 'rmse' | 'ssim' | 'misfit';
export type SortDirection = 'ascending' | 'descending';

function value(r: SampleRow, key: SampleSortKey): number | null {
  if (key === 'misfit') return r.misfit?.predicted ?? null;
  return key === 'sample' ? r.sample : r[key];
}

/** The rows sorted by `key` in `direction` (a new array). */
export function sortSampleRows(rows: readonly SampleRow[], key: SampleSortKey, direction: SortDirection): SampleRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    if (x === null || y === null || Number.isNaN(x) || Number.isNaN(y)) {
      const missA = x === null || Number.isNaN(x);
      const missB = y === null || Number.isNaN(y);
      return missA === missB ? a.index - b.index : missA ? 1 : -1;
    }
    return x === y ? a.index - b.index : sign * (x - y);
  });
}

/** The direction a column starts in when first clicked: worst first (high errors, low SSIM), samples in order. */
export function firstDirection(key: SampleSortKey): SortDirection {
  return key === 'sample' || key === 'ssim' ? 'ascending' : 'descending';
}
