import { describe, expect, it } from 'vitest';
import { criticStepsOnGeneratorAxis, fractionalEpochs, lossAxes, validationColumns } from '../../../src/app/charts/lossHistory.ts';

const critic = (step: number[], elapsed: number[]) => ({ step, epoch: step.map(() => 0), loss: step.map(() => 0), wasserstein: step.map(() => 0), gp: step.map(() => 0), gpWeighted: step.map(() => 0), elapsed });
const generator = (step: number[], criticStep: number[], elapsed: number[]) => ({ step, criticStep, epoch: step.map(() => 0), loss: step.map(() => 0), l1: step.map(() => 0), adv: step.map(() => 0), elapsed });

describe('loss history axes', () => {
  it('spreads each epoch evenly over [e, e + 1), the running one at the longest length', () => {
    expect(Array.from(fractionalEpochs([0, 0, 0, 0, 1, 1]))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(Array.from(fractionalEpochs([2, 2]))).toEqual([2, 2.5]);
    expect(Array.from(fractionalEpochs([]))).toEqual([]);
  });

  it('puts generator rows at the critic step they followed, and both kinds at fractional epochs', () => {
    const c = critic([1, 2], [0.5, 1]);
    const g = generator([1], [2], [1.2]);
    const steps = lossAxes(c, g, 'criticStep');
    expect(steps.critic).toEqual([1, 2]);
    expect(steps.generator).toEqual([2]);
    expect(steps.integer).toBe(true);
    const epochs = lossAxes(c, g, 'epoch');
    expect(Array.from(epochs.critic)).toEqual([0, 0.5]);
    expect(Array.from(epochs.generator)).toEqual([0]);
    expect(epochs.integer).toBe(false);
  });

  it('places critic steps between the generator steps they fall between (n_critic 5: critic step 7 is generator step 1.4)', () => {
    const g = { step: [1, 2, 3], criticStep: [5, 10, 15] };
    expect(Array.from(criticStepsOnGeneratorAxis([1, 5, 7, 10, 15], g))).toEqual([0.2, 1, 1.4, 2, 3]);
    // Past the last generator step at the run's rate so far (3 generator steps in 15 critic steps).
    expect(Array.from(criticStepsOnGeneratorAxis([17], g))).toEqual([3.4]);
    // No generator step yet: everything at 0.
    expect(Array.from(criticStepsOnGeneratorAxis([1, 2], { step: [], criticStep: [] }))).toEqual([0, 0]);
    const axes = lossAxes(critic([5, 7], [1, 2]), generator([1, 2, 3], [5, 10, 15], [1, 2, 3]), 'generatorStep');
    expect(Array.from(axes.critic)).toEqual([1, 1.4]);
    expect(axes.generator).toEqual([1, 2, 3]);
    expect(axes.title).toBe('Generator step');
  });

  it('draws training time in seconds, minutes or hours by the run length, pauses already left out', () => {
    const short = lossAxes(critic([1, 2], [30, 120]), generator([1], [2], [121]), 'time');
    expect(Array.from(short.critic)).toEqual([30, 120]);
    expect(short.title).toBe('Training time (s), pauses excluded');
    const long = lossAxes(critic([1, 2], [60, 600]), generator([1], [2], [900]), 'time');
    expect(Array.from(long.critic)).toEqual([1, 10]);
    expect(Array.from(long.generator)).toEqual([15]);
    expect(long.title).toBe('Training time (min), pauses excluded');
    expect(long.name).toBe('training_min');
    const hours = lossAxes(critic([1], [5 * 3600]), generator([], [], []), 'time');
    expect(Array.from(hours.critic)).toEqual([5]);
    // A history from before steps carried their time: not drawn (NaN), not an error.
    expect(Array.from(lossAxes(critic([1], [NaN]), generator([], [], []), 'time').critic)).toEqual([NaN]);
  });

  it('turns validation events into columns with epochs completed as x', () => {
    const v = validationColumns([{ epoch: 0, generatorStep: 4, loss: 2, mae: 0.1, mse: 0.04, rmse: 0.2, ssim: 0.5, maeMs: 150, rmseMs: 300 }]);
    expect(v).toEqual({ epoch: [1], loss: [2], mae: [0.1], rmse: [0.2], ssim: [0.5], maeMs: [150], rmseMs: [300] });
  });
});
