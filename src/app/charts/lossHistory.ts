/**
 * The columnar shapes the loss and metrics charts draw from, and the choice of x-axis. Columns,
 * not arrays of event objects: a 100 000-step run stays a few flat number arrays that smoothing
 * and downsampling scan directly. The shapes match the studio store's metrics slice structurally.
 */
import type { ValidationEvent } from '../../engine/train/events.ts';
import { timeUnit } from './chartView.ts';

/**
 * The loss charts' x-axes: critic steps, generator steps, epochs completed, or seconds of training
 * with pauses left out (every step event carries it).
 */
export type XAxisKind = 'criticStep' | 'generatorStep' | 'epoch' | 'time';

export const X_AXES: readonly XAxisKind[] = ['criticStep', 'generatorStep', 'epoch', 'time'];

export const X_AXIS_LABELS: Record<XAxisKind, string> = {
  criticStep: 'Critic step',
  generatorStep: 'Generator step',
  epoch: 'Epochs completed',
  time: 'Training time',
};

/** Critic steps: `step` is the critic step count. */
export interface CriticColumns {
  step: ArrayLike<number>;
  epoch: ArrayLike<number>;
  loss: ArrayLike<number>;
  wasserstein: ArrayLike<number>;
  gp: ArrayLike<number>;
  gpWeighted: ArrayLike<number>;
  /** Seconds of training, pauses excluded (NaN where not recorded). */
  elapsed: ArrayLike<number>;
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
  elapsed: ArrayLike<number>;
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

/**
 * Generator steps completed at each critic step, as a continuous position: linear between the
 * generator steps (at the critic steps they followed), from (0, 0), and past the last one at the
 * run's average rate so far, so critic rows spread between whole generator steps.
 */
export function criticStepsOnGeneratorAxis(criticStep: ArrayLike<number>, generator: Pick<GeneratorColumns, 'step' | 'criticStep'>): Float64Array {
  const n = criticStep.length;
  const out = new Float64Array(n);
  const m = generator.step.length;
  const rate = m > 0 && generator.criticStep[m - 1] > 0 ? generator.step[m - 1] / generator.criticStep[m - 1] : 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const s = criticStep[i];
    while (j < m && generator.criticStep[j] < s) j++;
    if (j < m) {
      const c0 = j === 0 ? 0 : generator.criticStep[j - 1];
      const g0 = j === 0 ? 0 : generator.step[j - 1];
      const c1 = generator.criticStep[j];
      const g1 = generator.step[j];
      out[i] = c1 === c0 ? g1 : g0 + ((s - c0) * (g1 - g0)) / (c1 - c0);
    } else {
      const c0 = m === 0 ? 0 : generator.criticStep[m - 1];
      const g0 = m === 0 ? 0 : generator.step[m - 1];
      out[i] = g0 + (s - c0) * rate;
    }
  }
  return out;
}

export interface LossAxes {
  critic: ArrayLike<number>;
  generator: ArrayLike<number>;
  /** Axis title, with the unit on a time axis ("Training time (min), pauses excluded"). */
  title: string;
  /** Column name in exports ('critic_step', 'training_min', …). */
  name: string;
  /** Whole numbers only: ticks at integers. */
  integer: boolean;
}

/** Both charts' x values on the chosen axis (generator rows sit at the critic step they followed). */
export function lossAxes(c: CriticColumns, g: GeneratorColumns, kind: XAxisKind): LossAxes {
  switch (kind) {
    case 'criticStep':
      return { critic: c.step, generator: g.criticStep, title: X_AXIS_LABELS.criticStep, name: 'critic_step', integer: true };
    case 'generatorStep':
      return { critic: criticStepsOnGeneratorAxis(c.step, g), generator: g.step, title: X_AXIS_LABELS.generatorStep, name: 'generator_step', integer: true };
    case 'epoch':
      return { critic: fractionalEpochs(c.epoch), generator: fractionalEpochs(g.epoch), title: X_AXIS_LABELS.epoch, name: 'epoch', integer: false };
    case 'time': {
      const last = Math.max(lastFinite(c.elapsed), lastFinite(g.elapsed), 0);
      const { unit, seconds } = timeUnit(last);
      const scale = (a: ArrayLike<number>) => Float64Array.from(a, (v) => v / seconds);
      return { critic: scale(c.elapsed), generator: scale(g.elapsed), title: `Training time (${unit}), pauses excluded`, name: `training_${unit}`, integer: false };
    }
  }
}

function lastFinite(a: ArrayLike<number>): number {
  for (let i = a.length - 1; i >= 0; i--) if (Number.isFinite(a[i])) return a[i];
  return -Infinity;
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
