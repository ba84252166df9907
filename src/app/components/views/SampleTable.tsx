/**
 * The per-sample evaluation table: sample (1-based), MAE, RMSE, SSIM and physics misfit, sortable
 * by each column (buttons in the headers, aria-sort on the sorted one). A sample's button opens it
 * in the velocity maps and the shot gather. Long sets show 50 rows at a time.
 *
 * Props: rows: SampleRow[] (the engine's per-sample table); opened: the 0-based index shown in
 * the maps (its row is marked), or null; onOpen(index) opens a sample.
 */
import { useMemo, useState } from 'react';
import type { SampleRow } from '../../../engine/eval/evaluationRecord.ts';
import { firstDirection, sortSampleRows, type SampleSortKey, type SortDirection } from '../../charts/sampleTable.ts';

export interface SampleTableProps {
  rows: readonly SampleRow[];
  opened: number | null;
  onOpen: (index: number) => void;
}

const PAGE = 50;
const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

const COLUMNS: { key: SampleSortKey; label: string }[] = [
  { key: 'sample', label: 'Sample' },
  { key: 'mae', label: 'MAE (m/s)' },
  { key: 'rmse', label: 'RMSE (m/s)' },
  { key: 'ssim', label: 'SSIM' },
  { key: 'misfit', label: 'Physics misfit' },
];

export function SampleTable({ rows, opened, onOpen }: SampleTableProps) {
  const [sort, setSort] = useState<{ key: SampleSortKey; direction: SortDirection }>({ key: 'mae', direction: 'descending' });
  const [shown, setShown] = useState(PAGE);
  const sorted = useMemo(() => sortSampleRows(rows, sort.key, sort.direction), [rows, sort]);
  const pick = (key: SampleSortKey) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'ascending' ? 'descending' : 'ascending' } : { key, direction: firstDirection(key) }));
  return (
    <div className="vg-table-wrap vg-sample-table">
      <table className="vg-table" data-testid="sample-table">
        <caption>Per sample ({rows.length}), sorted by {COLUMNS.find((c) => c.key === sort.key)!.label}, {sort.direction}: open a sample to see its maps and shot gather</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? sort.direction : undefined}>
                <button type="button" className="vg-sort" onClick={() => pick(c.key)}>
                  {c.label}
                  <span aria-hidden="true">{sort.key === c.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.slice(0, shown).map((r) => (
            <tr key={r.index} className={r.index === opened ? 'vg-opened' : undefined} data-sample={r.sample} onClick={() => onOpen(r.index)}>
              <th scope="row">
                <button type="button" className="vg-link" aria-pressed={r.index === opened} onClick={(e) => (e.stopPropagation(), onOpen(r.index))}>
                  Sample {r.sample}
                </button>
              </th>
              <td>{f1(r.maeMs)}</td>
              <td>{f1(r.rmseMs)}</td>
              <td>{f4(r.ssim)}</td>
              <td>{r.misfit ? f4(r.misfit.predicted) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > shown && (
        <button type="button" className="vg-btn" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, sorted.length - shown)} more of {sorted.length - shown}
        </button>
      )}
    </div>
  );
}
