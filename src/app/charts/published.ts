/**
 * The published VelocityGAN numbers the studio's evaluation is set beside (VELOCITYGAN.md §6),
 * keyed by dataset preset. All are on the normalised [−1, 1] scale; m/s figures follow by × 1500
 * for MAE and RMSE (label range 1500–4500 m/s).
 */

export interface PublishedResult {
  system: string;
  source: 'OpenFWI' | 'PaddleScience';
  mae: number;
  rmse: number;
  ssim: number;
}

export const PUBLISHED_RESULTS: Readonly<Record<string, readonly PublishedResult[]>> = {
  'flatvel-a': [
    { system: 'OpenFWI VelocityGAN (ℓ1)', source: 'OpenFWI', mae: 0.0118, rmse: 0.0178, ssim: 0.9916 },
    { system: 'OpenFWI InversionNet (ℓ1)', source: 'OpenFWI', mae: 0.0131, rmse: 0.0211, ssim: 0.9895 },
    { system: 'PaddleScience VelocityGAN', source: 'PaddleScience', mae: 0.0669, rmse: 0.0947, ssim: 0.8511 },
  ],
  'curvevel-a': [{ system: 'OpenFWI VelocityGAN (ℓ1)', source: 'OpenFWI', mae: 0.0482, rmse: 0.1034, ssim: 0.8624 }],
  'flatfault-a': [{ system: 'OpenFWI VelocityGAN (ℓ1)', source: 'OpenFWI', mae: 0.0868, rmse: 0.1485, ssim: 0.9313 }],
};

/** The published rows for a preset name (case-insensitive); empty when none were published. */
export function publishedFor(preset: string): readonly PublishedResult[] {
  return PUBLISHED_RESULTS[preset.toLowerCase()] ?? [];
}
