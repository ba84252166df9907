/**
 * Which network trains on which batch. Pure functions of (schedule, position), so a checkpoint
 * only stores the position and a resumed run does exactly what the uninterrupted one would.
 *
 * - OpenFWI (`gan_train.py`): a critic step on every batch; a generator step on the same batch
 *   when `(itr + 1) % n_critic == 0` or on the last batch of the epoch (`itr` counts batches
 *   within the epoch). Batches shuffled each epoch.
 * - PaddleScience: an outer loop of `n_critic` critic steps then one generator step, each on its
 *   own batch, in file order (no shuffling). The loop restarts at each epoch; batches left over
 *   at the end of an epoch get critic steps only, except that the last batch of an epoch with no
 *   generator step yet trains the generator, so a short epoch still moves both networks.
 *
 * Both drop the last partial batch, as OpenFWI's loader does (drop_last=True).
 */
import type { ScheduleName } from '../config.ts';

export interface BatchPlan {
  critic: boolean;
  generator: boolean;
}

/** Where a run stands: the next batch to train is batch `iteration` of epoch `epoch` (both 0-based). */
export interface SchedulePosition {
  epoch: number;
  iteration: number;
}

/** Full batches per epoch (the partial last batch is dropped). */
export function batchesPerEpoch(samples: number, batchSize: number): number {
  return Math.floor(samples / batchSize);
}

/** What to train on batch `iteration` of an epoch of `iterations` batches. */
export function planBatch(schedule: ScheduleName, nCritic: number, iteration: number, iterations: number): BatchPlan {
  const last = iteration === iterations - 1;
  if (schedule === 'openfwi') return { critic: true, generator: (iteration + 1) % nCritic === 0 || last };
  const loop = nCritic + 1;
  const generator = (iteration + 1) % loop === 0 || (last && iterations < loop);
  return { critic: !generator, generator };
}

/** Generator steps in one epoch of `iterations` batches. */
export function generatorStepsPerEpoch(schedule: ScheduleName, nCritic: number, iterations: number): number {
  let n = 0;
  for (let i = 0; i < iterations; i++) if (planBatch(schedule, nCritic, i, iterations).generator) n++;
  return n;
}

/** The position after finishing batch `position.iteration`. */
export function nextPosition(position: SchedulePosition, iterations: number): SchedulePosition {
  return position.iteration + 1 >= iterations ? { epoch: position.epoch + 1, iteration: 0 } : { epoch: position.epoch, iteration: position.iteration + 1 };
}
