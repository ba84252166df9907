/**
 * The run's speed and time left, from what was measured recently: seconds per batch averaged
 * over a moving window of the latest batches, plus the validation passes still to come at the
 * duration the last one took. Times are the run's active seconds (pauses excluded). The first
 * batch of a run (or of a resumed run) compiles the kernels and is never measured: until a
 * second batch ends the run is warming up and its speed unknown.
 */

/** Batches averaged for the speed: long enough to smooth jitter, short enough to follow a change. */
export const ETA_WINDOW_BATCHES = 20;

export class EtaWindow {
  private readonly seconds: number[] = [];
  private lastMark: number;
  private batchesEnded = 0;
  private validationSeconds: number | null = null;

  constructor(
    /** Active seconds when the run (or the resumed run) began. */
    start: number,
    private readonly samplesPerBatch: number,
    private readonly window = ETA_WINDOW_BATCHES,
  ) {
    this.lastMark = start;
  }

  /** A batch ended at `now`; it took the time since the last batch or validation pass ended. */
  batchEnded(now: number): void {
    const took = now - this.lastMark;
    this.lastMark = now;
    this.batchesEnded++;
    if (this.batchesEnded === 1) return; // the warm-up batch: kernel compilation, not speed
    this.seconds.push(took);
    if (this.seconds.length > this.window) this.seconds.shift();
  }

  /** A validation pass that began at `start` ended at `now`. */
  validationEnded(start: number, now: number): void {
    this.validationSeconds = now - start;
    this.lastMark = now;
  }

  /** No batch has ended yet: the kernels are still compiling. */
  get warmingUp(): boolean {
    return this.batchesEnded === 0;
  }

  /** Mean seconds per batch over the window; null before any batch after the warm-up one. */
  get secondsPerBatch(): number | null {
    if (this.seconds.length === 0) return null;
    return this.seconds.reduce((a, b) => a + b, 0) / this.seconds.length;
  }

  /** Training samples per second over the window; 0 while unknown. */
  get samplesPerSecond(): number {
    const s = this.secondsPerBatch;
    return s === null || s <= 0 ? 0 : this.samplesPerBatch / s;
  }

  /**
   * Seconds left for `batchesLeft` batches and `validationsLeft` validation passes; null while the
   * speed is unknown. A pass not yet timed counts nothing until the first one is.
   */
  secondsLeft(batchesLeft: number, validationsLeft: number): number | null {
    const perBatch = this.secondsPerBatch;
    if (perBatch === null) return batchesLeft === 0 && validationsLeft === 0 ? 0 : null;
    return batchesLeft * perBatch + validationsLeft * (this.validationSeconds ?? 0);
  }
}
