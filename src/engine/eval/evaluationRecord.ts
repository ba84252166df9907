/**
 * An evaluation as it is kept and exported: what was scored (the weights and their step, the
 * configuration, the data's files, sizes and header hash), the scores overall and per sample, and
 * the physics check. The studio's JSON and `fwi eval`'s JSON are this record; the per-sample CSV
 * is its table, one row per sample.
 */
import type { TrainConfig } from '../config.ts';
import type { Dataset } from '../data/dataset.ts';
import { csvNumber } from '../io/csv.ts';
import { dataIdentity, type DataFile } from '../session/runRecord.ts';
import type { Evaluation, SampleScore } from './evaluator.ts';
import type { PhysicsCheck } from './physicsCheck.ts';

export const EVALUATION_FORMAT = 'velocitygan-studio-evaluation';
export const EVALUATION_VERSION = 1;

/** The data an evaluation scored. */
export interface EvaluatedData {
  /** In words: "validation list val.txt", "synthetic demo dataset (flat layers)". */
  description: string;
  /** Made by this project's forward model (the demo dataset): never comparable with published results. */
  synthetic: boolean;
  files: DataFile[];
  /** SHA-256 (hex) of the files' .npy header fields and sizes, as a run record's data identity hashes them. */
  headerHash: string;
}

/** Which weights were scored. */
export interface EvaluatedWeights {
  /** In words: "training run, generator step 40", "imported weights g.safetensors". */
  source: string;
  generatorStep: number;
  /** Null where the weights do not say (imported generator weights without metadata). */
  criticStep: number | null;
}

export interface EvaluationRecord extends Evaluation {
  format: typeof EVALUATION_FORMAT;
  version: number;
  /** When it was scored, ISO 8601 UTC. */
  time: string;
  /** The normalisation preset the scores were computed with. */
  preset: string;
  weights: EvaluatedWeights;
  config: TrainConfig;
  data: EvaluatedData;
  /** Null until (or unless) the physics check ran. */
  physics: PhysicsCheck | null;
}

/** The identity of an evaluated dataset (its files, sizes and header hash). */
export async function evaluatedData(dataset: Dataset, description: string, synthetic: boolean): Promise<EvaluatedData> {
  const id = await dataIdentity(dataset);
  return { description, synthetic, files: id.train, headerHash: id.headerHash };
}

/** The record of an evaluation, before its physics check. */
export function evaluationRecord(e: Evaluation, context: { time: Date; weights: EvaluatedWeights; config: TrainConfig; data: EvaluatedData }): EvaluationRecord {
  return {
    format: EVALUATION_FORMAT,
    version: EVALUATION_VERSION,
    time: context.time.toISOString(),
    preset: context.config.preset,
    weights: context.weights,
    config: context.config,
    data: context.data,
    ...e,
    physics: null,
  };
}

/** One row of the per-sample table: the sample's scores and, where the physics check covered it, its misfits. */
export interface SampleRow extends SampleScore {
  /** 1-based sample number, as the studio shows it. */
  sample: number;
  misfit: { predicted: number; truth: number; smoothed: number; constant: number } | null;
}

/** The per-sample table in dataset order. */
export function sampleRows(r: Pick<EvaluationRecord, 'perSample' | 'physics'>): SampleRow[] {
  const checked = new Map<number, number>();
  r.physics?.indices.forEach((index, k) => checked.set(index, k));
  return r.perSample.map((s) => {
    const k = checked.get(s.index);
    const p = r.physics;
    return { ...s, sample: s.index + 1, misfit: p && k !== undefined ? { predicted: p.predicted[k], truth: p.truth[k], smoothed: p.smoothed[k], constant: p.constant[k] } : null };
  });
}

/** Columns of the per-sample CSV: `sample` is 1-based as shown, `dataset_index` 0-based as numpy indexes the files. */
export const SAMPLE_CSV_COLUMNS = [
  'sample',
  'dataset_index',
  'mae',
  'rmse',
  'ssim',
  'mae_ms',
  'rmse_ms',
  'seismic_misfit_predicted',
  'seismic_misfit_true',
  'seismic_misfit_smoothed',
  'seismic_misfit_constant',
] as const;

/** The per-sample table as CSV (misfit cells empty for samples the physics check did not cover). */
export function sampleRowsCsv(r: Pick<EvaluationRecord, 'perSample' | 'physics'>): string {
  const lines = [SAMPLE_CSV_COLUMNS.join(',')];
  for (const row of sampleRows(r)) {
    const m = row.misfit;
    lines.push(
      [String(row.sample), String(row.index), ...[row.mae, row.rmse, row.ssim, row.maeMs, row.rmseMs].map(csvNumber), ...(m ? [m.predicted, m.truth, m.smoothed, m.constant].map(csvNumber) : ['', '', '', ''])].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
