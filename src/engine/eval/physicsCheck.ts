/**
 * The evaluation's physics check: the predicted velocity of some validation samples is
 * forward-modelled and its seismic compared with the input seismic (relative L2 misfit), and so
 * are three references on the same samples, so the number can be read: the true model (0 on data
 * made by this scheme; on other data the gap between this scheme and the one that made it), a
 * smoothed true model (the background right, the interfaces gone) and a constant model (each
 * sample's mean velocity: no structure).
 */
import { FwiError } from '../errors.ts';
import type { ForwardModelOptions } from '../physics/forwardModel.ts';
import { seismicMisfits } from '../physics/physicsMisfit.ts';
import { SMOOTHING_SIGMA_M, constantModels, smoothedModels } from '../physics/referenceModels.ts';
import { OPENFWI_FORWARD } from '../physics/waveEquation.ts';
import type { PredictedSamples } from './evaluator.ts';

/** Per-sample relative misfits ‖F(v) − d‖ / ‖d‖ of the prediction and the three references. */
export interface PhysicsCheck {
  /** 0-based dataset indices of the samples checked. */
  indices: number[];
  predicted: number[];
  truth: number[];
  smoothed: number[];
  constant: number[];
  /** The smoothed model's Gaussian σ in metres. */
  smoothingSigmaM: number;
}

/** `count` dataset indices spread evenly over `length` samples (the first always among them). */
export function physicsSampleIndices(length: number, count: number): number[] {
  const n = Math.min(Math.max(0, Math.floor(count)), length);
  return Array.from({ length: n }, (_, i) => Math.floor((i * length) / n));
}

/** The mean of each list of a check, for a summary line. */
export function physicsMeans(c: PhysicsCheck): { predicted: number; truth: number; smoothed: number; constant: number } {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return { predicted: mean(c.predicted), truth: mean(c.truth), smoothed: mean(c.smoothed), constant: mean(c.constant) };
}

/**
 * Scores labelled samples (from `Evaluator.predictSamples`): forward-models the prediction, the
 * truth, the smoothed truth and the constant model in one call (`options`: kernel, progress,
 * cancellation, and the modelling parameters, OpenFWI's by default).
 */
export async function physicsCheck(samples: PredictedSamples, options: ForwardModelOptions = {}): Promise<PhysicsCheck> {
  const truth = samples.truth;
  if (!truth) throw new FwiError('usage', 'the physics check needs the true velocity of its samples (the list has seismic files only)');
  const nz = options.nz ?? 70;
  const nx = options.nx ?? 70;
  const dx = (options.params ?? OPENFWI_FORWARD).dx;
  const smoothed = smoothedModels(truth, nz, nx, SMOOTHING_SIGMA_M / dx);
  const constant = constantModels(truth, nz * nx);
  const [p, t, s, c] = await seismicMisfits([samples.predicted, truth, smoothed, constant], samples.seismic, options);
  return { indices: samples.indices, predicted: p, truth: t, smoothed: s, constant: c, smoothingSigmaM: SMOOTHING_SIGMA_M };
}
