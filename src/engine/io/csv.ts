/** CSV fields as RFC 4180 writes them, for every table the studio and the CLI export. */

/** A CSV field quoted when it holds a comma, quote or newline (RFC 4180). */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A number as CSV writes it: shortest round-trip form, empty when not finite. */
export function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}
