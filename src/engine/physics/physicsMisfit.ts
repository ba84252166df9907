/**
 * The physics check's measure: forward-model velocity maps and say how far their seismic lies
 * from the input seismic. A prediction is only good if waves through it reproduce the data; for
 * synthetic data made by this scheme the true maps score zero.
 */
import { FwiError } from '../errors.ts';
import { forwardModel, type ForwardModelOptions } from './forwardModel.ts';
import { OPENFWI_FORWARD } from './waveEquation.ts';

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

/**
 * Relative L2 misfits ‖F(v) − d‖₂ / ‖d‖₂ of several sets of n velocity maps `(n, 1, 70, 70)` in
 * m/s (the prediction, the truth, reference models) against the same n samples of raw,
 * un-normalised seismic `(n, 5, 1000, 70)`: one array of n misfits per set, in order. All sets
 * are forward-modelled in one call; `options` carries progress, cancellation and the kernel.
 */
export async function seismicMisfits(models: readonly Float32Array[], seismic: Float32Array, options: ForwardModelOptions = {}): Promise<number[][]> {
  const params = options.params ?? OPENFWI_FORWARD;
  const mapCells = (options.nz ?? 70) * (options.nx ?? 70);
  const traceValues = params.sourceColumns.length * params.nt * (options.nx ?? 70);
  const n = seismic.length / traceValues;
  if (models.length === 0 || !Number.isInteger(n) || n === 0 || models.some((m) => m.length !== n * mapCells)) {
    throw new FwiError(
      'dataset-mismatch',
      `physics check: ${models.map((m) => m.length / mapCells).join(', ')} velocity maps per set and ${seismic.length / traceValues} seismic samples do not match`,
    );
  }
  const maps = new Float32Array(models.length * n * mapCells);
  models.forEach((m, k) => maps.set(m, k * n * mapCells));
  const modelled = await forwardModel(maps, options);
  return models.map((_, k) =>
    Array.from({ length: n }, (_, i) =>
      relativeL2(modelled.subarray((k * n + i) * traceValues, (k * n + i + 1) * traceValues), seismic.subarray(i * traceValues, (i + 1) * traceValues)),
    ),
  );
}
