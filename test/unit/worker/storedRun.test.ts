import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/engine/config.ts';
import { appendCriticStep, appendGeneratorStep, emptyCritic, emptyGenerator } from '../../../src/engine/train/lossColumns.ts';
import type { RunHistory, SavedRunInfo } from '../../../src/worker/protocol.ts';
import { parseRunHistory, parseSavedRunInfo } from '../../../src/worker/storedRun.ts';

function info(): SavedRunInfo {
  return {
    savedAt: '2026-11-30T07:00:00.000Z',
    epoch: 3,
    criticStep: 40,
    generatorStep: 8,
    epochs: 10,
    config: { ...defaultConfig(), batchSize: 4, epochs: 10 },
    files: ['demo/data1.npy', 'demo/model1.npy', 'demo/train.txt'],
    lists: [{ path: 'demo/train.txt', role: 'train' }],
    dataStored: true,
    unfinished: true,
  };
}

function history(): RunHistory {
  const critic = emptyCritic();
  const generator = emptyGenerator();
  appendCriticStep(critic, { type: 'critic-step', epoch: 0, iteration: 0, criticStep: 1, loss: 1.5, lossReal: 1, lossFake: 0.75, wasserstein: 0.25, gp: 2, gpWeighted: 20, elapsed: 1.5 });
  appendCriticStep(critic, { type: 'critic-step', epoch: 0, iteration: 1, criticStep: 2, loss: NaN, lossReal: NaN, lossFake: 0, wasserstein: Infinity, gp: 2, gpWeighted: 20, elapsed: 3 });
  appendGeneratorStep(generator, { type: 'generator-step', epoch: 0, iteration: 1, generatorStep: 1, loss: 0.5, l1: 0.4, l2: 0.3, adv: -0.1, elapsed: 3.25 }, 2);
  const validation = [{ type: 'validation' as const, epoch: 0, generatorStep: 1, loss: 0.7, mae: 0.2, mse: 0.09, rmse: 0.3, ssim: 0.6, maeMs: 300, rmseMs: 450 }];
  return { critic, generator, validation };
}

describe('the saved run read back from browser storage', () => {
  it('returns the description it was saved with', () => {
    expect(parseSavedRunInfo(JSON.stringify(info()))).toEqual(info());
  });

  it('names run.json and the problem for a truncated file, a bad field, a bad role and a bad configuration', () => {
    const text = JSON.stringify(info());
    expect(() => parseSavedRunInfo(text.slice(0, 50))).toThrow(/^run\.json: not valid JSON \(/);
    expect(() => parseSavedRunInfo('[1, 2]')).toThrow('run.json: not a JSON object');
    expect(() => parseSavedRunInfo(JSON.stringify({ ...info(), criticStep: -1 }))).toThrow('run.json: criticStep must be a whole number ≥ 0 (found -1)');
    expect(() => parseSavedRunInfo(JSON.stringify({ ...info(), savedAt: 'yesterday' }))).toThrow('run.json: savedAt must be a date (found "yesterday")');
    expect(() => parseSavedRunInfo(JSON.stringify({ ...info(), lists: [{ path: 'a.txt', role: 'test' }] }))).toThrow(
      'run.json: lists holds {"path":"a.txt","role":"test"}, not a path and a role (train, validation, inference, unused)',
    );
    expect(() => parseSavedRunInfo(JSON.stringify({ ...info(), config: { ...info().config, batchSize: 0 } }))).toThrow(
      'run.json: its configuration is invalid: config: batchSize must be a whole number ≥ 1',
    );
    const { dataStored: _, ...withoutFlag } = info();
    expect(() => parseSavedRunInfo(JSON.stringify(withoutFlag))).toThrow('run.json: dataStored must be true or false');
  });
});

describe('the saved curve history read back from browser storage', () => {
  it('returns the columns it was saved with, non-finite losses (JSON nulls) as NaN', () => {
    const back = parseRunHistory(JSON.stringify(history()));
    expect(back.critic.loss).toEqual([1.5, NaN]);
    expect(back.critic.wasserstein).toEqual([0.25, NaN]);
    expect(back.critic.step).toEqual([1, 2]);
    expect(back.generator).toEqual(history().generator);
    expect(back.validation).toEqual(history().validation);
  });

  it('names history.json and the column or row at fault', () => {
    const h = history();
    expect(() => parseRunHistory('{"critic":')).toThrow(/^history\.json: not valid JSON/);
    expect(() => parseRunHistory(JSON.stringify({ ...h, critic: { ...h.critic, gp: [2] } }))).toThrow('history.json: critic.gp has 1 rows, critic.step 2');
    expect(() => parseRunHistory(JSON.stringify({ ...h, generator: { ...h.generator, l1: ['0.4'] } }))).toThrow('history.json: generator.l1[0] is "0.4", not a number');
    expect(() => parseRunHistory(JSON.stringify({ ...h, validation: [{ ...h.validation[0], ssim: 'high' }] }))).toThrow('history.json: validation[0].ssim is "high", not a number');
    expect(() => parseRunHistory(JSON.stringify({ critic: h.critic, generator: h.generator }))).toThrow('history.json: validation must be a list of validation results');
    expect(() => parseRunHistory(JSON.stringify({ ...h, validation: [{ ...h.validation[0], rmse: undefined }] }))).toThrow('history.json: validation[0].rmse is undefined, not a number');
  });

  it('reads a history saved before validation recorded the MSE, the MSE as not recorded', () => {
    const h = history();
    const { mse: _, ...older } = h.validation[0];
    expect(parseRunHistory(JSON.stringify({ ...h, validation: [older] })).validation[0]).toEqual({ ...h.validation[0], mse: NaN });
  });

  it('reads a history saved before steps carried their training time, the time as not recorded', () => {
    const h = history();
    const { elapsed: _c, ...critic } = h.critic;
    const { elapsed: _g, ...generator } = h.generator;
    const back = parseRunHistory(JSON.stringify({ ...h, critic, generator }));
    expect(back.critic.elapsed).toEqual([NaN, NaN]);
    expect(back.generator.elapsed).toEqual([NaN]);
    expect(back.critic.gp).toEqual([2, 2]);
  });
});
