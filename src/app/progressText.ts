/**
 * The run's position in words and as a fraction, for the progress bar's aria-valuetext and the
 * status line: epoch, iteration, samples per second and time left.
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

/** "Epoch 2 of 5, iteration 3 of 10, 4.2 samples/s, about 1 min 5 s left". */
export function progressText(p: ProgressEvent): string {
  // After the last batch the position has moved past the end: show it as the last epoch, complete.
  const done = p.epoch >= p.epochs;
  const epoch = done ? p.epochs : p.epoch + 1;
  const iteration = done ? p.iterationsPerEpoch : p.iteration;
  const rate = p.samplesPerSecond > 0 ? `${p.samplesPerSecond < 10 ? p.samplesPerSecond.toFixed(2) : p.samplesPerSecond.toFixed(1)} samples/s` : 'measuring speed';
  const left = p.secondsLeft === null ? 'time left not yet known' : `about ${formatDuration(p.secondsLeft)} left`;
  return `Epoch ${epoch} of ${p.epochs}, iteration ${iteration} of ${p.iterationsPerEpoch}, ${rate}, ${left}`;
}
