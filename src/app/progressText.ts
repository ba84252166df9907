/**
 * The run's position in words and as a fraction, for the progress bar's aria-valuetext and the
 * status line: epoch and iteration always; while running also the phase (warming up, validating),
 * samples per second and time left, counted down between events; after a pause, stop, finish or
 * failure only the position (a speed and an estimate then would be stale).
 */
import type { ProgressEvent } from '../engine/train/events.ts';

/** "2 h 5 min", "3 min 20 s", "45 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Fraction of the run's iterations done, in [0, 1]. */
export function progressFraction(p: ProgressEvent): number {
  const total = p.epochs * p.iterationsPerEpoch;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (p.epoch * p.iterationsPerEpoch + p.iteration) / total));
}

/** "Epoch 2 of 5, iteration 3 of 10". */
export function positionText(p: ProgressEvent): string {
  // The position is the next batch: at an epoch's end (validating, or the run done) that is
  // iteration 0 of the next epoch; show it as the epoch just completed.
  const ended = p.iteration === 0 && p.epoch > 0;
  const epoch = ended ? Math.min(p.epoch, p.epochs) : p.epoch + 1;
  const iteration = ended ? p.iterationsPerEpoch : p.iteration;
  return `Epoch ${epoch} of ${p.epochs}, iteration ${iteration} of ${p.iterationsPerEpoch}`;
}

/**
 * The status line's progress. `running`: the run is training now; `secondsSinceEvent`: how long
 * ago the event arrived, taken off its time left so the estimate counts down between events.
 */
export function progressText(p: ProgressEvent, running: boolean, secondsSinceEvent = 0): string {
  const where = positionText(p);
  if (!running) return where;
  if (p.phase === 'warm-up') return `${where}, warming up: the first step compiles the GPU kernels`;
  const rate = p.samplesPerSecond > 0 ? `${p.samplesPerSecond < 10 ? p.samplesPerSecond.toFixed(2) : p.samplesPerSecond.toFixed(1)} samples/s` : 'measuring speed';
  const left = p.secondsLeft === null ? 'time left not yet known' : `about ${formatDuration(Math.max(0, p.secondsLeft - secondsSinceEvent))} left`;
  const phase = p.phase === 'validating' ? 'validating, ' : '';
  return `${where}, ${phase}${rate}, ${left}`;
}
