import { describe, expect, it } from 'vitest';
import { appendCriticStep, appendGeneratorStep, columnsUpTo, emptyCritic, emptyGenerator, historyOfMetrics } from '../../../src/engine/train/lossColumns.ts';

const critic = (criticStep: number) => ({ type: 'critic-step' as const, epoch: 0, iteration: criticStep - 1, criticStep, loss: -criticStep, lossReal: 0, lossFake: 0, wasserstein: criticStep / 10, gp: 0.5, gpWeighted: 5, elapsed: criticStep * 0.5 });

describe('loss columns', () => {
  it('append a step to every column and cut a copy at a step', () => {
    const c = emptyCritic();
    for (let s = 1; s <= 4; s++) appendCriticStep(c, critic(s));
    const g = emptyGenerator();
    appendGeneratorStep(g, { type: 'generator-step', epoch: 0, iteration: 1, generatorStep: 1, loss: 7, l1: 0.07, l2: 0.01, adv: -0.3, elapsed: 1.25 }, 2);
    expect(c.step).toEqual([1, 2, 3, 4]);
    expect(c.wasserstein).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(g).toEqual({ step: [1], criticStep: [2], epoch: [0], loss: [7], l1: [0.07], l2: [0.01], adv: [-0.3], elapsed: [1.25] });

    const cut = columnsUpTo(c, 2);
    expect(cut).toEqual({ step: [1, 2], epoch: [0, 0], loss: [-1, -2], wasserstein: [0.1, 0.2], gp: [0.5, 0.5], gpWeighted: [5, 5], elapsed: [0.5, 1] });
    const all = columnsUpTo(c, Infinity);
    expect(all).toEqual(c);
    all.step.push(99);
    expect(c.step).toEqual([1, 2, 3, 4]);
  });

  it('a metrics history gives the curves the live run drew: generator steps on the critic step before them, one validation per generator step', () => {
    const validation = (generatorStep: number, mae: number) => ({ type: 'validation' as const, epoch: 0, generatorStep, loss: mae, mae, mse: 0, rmse: 0, ssim: 0, maeMs: 0, rmseMs: 0 });
    const events = [
      { type: 'config' },
      critic(1),
      critic(2),
      // Kept before steps carried their time: read as not recorded.
      { type: 'generator-step' as const, epoch: 0, iteration: 1, generatorStep: 1, loss: 7, l1: 0.07, l2: 0.01, adv: -0.3 },
      { type: 'checkpoint', epoch: 1, criticStep: 2, generatorStep: 1, reason: 'interval' },
      validation(1, 0.5),
      // Stopped inside that validation and continued: it runs again, and the later result is kept.
      validation(1, 0.25),
      critic(3),
    ];
    const h = historyOfMetrics(events);
    expect(h.critic.step).toEqual([1, 2, 3]);
    expect(h.critic.wasserstein).toEqual([0.1, 0.2, 0.3]);
    expect(h.critic.elapsed).toEqual([0.5, 1, 1.5]);
    expect(h.generator).toEqual({ step: [1], criticStep: [2], epoch: [0], loss: [7], l1: [0.07], l2: [0.01], adv: [-0.3], elapsed: [NaN] });
    expect(h.validation.map((v) => v.mae)).toEqual([0.25]);
    expect(historyOfMetrics([])).toEqual({ critic: emptyCritic(), generator: emptyGenerator(), validation: [] });
  });
});
