/**
 * Export of metric series as CSV and JSON, so every number the studio plots can be taken into the
 * user's own tools. One table: an x column and one column per series, all of the same length.
 * Non-finite values are written as empty CSV cells and JSON nulls (JSON has no NaN).
 */
import { csvField, csvNumber } from '../../engine/io/csv.ts';

export { csvField, csvNumber };

export interface SeriesTable {
  /** Column name of the x values ('critic_step', 'epoch', …). */
  xName: string;
  x: ArrayLike<number>;
  columns: { name: string; values: ArrayLike<number> }[];
}

/** The table as CSV text: a header row, then one row per x value, lines ending in \n. */
export function seriesToCsv(table: SeriesTable): string {
  const lines = [[table.xName, ...table.columns.map((c) => c.name)].map(csvField).join(',')];
  for (let i = 0; i < table.x.length; i++) {
    const row = [csvNumber(table.x[i])];
    for (const c of table.columns) row.push(i < c.values.length ? csvNumber(c.values[i]) : '');
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** The table as JSON: `{ x: name, columns: { [name]: (number|null)[] } }`, x first. */
export function seriesToJson(table: SeriesTable): string {
  const toList = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
  const columns: Record<string, (number | null)[]> = { [table.xName]: toList(table.x) };
  for (const c of table.columns) columns[c.name] = toList(c.values);
  return JSON.stringify({ x: table.xName, columns }, null, 1);
}
