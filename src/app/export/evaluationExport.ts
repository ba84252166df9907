/**
 * The evaluation report as files: JSON (everything, with the published numbers it is set beside)
 * and CSV (one row per system: ours first, then the published ones; physics checks as extra rows).
 */
import { csvField, csvNumber } from './csv.ts';
import type { EvaluationReport } from '../../worker/protocol.ts';
import type { PublishedResult } from '../charts/published.ts';

/** The studio's evaluation: the worker's report, as it arrives. */
export type EvaluationResult = EvaluationReport;

/** m/s per unit of the normalised scale: (label_max − label_min)/2 = 1500 for every OpenFWI preset. */
export const MS_PER_NORMALISED = 1500;

/** A published normalised figure in m/s, to the 0.01 m/s its four decimals support. */
export function publishedMs(v: number): number {
  return Math.round(v * MS_PER_NORMALISED * 100) / 100;
}

/** The report as pretty JSON, with the published rows for its preset. */
export function evaluationToJson(r: EvaluationResult, published: readonly PublishedResult[]): string {
  return JSON.stringify({ evaluation: r, published }, null, 2);
}

/** The report as CSV: system, source, samples, MAE, RMSE, SSIM, MAE (m/s), RMSE (m/s); then physics rows. */
export function evaluationToCsv(r: EvaluationResult, published: readonly PublishedResult[]): string {
  const lines = ['system,source,samples,mae,rmse,ssim,mae_ms,rmse_ms'];
  lines.push(
    [csvField(`VelocityGAN Studio (${r.weightsSource})`), 'this run', String(r.samples), csvNumber(r.mae), csvNumber(r.rmse), csvNumber(r.ssim), csvNumber(r.maeMs), csvNumber(r.rmseMs)].join(','),
  );
  for (const p of published) {
    lines.push([csvField(p.system), p.source, '', csvNumber(p.mae), csvNumber(p.rmse), csvNumber(p.ssim), csvNumber(publishedMs(p.mae)), csvNumber(publishedMs(p.rmse))].join(','));
  }
  if (r.physics) {
    lines.push('');
    lines.push('sample,seismic_misfit_predicted,seismic_misfit_true');
    r.physics.indices.forEach((idx, k) => lines.push([String(idx), csvNumber(r.physics!.predicted[k]), csvNumber(r.physics!.truth[k])].join(',')));
  }
  return lines.join('\n') + '\n';
}
