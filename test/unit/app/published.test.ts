import { describe, expect, it } from 'vitest';
import { publishedFor } from '../../../src/app/charts/published.ts';

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
});
