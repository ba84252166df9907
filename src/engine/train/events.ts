/**
 * What the trainer tells the world: a small typed union, the same in the worker, the CLI and
 * tests. The worker forwards these (throttled) to the page; the CLI prints and logs them.
 */
import type { TrainConfig } from '../config.ts';
import type { NonFiniteSample } from '../data/nonFinite.ts';

/** One critic step's numbers (WGAN-GP). wasserstein = mean D(real) − mean D(fake). */
export interface CriticStepEvent {
  type: 'critic-step';
  epoch: number;
  /** Batch index within the epoch. */
  iteration: number;
  /** Critic steps so far in the run (1-based after this step). */
  criticStep: number;
  loss: number;
  lossReal: number;
  lossFake: number;
  wasserstein: number;
  gp: number;
  /** λ_gp·GP, the penalty's share of the critic loss. */
  gpWeighted: number;
  /** Seconds of training when the step finished, pauses excluded (the run's time axis). */
  elapsed: number;
}

/** One generator step's numbers: the content terms and the adversarial term apart. */
export interface GeneratorStepEvent {
  type: 'generator-step';
  epoch: number;
  iteration: number;
  generatorStep: number;
  loss: number;
  l1: number;
  l2: number;
  adv: number;
  /** Seconds of training when the step finished, pauses excluded. */
  elapsed: number;
}

/**
 * Position, speed and time left: after every batch, when the run starts ('warm-up': the first
 * batch compiles the kernels, no speed yet) and when a validation pass starts ('validating').
 */
export interface ProgressEvent {
  type: 'progress';
  phase: 'warm-up' | 'training' | 'validating';
  epoch: number;
  epochs: number;
  iteration: number;
  iterationsPerEpoch: number;
  /** Over the latest batches (eta.ts); 0 while unknown. */
  samplesPerSecond: number;
  /** Estimated seconds left for the whole run, validation included, excluding pauses; null until measurable. */
  secondsLeft: number | null;
  /** Seconds of training so far, excluding pauses. */
  elapsed: number;
}

/** Validation of G on the validation set (no critic), on the normalised scale and in m/s. */
export interface ValidationEvent {
  type: 'validation';
  epoch: number;
  generatorStep: number;
  /** λ_g1v·L1 + λ_g2v·MSE, OpenFWI's validation loss. */
  loss: number;
  mae: number;
  /** Mean squared error (OpenFWI's loss_g2v), normalised scale. */
  mse: number;
  rmse: number;
  ssim: number;
  maeMs: number;
  rmseMs: number;
}

/** Predicted velocity maps of the fixed validation samples (m/s), with their truth. */
export interface SnapshotEvent {
  type: 'snapshot';
  epoch: number;
  generatorStep: number;
  /** Dataset indices of the samples shown, the same at every snapshot. */
  indices: number[];
  height: number;
  width: number;
  /** (n, H, W) in m/s, row-major, depth first. */
  predicted: Float32Array;
  truth: Float32Array | null;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  epoch: number;
  criticStep: number;
  generatorStep: number;
  /** start: step 0 of a new run; interval: every checkpointMinutes; stop: at Stop; end: the last epoch done. */
  reason: 'start' | 'interval' | 'stop' | 'end';
}

export type RunState = 'running' | 'paused' | 'stopped' | 'finished' | 'failed';

export interface StateEvent {
  type: 'state';
  state: RunState;
  /** Why the run stopped or failed, in words for the user. */
  message?: string;
}

/**
 * The batch check found samples holding NaN or ±Infinity in the batch about to be trained on:
 * the run stops (`stop`), or leaves these samples out from now on (`skip`).
 */
export interface NonFiniteDataEvent {
  type: 'nonfinite-data';
  epoch: number;
  iteration: number;
  action: 'stop' | 'skip';
  samples: NonFiniteSample[];
}

export interface ConfigEvent {
  type: 'config';
  config: TrainConfig;
}

export type TrainerEvent =
  | CriticStepEvent
  | GeneratorStepEvent
  | ProgressEvent
  | ValidationEvent
  | SnapshotEvent
  | CheckpointEvent
  | StateEvent
  | ConfigEvent
  | NonFiniteDataEvent;
