import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { physicsCheck, physicsMeans, physicsSampleIndices } from '../../../src/engine/eval/physicsCheck.ts';
import { forwardModel } from '../../../src/engine/physics/forwardModel.ts';
import { seismicMisfits } from '../../../src/engine/physics/physicsMisfit.ts';
import { velocityMaps } from '../../../src/engine/physics/velocityFamilies.ts';
import type { ForwardModelParams } from '../../../src/engine/physics/waveEquation.ts';

/** OpenFWI's geometry with a thin absorbing layer and 300 ms records, so a sample takes milliseconds. */
const SHORT: ForwardModelParams = { nbc: 20, dx: 10, nt: 300, dt: 0.001, f: 15, sourceColumns: [0, 17, 34, 52, 69], sourceRow: 1, receiverRow: 1 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('physicsCheck', () => {
  it('spreads its samples evenly over the set', () => {
    expect(physicsSampleIndices(16, 4)).toEqual([0, 4, 8, 12]);
    expect(physicsSampleIndices(2, 5)).toEqual([0, 1]);
    expect(physicsSampleIndices(7, 0)).toEqual([]);
  });

  it('scores the true model 0 on data made by the scheme, and the constant model worse than the smoothed one', async () => {
    const truth = velocityMaps('flat', 11, 0, 2);
    const seismic = await forwardModel(truth, { params: SHORT });
    const predicted = truth.map((v, i) => v + (i % 70 < 35 ? 60 : -60));
    const c = await physicsCheck({ indices: [3, 9], seismic, truth, predicted }, { params: SHORT });
    expect(c.indices).toEqual([3, 9]);
    expect(c.truth).toEqual([0, 0]);
    expect(c.smoothingSigmaM).toBe(100);
    for (let i = 0; i < 2; i++) {
      expect(c.predicted[i]).toBeGreaterThan(0);
      expect(c.smoothed[i]).toBeGreaterThan(0);
      expect(c.constant[i]).toBeGreaterThan(c.smoothed[i]);
    }
    // The prediction's misfit is the one seismicMisfits gives it alone: the batch does not change a sample's number.
    const [alone] = await seismicMisfits([predicted.subarray(4900)], seismic.subarray(seismic.length / 2), { params: SHORT });
    expect(c.predicted[1]).toBeCloseTo(alone[0], 6);
    const m = physicsMeans(c);
    expect(m.constant).toBeCloseTo((c.constant[0] + c.constant[1]) / 2, 12);
    expect(m.truth).toBe(0);
  });

  it('needs the true velocity', async () => {
    await expect(physicsCheck({ indices: [0], seismic: new Float32Array(5 * 300 * 70), truth: null, predicted: new Float32Array(4900).fill(2000) }, { params: SHORT })).rejects.toSatisfy(
      (e: unknown) => e instanceof FwiError && e.code === 'usage',
    );
  });
});
