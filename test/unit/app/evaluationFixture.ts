/** A small evaluation record as the worker sends it: 3 samples, the physics check on samples 1 and 3 (indices 0 and 2). */
import { defaultConfig } from '../../../src/engine/config.ts';
import type { EvaluationRecord } from '../../../src/engine/eval/evaluationRecord.ts';

export function evaluationFixture(over: Partial<EvaluationRecord> = {}): EvaluationRecord {
  const perSample = [
    { index: 0, mae: 0.01, mse: 0.0004, rmse: 0.02, ssim: 0.97, maeMs: 15, rmseMs: 30 },
    { index: 1, mae: 0.04, mse: 0.0025, rmse: 0.05, ssim: 0.9, maeMs: 60, rmseMs: 75 },
    { index: 2, mae: 0.025, mse: 0.0016, rmse: 0.04, ssim: 0.93, maeMs: 37.5, rmseMs: 60 },
  ];
  return {
    format: 'velocitygan-studio-evaluation',
    version: 1,
    time: '2026-11-30T10:42:07.000Z',
    preset: 'flatvel-a',
    weights: { source: 'training run, generator step 2', generatorStep: 2, criticStep: 4 },
    config: defaultConfig(),
    data: { description: 'synthetic demo dataset (demo/val.txt)', synthetic: true, files: [{ name: 'data3.npy', size: 4200128 }, { name: 'model3.npy', size: 58928 }], headerHash: 'ab'.repeat(32) },
    samples: 3,
    loss: 0.025,
    mae: 0.025,
    mse: 0.0015,
    rmse: Math.sqrt(0.0015),
    ssim: 0.9333,
    maeMs: 37.5,
    rmseMs: 1500 * Math.sqrt(0.0015),
    perSample,
    physics: { indices: [0, 2], predicted: [0.3, 0.5], truth: [0, 0], smoothed: [0.2, 0.25], constant: [1.1, 1.2], smoothingSigmaM: 100 },
    ...over,
  };
}
