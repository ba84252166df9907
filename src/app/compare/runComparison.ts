/**
 * Comparing kept runs: their curves overlaid (one colour and one dash per run, named by run), their
 * configurations side by side with the settings that differ marked, their final numbers, and each
 * of these tables as its own CSV file. Pure: the runs come in as records with their histories.
 */
import type { TrainConfig } from '../../engine/config.ts';
import { csvField, csvNumber } from '../export/csv.ts';
import { lossAxes, validationColumns, type CriticColumns, type GeneratorColumns, type ValidationPoint, type XAxisKind } from '../charts/lossHistory.ts';
import type { CurveSeries, CurveStyle } from '../charts/curveTraces.ts';

/** A run as the comparison needs it: its name and configuration, and its metrics history. */
export interface ComparedRun {
  id: string;
  name: string;
  config: TrainConfig;
  critic: CriticColumns;
  generator: GeneratorColumns;
  validation: readonly ValidationPoint[];
}

/** Run styles: colour and dash both change from run to run, so runs never differ by colour alone. */
const RUN_COLOURS = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const RUN_DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];
const RUN_SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'x', 'star'];

/** The k-th run's line style. */
export function runStyle(k: number): CurveStyle {
  return { color: RUN_COLOURS[k % RUN_COLOURS.length], dash: RUN_DASHES[k % RUN_DASHES.length], symbol: RUN_SYMBOLS[k % RUN_SYMBOLS.length] };
}

/** Legend names: the run names, made unique with " (2)", " (3)" … where two runs share one. */
export function runLabels(runs: readonly { name: string }[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const n = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, n);
    return n === 1 ? r.name : `${r.name} (${n})`;
  });
}

export type CompareMetric =
  | { id: string; label: string; source: 'critic'; column: 'loss' | 'wasserstein' | 'gp' | 'gpWeighted' }
  | { id: string; label: string; source: 'generator'; column: 'loss' | 'l1' | 'adv' }
  | { id: string; label: string; source: 'validation'; column: 'mae' | 'rmse' | 'ssim' | 'maeMs' | 'rmseMs' | 'loss' };

/** What can be overlaid: every curve the live charts draw. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  { id: 'critic.loss', label: 'Critic loss', source: 'critic', column: 'loss' },
  { id: 'critic.wasserstein', label: 'Wasserstein estimate (real − fake)', source: 'critic', column: 'wasserstein' },
  { id: 'critic.gp', label: 'Gradient penalty', source: 'critic', column: 'gp' },
  { id: 'generator.loss', label: 'Generator loss', source: 'generator', column: 'loss' },
  { id: 'generator.l1', label: 'Generator L1 term', source: 'generator', column: 'l1' },
  { id: 'generator.adv', label: 'Generator adversarial term', source: 'generator', column: 'adv' },
  { id: 'validation.mae', label: 'Validation MAE (normalised)', source: 'validation', column: 'mae' },
  { id: 'validation.rmse', label: 'Validation RMSE (normalised)', source: 'validation', column: 'rmse' },
  { id: 'validation.ssim', label: 'Validation SSIM', source: 'validation', column: 'ssim' },
  { id: 'validation.maeMs', label: 'Validation MAE (m/s)', source: 'validation', column: 'maeMs' },
  { id: 'validation.rmseMs', label: 'Validation RMSE (m/s)', source: 'validation', column: 'rmseMs' },
  { id: 'validation.loss', label: 'Validation loss', source: 'validation', column: 'loss' },
];

export interface Overlay {
  series: CurveSeries[];
  xTitle: string;
  xName: string;
  integerX: boolean;
}

/** One curve per run for `metric`, on the chosen x-axis (validation metrics: epochs completed). */
export function overlaySeries(runs: readonly ComparedRun[], metric: CompareMetric, xAxis: XAxisKind): Overlay {
  const labels = runLabels(runs);
  if (metric.source === 'validation') {
    const series = runs.map((r, k) => {
      const cols = validationColumns(r.validation);
      return { name: labels[k], x: cols.epoch, y: cols[metric.column], style: runStyle(k) };
    });
    return { series, xTitle: 'Epochs completed', xName: 'epoch', integerX: true };
  }
  let title = '';
  let name = '';
  let integer = true;
  const series = runs.map((r, k) => {
    const axes = lossAxes(r.critic, r.generator, xAxis);
    title = axes.title;
    name = axes.name;
    integer = axes.integer;
    return metric.source === 'critic'
      ? { name: labels[k], x: axes.critic, y: r.critic[metric.column], style: runStyle(k) }
      : { name: labels[k], x: axes.generator, y: r.generator[metric.column], style: runStyle(k) };
  });
  return { series, xTitle: title, xName: name, integerX: integer };
}

export interface ConfigRow {
  /** Dotted path in the configuration ("lambda.gp", "generatorWidths"). */
  key: string;
  values: string[];
  /** Not the same in every run. */
  differs: boolean;
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (Array.isArray(value)) out.set(prefix, value.map((v) => String(v)).join(', '));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, value === undefined ? '' : String(value));
}

/** Every setting of the runs' configurations, one row each, in the first run's order; settings a run lacks show as "—". */
export function configRows(runs: readonly { config: TrainConfig }[]): ConfigRow[] {
  const flat = runs.map((r) => {
    const m = new Map<string, string>();
    flatten(r.config, '', m);
    return m;
  });
  const keys: string[] = [];
  for (const m of flat) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => {
    const values = flat.map((m) => m.get(key) ?? '—');
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

export interface FinalMetrics {
  criticSteps: number;
  generatorSteps: number;
  /** Seconds of training, pauses excluded (NaN when not recorded). */
  trainingSeconds: number;
  epochsValidated: number;
  criticLoss: number;
  wasserstein: number;
  gp: number;
  generatorLoss: number;
  l1: number;
  mae: number;
  rmse: number;
  ssim: number;
  maeMs: number;
  rmseMs: number;
  /** Lowest validation MAE (normalised) over the run, and the epochs completed when it was reached. */
  bestMae: number;
  bestMaeEpoch: number;
}

const last = (a: ArrayLike<number>) => (a.length ? a[a.length - 1] : NaN);

/** A run's final numbers: its last step's losses, its last validation, and its best validation MAE. */
export function finalMetrics(run: Pick<ComparedRun, 'critic' | 'generator' | 'validation'>): FinalMetrics {
  const v = run.validation.length ? run.validation[run.validation.length - 1] : null;
  let bestMae = NaN;
  let bestMaeEpoch = NaN;
  for (const p of run.validation) {
    if (Number.isFinite(p.mae) && !(p.mae >= bestMae)) {
      bestMae = p.mae;
      bestMaeEpoch = p.epoch + 1;
    }
  }
  return {
    criticSteps: run.critic.step.length ? last(run.critic.step) : 0,
    generatorSteps: run.generator.step.length ? last(run.generator.step) : 0,
    trainingSeconds: Math.max(last(run.critic.elapsed), last(run.generator.elapsed)),
    epochsValidated: v ? v.epoch + 1 : 0,
    criticLoss: last(run.critic.loss),
    wasserstein: last(run.critic.wasserstein),
    gp: last(run.critic.gp),
    generatorLoss: last(run.generator.loss),
    l1: last(run.generator.l1),
    mae: v?.mae ?? NaN,
    rmse: v?.rmse ?? NaN,
    ssim: v?.ssim ?? NaN,
    maeMs: v?.maeMs ?? NaN,
    rmseMs: v?.rmseMs ?? NaN,
    bestMae,
    bestMaeEpoch,
  };
}

/** The final-metrics table's rows: label, CSV column name, and whether lower is better (for marking the best run). */
export const FINAL_METRIC_ROWS: readonly { key: keyof FinalMetrics; label: string; name: string; better: 'lower' | 'higher' | null }[] = [
  { key: 'criticSteps', label: 'Critic steps', name: 'critic_steps', better: null },
  { key: 'generatorSteps', label: 'Generator steps', name: 'generator_steps', better: null },
  { key: 'epochsValidated', label: 'Epochs completed (last validation)', name: 'epochs_validated', better: null },
  { key: 'trainingSeconds', label: 'Training time (s, pauses excluded)', name: 'training_s', better: null },
  { key: 'criticLoss', label: 'Critic loss (last step)', name: 'critic_loss', better: null },
  { key: 'wasserstein', label: 'Wasserstein estimate (last step)', name: 'wasserstein', better: null },
  { key: 'gp', label: 'Gradient penalty (last step)', name: 'gp', better: null },
  { key: 'generatorLoss', label: 'Generator loss (last step)', name: 'generator_loss', better: null },
  { key: 'l1', label: 'Generator L1 term (last step)', name: 'l1', better: null },
  { key: 'mae', label: 'Validation MAE (normalised)', name: 'mae', better: 'lower' },
  { key: 'rmse', label: 'Validation RMSE (normalised)', name: 'rmse', better: 'lower' },
  { key: 'ssim', label: 'Validation SSIM', name: 'ssim', better: 'higher' },
  { key: 'maeMs', label: 'Validation MAE (m/s)', name: 'mae_ms', better: 'lower' },
  { key: 'rmseMs', label: 'Validation RMSE (m/s)', name: 'rmse_ms', better: 'lower' },
  { key: 'bestMae', label: 'Best validation MAE (normalised)', name: 'best_mae', better: 'lower' },
  { key: 'bestMaeEpoch', label: 'Epochs completed at best MAE', name: 'best_mae_epoch', better: null },
];

/** Index of the best run on a row (lower or higher is better), or −1 when the row has no order, no finite value, or a tie for best. */
export function bestRun(values: readonly number[], better: 'lower' | 'higher' | null): number {
  if (!better) return -1;
  let best = -1;
  let tie = false;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (best < 0 || (better === 'lower' ? v < values[best] : v > values[best])) {
      best = i;
      tie = false;
    } else if (v === values[best]) tie = true;
  });
  return tie ? -1 : best;
}

/** The configurations as CSV: a `setting` column, one column per run, and `differs` (yes/no). */
export function configCsv(runs: readonly { name: string; config: TrainConfig }[]): string {
  const labels = runLabels(runs);
  const lines = [['setting', ...labels, 'differs'].map(csvField).join(',')];
  for (const row of configRows(runs)) lines.push([row.key, ...row.values, row.differs ? 'yes' : 'no'].map(csvField).join(','));
  return lines.join('\n') + '\n';
}

/** The final metrics as CSV: one row per run (its name and id first), one column per metric. */
export function finalMetricsCsv(runs: readonly ComparedRun[]): string {
  const labels = runLabels(runs);
  const lines = [['run', 'run_id', ...FINAL_METRIC_ROWS.map((m) => m.name)].map(csvField).join(',')];
  runs.forEach((r, k) => {
    const f = finalMetrics(r);
    lines.push([csvField(labels[k]), csvField(r.id), ...FINAL_METRIC_ROWS.map((m) => csvNumber(f[m.key]))].join(','));
  });
  return lines.join('\n') + '\n';
}

/** The overlaid curves as CSV in long form: run, x, value, one row per point of every run. */
export function overlayCsv(overlay: Overlay, valueName: string): string {
  const lines = [['run', overlay.xName, valueName].map(csvField).join(',')];
  for (const s of overlay.series) {
    const x = s.x ?? [];
    for (let i = 0; i < Math.min(x.length, s.y.length); i++) lines.push([csvField(s.name), csvNumber(x[i]), csvNumber(s.y[i])].join(','));
  }
  return lines.join('\n') + '\n';
}
