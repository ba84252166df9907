import { describe, expect, it } from 'vitest';
import { batchesPerEpoch, generatorStepsPerEpoch, nextPosition, planBatch } from '../../../src/engine/train/schedule.ts';

const plans = (schedule: 'openfwi' | 'paddle', nCritic: number, iterations: number) =>
  Array.from({ length: iterations }, (_, i) => planBatch(schedule, nCritic, i, iterations));

describe('OpenFWI schedule', () => {
  it('trains the critic on every batch and the generator every n_critic batches and on the last', () => {
    const p = plans('openfwi', 5, 12);
    expect(p.every((b) => b.critic)).toBe(true);
    expect(p.flatMap((b, i) => (b.generator ? [i] : []))).toEqual([4, 9, 11]);
  });

  it('with n_critic 1 trains both on every batch', () => {
    expect(plans('openfwi', 1, 3)).toEqual([
      { critic: true, generator: true },
      { critic: true, generator: true },
      { critic: true, generator: true },
    ]);
  });

  it('counts one generator step per n_critic batches plus one on the last batch', () => {
    expect(generatorStepsPerEpoch('openfwi', 5, 10)).toBe(2);
    expect(generatorStepsPerEpoch('openfwi', 5, 11)).toBe(3);
    expect(generatorStepsPerEpoch('openfwi', 5, 1)).toBe(1);
  });
});

describe('PaddleScience schedule', () => {
  it('runs n_critic critic steps then one generator step, each on its own batch', () => {
    const p = plans('paddle', 3, 9);
    expect(p.map((b) => (b.generator ? 'G' : 'D')).join('')).toBe('DDDGDDDGD');
    expect(p.every((b) => b.critic !== b.generator)).toBe(true);
  });

  it('trains the generator on the last batch of an epoch shorter than one loop', () => {
    expect(plans('paddle', 3, 3).map((b) => (b.generator ? 'G' : 'D')).join('')).toBe('DDG');
  });
});

describe('epoch batches', () => {
  it('drops the partial last batch', () => {
    expect(batchesPerEpoch(10, 4)).toBe(2);
  });

  it('moves to the next epoch after its last batch', () => {
    expect(nextPosition({ epoch: 0, iteration: 1 }, 3)).toEqual({ epoch: 0, iteration: 2 });
    expect(nextPosition({ epoch: 0, iteration: 2 }, 3)).toEqual({ epoch: 1, iteration: 0 });
  });
});
