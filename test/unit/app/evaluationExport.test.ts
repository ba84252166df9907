import { describe, expect, it } from 'vitest';
import { evaluationToCsv, evaluationToJson, type EvaluationResult } from '../../../src/app/export/evaluationExport.ts';
import { publishedFor } from '../../../src/app/charts/published.ts';

const r: EvaluationResult = {
  samples: 120, mae: 0.02, rmse: 0.03, ssim: 0.95, maeMs: 30, rmseMs: 45, preset: 'curvevel-a', generatorStep: 40,
  physics: { indices: [0, 5], predicted: [0.12, 0.2], truth: [0.001, 0.002] }, weightsSource: 'training run, step 40', time: '2025-01-01T00:00:00Z',
};

describe('evaluation export', () => {
  it('writes ours then the published rows, with m/s = normalised × 1500, then physics rows', () => {
    expect(evaluationToCsv(r, publishedFor('curvevel-a'))).toBe(
      'system,source,samples,mae,rmse,ssim,mae_ms,rmse_ms\n' +
        '"VelocityGAN Studio (training run, step 40)",this run,120,0.02,0.03,0.95,30,45\n' +
        'OpenFWI VelocityGAN (ℓ1),OpenFWI,,0.0482,0.1034,0.8624,72.3,155.1\n' +
        '\n' +
        'sample,seismic_misfit_predicted,seismic_misfit_true\n0,0.12,0.001\n5,0.2,0.002\n',
    );
  });

  it('writes JSON holding the evaluation and the published rows', () => {
    const j = JSON.parse(evaluationToJson(r, publishedFor('curvevel-a')));
    expect(j.evaluation.mae).toBe(0.02);
    expect(j.published[0].ssim).toBe(0.8624);
  });
});
