/**
 * The columnar shapes the loss and metrics charts draw from, and the choice of x-axis. Columns,
 * not arrays of event objects: a 100 000-step run stays a few flat number arrays that smoothing
 * and downsampling scan directly. The shapes match the studio store's metrics slice structurally.
 */
import type { ValidationEvent } from '../../engine/train/events.ts';

/** The x-axes every run's columns carry: both kinds of row know their critic step and epoch. */
export type XAxisKind = 'criticStep' | 'epoch';

export const X_AXIS_LABELS: Record<XAxisKind, string> = {
  criticStep: 'Critic step',
  epoch: 'Epochs completed',
};

/** Critic steps: `step` is the critic step count. */
export interface CriticColumns {
  step: ArrayLike<number>;
  epoch: ArrayLike<number>;
  loss: ArrayLike<number>;
  wasserstein: ArrayLike<number>;
  gp: ArrayLike<number>;
  gpWeighted: ArrayLike<number>;
}

/** Generator steps: `step` is the generator step count. */
export interface GeneratorColumns {
  step: ArrayLike<number>;
  /** Critic steps done when this generator step ran. */
  criticStep: ArrayLike<number>;
  epoch: ArrayLike<number>;
  loss: ArrayLike<number>;
  l1: ArrayLike<number>;
  adv: ArrayLike<number>;
}

/**
 * Epochs completed at each row, from 0-based epoch indices: rows of epoch e spread evenly over
 * [e, e + 1). The last (running) epoch is spread as if it will hold as many rows as the longest
 * earlier one, so its points do not move as it fills.
 */
export function fractionalEpochs(epoch: ArrayLike<number>): Float64Array {
  const n = epoch.length;
  const out = new Float64Array(n);
  let longest = 0;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || epoch[i] !== epoch[start]) {
      const count = i - start;
      const span = i === n ? Math.max(count, longest) : count;
      for (let k = start; k < i; k++) out[k] = epoch[start] + (k - start) / span;
      longest = Math.max(longest, count);
      start = i;
    }
  }
  return out;
}

export const X_AXES: readonly XAxisKind[] = ['criticStep', 'epoch'];

/** The critic rows' x values on the chosen axis. */
export function criticX(c: CriticColumns, kind: XAxisKind): ArrayLike<number> {
  return kind === 'criticStep' ? c.step : fractionalEpochs(c.epoch);
}

/** The generator rows' x values on the chosen axis (generator steps sit at the critic step they followed). */
export function generatorX(g: GeneratorColumns, kind: XAxisKind): ArrayLike<number> {
  return kind === 'criticStep' ? g.criticStep : fractionalEpochs(g.epoch);
}

/** Validation results as the studio receives them (one per validated epoch): the trainer's event. */
export type ValidationPoint = Omit<ValidationEvent, 'type'>;

export interface ValidationColumns {
  epoch: number[];
  loss: number[];
  mae: number[];
  rmse: number[];
  ssim: number[];
  maeMs: number[];
  rmseMs: number[];
}

/** Validation points as columns, in the order given; x is epochs completed (epoch index + 1), as on the loss charts. */
export function validationColumns(points: readonly ValidationPoint[]): ValidationColumns {
  const col = (f: (p: ValidationPoint) => number) => points.map(f);
  return {
    epoch: col((p) => p.epoch + 1),
    loss: col((p) => p.loss),
    mae: col((p) => p.mae),
    rmse: col((p) => p.rmse),
    ssim: col((p) => p.ssim),
    maeMs: col((p) => p.maeMs),
    rmseMs: col((p) => p.rmseMs),
  };
}
