/**
 * The CSV form of a run's metrics (`metrics.csv` in a run folder): one row per critic step,
 * generator step and validation, and one per sample skipped or stopped on for holding NaN or
 * ±Infinity, for spreadsheets and pandas. (The JSON log's lines: src/engine/session/metricsJsonl.ts.)
 */
import type { TrainerEvent } from '../engine/train/events.ts';

export const CSV_COLUMNS = [
  'kind',
  'epoch',
  'iteration',
  'critic_step',
  'generator_step',
  'loss',
  'loss_real',
  'loss_fake',
  'wasserstein',
  'gp',
  'l1',
  'l2',
  'adv',
  'mae',
  'rmse',
  'ssim',
  'mae_ms',
  'rmse_ms',
  'sample',
  'file',
  'file_sample',
  'position',
  'value',
] as const;

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

/** A CSV field, quoted when it holds a comma, a quote or a line break (file paths may). */
function field(v: string | number | undefined): string {
  const text = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV rows of an event (none for events the CSV does not hold). Epochs are 1-based, as everywhere in the logs. */
export function csvRows(e: TrainerEvent): string[] {
  let row: Row;
  if (e.type === 'nonfinite-data') {
    // One row per sample: kind 'skipped' (left out from here on) or 'nonfinite' (the run stopped on it).
    return e.samples.map((s) =>
      toCsv({
        kind: e.action === 'skip' ? 'skipped' : 'nonfinite',
        epoch: e.epoch + 1,
        iteration: e.iteration,
        sample: s.index,
        file: s.file,
        file_sample: s.row,
        position: s.axes.map((a, i) => `${a} ${s.position[i]}`).join(' '),
        value: s.value,
      }),
    );
  }
  if (e.type === 'critic-step') {
    row = { kind: 'critic', epoch: e.epoch + 1, iteration: e.iteration, critic_step: e.criticStep, loss: e.loss, loss_real: e.lossReal, loss_fake: e.lossFake, wasserstein: e.wasserstein, gp: e.gp };
  } else if (e.type === 'generator-step') {
    row = { kind: 'generator', epoch: e.epoch + 1, iteration: e.iteration, generator_step: e.generatorStep, loss: e.loss, l1: e.l1, l2: e.l2, adv: e.adv };
  } else if (e.type === 'validation') {
    row = { kind: 'validation', epoch: e.epoch + 1, generator_step: e.generatorStep, loss: e.loss, mae: e.mae, rmse: e.rmse, ssim: e.ssim, mae_ms: e.maeMs, rmse_ms: e.rmseMs };
  } else {
    return [];
  }
  return [toCsv(row)];
}

function toCsv(row: Row): string {
  return CSV_COLUMNS.map((c) => field(row[c])).join(',');
}
