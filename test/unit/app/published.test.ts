import { describe, expect, it } from 'vitest';
import { comparisonFor, publishedFor } from '../../../src/app/charts/published.ts';

describe('published results', () => {
  it('holds the spec table rows per preset', () => {
    expect(publishedFor('flatvel-a').map((r) => [r.system, r.mae, r.rmse, r.ssim])).toEqual([
      ['OpenFWI VelocityGAN (ℓ1)', 0.0118, 0.0178, 0.9916],
      ['OpenFWI InversionNet (ℓ1)', 0.0131, 0.0211, 0.9895],
      ['PaddleScience VelocityGAN', 0.0669, 0.0947, 0.8511],
    ]);
    expect(publishedFor('CurveVel-A').map((r) => [r.mae, r.rmse, r.ssim])).toEqual([[0.0482, 0.1034, 0.8624]]);
    expect(publishedFor('flatfault-a').map((r) => [r.mae, r.rmse, r.ssim])).toEqual([[0.0868, 0.1485, 0.9313]]);
    expect(publishedFor('style-b')).toEqual([]);
  });

  it('compares only with the preset\'s whole real test set, and says why not otherwise', () => {
    expect(comparisonFor({ preset: 'flatvel-a', samples: 2, synthetic: true })).toEqual({
      rows: publishedFor('flatvel-a'),
      comparable: false,
      caveat: "2-sample synthetic demo; published numbers are FlatVel-A's 6,000-sample test set",
    });
    expect(comparisonFor({ preset: 'curvevel-a', samples: 500, synthetic: false }).caveat).toBe(
      "500-sample validation set; published numbers are CurveVel-A's 6,000-sample test set, so they are not comparable",
    );
    // The demo is never comparable, even at the test set's size.
    expect(comparisonFor({ preset: 'flatvel-a', samples: 6000, synthetic: true }).comparable).toBe(false);
    expect(comparisonFor({ preset: 'FlatFault-A', samples: 6000, synthetic: false })).toEqual({ rows: publishedFor('flatfault-a'), comparable: true, caveat: null });
    expect(comparisonFor({ preset: 'style-b', samples: 6000, synthetic: false })).toEqual({ rows: [], comparable: false, caveat: null });
  });
});
