/**
 * The evaluation report as files, one table per CSV file: the JSON is the engine's evaluation
 * record (what `fwi eval` writes) with the published rows and whether they compare; the summary
 * CSV has one row per system (ours first, then the published ones); the per-sample CSV is the
 * engine's per-sample table (`sampleRowsCsv`).
 */
import { csvField, csvNumber } from './csv.ts';
import type { EvaluationReport } from '../../worker/protocol.ts';
import type { Comparison } from '../charts/published.ts';

/** The studio's evaluation: the worker's report, as it arrives. */
export type EvaluationResult = EvaluationReport;

/** m/s per unit of the normalised scale: (label_max − label_min)/2 = 1500 for every OpenFWI preset. */
export const MS_PER_NORMALISED = 1500;

/** A published normalised figure in m/s, to the 0.01 m/s its four decimals support. */
export function publishedMs(v: number): number {
  return Math.round(v * MS_PER_NORMALISED * 100) / 100;
}

/** File names of the three exports: `velocitygan-evaluation-<preset>-step<N>` plus `.json`, `-summary.csv`, `-samples.csv`. */
export function evaluationFileNames(r: EvaluationResult): { json: string; summary: string; samples: string } {
  const base = `velocitygan-evaluation-${r.preset}-step${r.weights.generatorStep}`;
  return { json: `${base}.json`, summary: `${base}-summary.csv`, samples: `${base}-samples.csv` };
}

/** The record as pretty JSON, with the published rows for its preset and whether they compare. */
export function evaluationToJson(r: EvaluationResult, comparison: Comparison): string {
  return JSON.stringify({ ...r, published: { comparable: comparison.comparable, caveat: comparison.caveat, rows: comparison.rows } }, null, 2);
}

/** The summary as CSV: system, source, samples, MAE, RMSE, SSIM, MAE (m/s), RMSE (m/s), comparable. */
export function evaluationSummaryCsv(r: EvaluationResult, comparison: Comparison): string {
  const lines = ['system,source,samples,mae,rmse,ssim,mae_ms,rmse_ms,comparable'];
  lines.push(
    [csvField(`VelocityGAN Studio (${r.weights.source})`), 'this run', String(r.samples), ...[r.mae, r.rmse, r.ssim, r.maeMs, r.rmseMs].map(csvNumber), ''].join(','),
  );
  for (const p of comparison.rows) {
    lines.push([csvField(p.system), p.source, '', ...[p.mae, p.rmse, p.ssim, publishedMs(p.mae), publishedMs(p.rmse)].map(csvNumber), comparison.comparable ? 'yes' : 'no'].join(','));
  }
  return lines.join('\n') + '\n';
}
