/**
 * The physics check of the evaluation report: forward-model predicted (and true) velocity maps
 * and measure how far their seismic lies from the input seismic. A prediction is only good if
 * waves through it reproduce the data; for synthetic data the true maps score near zero.
 */
import { FwiError } from '../errors.ts';
import { forwardModel, type ForwardModelOptions } from './forwardModel.ts';
import { OPENFWI_FORWARD } from './waveEquation.ts';

/** Relative L2 misfits ‖F(v) − d‖₂ / ‖d‖₂ per sample, and their means. */
export interface PhysicsMisfit {
  predicted: number[];
  predictedMean: number;
  /** Null when no true velocity was given. */
  truth: number[] | null;
  truthMean: number | null;
}

/** ‖a − b‖₂ / ‖b‖₂ of one sample (Infinity if b is all zeros and a is not). */
export function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    const d = a[i] - b[i];
    num += d * d;
    den += b[i] * b[i];
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * Misfits of n samples: velocity maps `(n, 1, 70, 70)` in m/s (predicted, and true if known)
 * against their raw, un-normalised seismic `(n, 5, 1000, 70)`. Both sets are forward-modelled
 * in one batch; `options` carries progress, cancellation and the kernel.
 */
export async function physicsMisfit(
  predVelocity: Float32Array,
  trueVelocity: Float32Array | null,
  seismic: Float32Array,
  options: ForwardModelOptions = {},
): Promise<PhysicsMisfit> {
  const params = options.params ?? OPENFWI_FORWARD;
  const nz = options.nz ?? 70;
  const nx = options.nx ?? 70;
  const mapCells = nz * nx;
  const traceValues = params.sourceColumns.length * params.nt * nx;
  const n = predVelocity.length / mapCells;
  if (!Number.isInteger(n) || n === 0 || seismic.length !== n * traceValues || (trueVelocity && trueVelocity.length !== predVelocity.length)) {
    throw new FwiError(
      'dataset-mismatch',
      `physics check: ${predVelocity.length / mapCells} predicted maps, ${trueVelocity ? trueVelocity.length / mapCells : 'no'} true maps and ${seismic.length / traceValues} seismic samples do not match`,
    );
  }
  const maps = trueVelocity ? new Float32Array(2 * n * mapCells) : predVelocity;
  if (trueVelocity) {
    maps.set(predVelocity, 0);
    maps.set(trueVelocity, n * mapCells);
  }
  const modelled = await forwardModel(maps, options);
  const misfits = (offset: number) =>
    Array.from({ length: n }, (_, i) =>
      relativeL2(modelled.subarray((offset + i) * traceValues, (offset + i + 1) * traceValues), seismic.subarray(i * traceValues, (i + 1) * traceValues)),
    );
  const predicted = misfits(0);
  const truth = trueVelocity ? misfits(n) : null;
  return { predicted, predictedMean: mean(predicted), truth, truthMean: truth ? mean(truth) : null };
}
