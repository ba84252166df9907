import { describe, expect, it } from 'vitest';
import { sampleRowsCsv } from '../../../src/engine/eval/evaluationRecord.ts';
import { evaluationFileNames, evaluationSummaryCsv, evaluationToJson } from '../../../src/app/export/evaluationExport.ts';
import { comparisonFor } from '../../../src/app/charts/published.ts';
import { evaluationFixture } from './evaluationFixture.ts';

const r = evaluationFixture({ preset: 'curvevel-a' });
const comparison = comparisonFor({ preset: 'curvevel-a', samples: 3, synthetic: true });

describe('evaluation export', () => {
  it('summary CSV: one table, ours then the published rows with m/s = normalised × 1500 and whether they compare', () => {
    expect(evaluationSummaryCsv(r, comparison)).toBe(
      'system,source,samples,mae,rmse,ssim,mae_ms,rmse_ms,comparable\n' +
        `"VelocityGAN Studio (training run, generator step 2)",this run,3,0.025,${Math.sqrt(0.0015)},0.9333,37.5,${1500 * Math.sqrt(0.0015)},\n` +
        'OpenFWI VelocityGAN (ℓ1),OpenFWI,,0.0482,0.1034,0.8624,72.3,155.1,no\n',
    );
  });

  it('per-sample CSV: one row per sample, 1-based, misfits where the physics check ran', () => {
    expect(sampleRowsCsv(r)).toBe(
      'sample,dataset_index,mae,rmse,ssim,mae_ms,rmse_ms,seismic_misfit_predicted,seismic_misfit_true,seismic_misfit_smoothed,seismic_misfit_constant\n' +
        '1,0,0.01,0.02,0.97,15,30,0.3,0,0.2,1.1\n' +
        '2,1,0.04,0.05,0.9,60,75,,,,\n' +
        '3,2,0.025,0.04,0.93,37.5,60,0.5,0,0.25,1.2\n',
    );
  });

  it('JSON: the record (config, data identity, weights step) with the published rows and the caveat', () => {
    const j = JSON.parse(evaluationToJson(r, comparison));
    expect(j.weights).toEqual({ source: 'training run, generator step 2', generatorStep: 2, criticStep: 4 });
    expect(j.config.batchSize).toBe(r.config.batchSize);
    expect(j.data.files).toEqual([{ name: 'data3.npy', size: 4200128 }, { name: 'model3.npy', size: 58928 }]);
    expect(j.data.headerHash).toBe('ab'.repeat(32));
    expect(j.perSample).toHaveLength(3);
    expect(j.published).toEqual({ comparable: false, caveat: "3-sample synthetic demo; published numbers are CurveVel-A's 6,000-sample test set", rows: [{ system: 'OpenFWI VelocityGAN (ℓ1)', source: 'OpenFWI', mae: 0.0482, rmse: 0.1034, ssim: 0.8624 }] });
    expect(evaluationFileNames(r)).toEqual({ json: 'velocitygan-evaluation-curvevel-a-step2.json', summary: 'velocitygan-evaluation-curvevel-a-step2-summary.csv', samples: 'velocitygan-evaluation-curvevel-a-step2-samples.csv' });
  });
});
