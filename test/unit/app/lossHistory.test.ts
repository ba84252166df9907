import { describe, expect, it } from 'vitest';
import { criticX, fractionalEpochs, generatorX, validationColumns } from '../../../src/app/charts/lossHistory.ts';

describe('loss history axes', () => {
  it('spreads each epoch evenly over [e, e + 1), the running one at the longest length', () => {
    expect(Array.from(fractionalEpochs([0, 0, 0, 0, 1, 1]))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(Array.from(fractionalEpochs([2, 2]))).toEqual([2, 2.5]);
    expect(Array.from(fractionalEpochs([]))).toEqual([]);
  });

  it('puts generator rows at the critic step they followed, and both kinds at fractional epochs', () => {
    const c = { step: [1, 2], epoch: [0, 0], loss: [0, 0], wasserstein: [0, 0], gp: [0, 0], gpWeighted: [0, 0] };
    const g = { step: [1], criticStep: [2], epoch: [0], loss: [0], l1: [0], adv: [0] };
    expect(criticX(c, 'criticStep')).toEqual([1, 2]);
    expect(generatorX(g, 'criticStep')).toEqual([2]);
    expect(Array.from(criticX(c, 'epoch'))).toEqual([0, 0.5]);
    expect(Array.from(generatorX(g, 'epoch'))).toEqual([0]);
  });

  it('turns validation events into columns with epochs completed as x', () => {
    const v = validationColumns([{ epoch: 0, generatorStep: 4, loss: 2, mae: 0.1, mse: 0.04, rmse: 0.2, ssim: 0.5, maeMs: 150, rmseMs: 300 }]);
    expect(v).toEqual({ epoch: [1], loss: [2], mae: [0.1], rmse: [0.2], ssim: [0.5], maeMs: [150], rmseMs: [300] });
  });
});
