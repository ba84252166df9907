/** The parity check's rows as a plain-text table (one row per quantity), for the CLI and logs. */
import type { ParityRow } from './compare.ts';

const num = (x: number): string => (Number.isNaN(x) ? '—' : x === 0 ? '0' : x.toExponential(2));

/** The header line of the table. */
export function parityHeader(): string {
  return `${'quantity'.padEnd(44)} ${'max abs'.padStart(10)} ${'rel'.padStart(10)}  ${'tolerance'.padEnd(34)} result`;
}

/** One row as a table line; the detail follows on the same line for failures. */
export function formatParityRow(row: ParityRow): string {
  const line = `${row.quantity.padEnd(44)} ${num(row.maxAbs).padStart(10)} ${num(row.relative).padStart(10)}  ${row.tolerance.padEnd(34)} ${row.pass ? 'PASS' : 'FAIL'}`;
  return row.pass || !row.detail ? line : `${line}  (${row.detail})`;
}

/** The whole table with a closing summary line. */
export function formatParityTable(rows: readonly ParityRow[]): string {
  const failed = rows.filter((r) => !r.pass).length;
  const summary = failed ? `${failed} of ${rows.length} quantities FAIL` : `all ${rows.length} quantities PASS`;
  return [parityHeader(), ...rows.map(formatParityRow), summary].join('\n');
}
