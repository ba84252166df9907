/**
 * The published VelocityGAN numbers the studio's evaluation is set beside (VELOCITYGAN.md §6),
 * keyed by dataset preset. All are on the normalised [−1, 1] scale; m/s figures follow by × 1500
 * for MAE and RMSE (label range 1500–4500 m/s). They are comparable with an evaluation only on the
 * same test set: OpenFWI's validation split of that dataset, 12 files of 500 samples
 * (lanl/OpenFWI split_files/<dataset>_val.txt), never on synthetic or smaller data.
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

/** The test set the published numbers of a preset were measured on. */
export interface PublishedTestSet {
  dataset: string;
  samples: number;
}

/** OpenFWI's validation splits (split_files/flatvel_a_val.txt etc.: 12 files × 500 samples each). */
const TEST_SETS: Readonly<Record<string, PublishedTestSet>> = {
  'flatvel-a': { dataset: 'FlatVel-A', samples: 6000 },
  'curvevel-a': { dataset: 'CurveVel-A', samples: 6000 },
  'flatfault-a': { dataset: 'FlatFault-A', samples: 6000 },
};

/** What an evaluation is: its preset, how many samples, and whether they are the synthetic demo. */
export interface EvaluatedSet {
  preset: string;
  samples: number;
  synthetic: boolean;
}

/** The published rows for an evaluation, whether they compare with it, and if not, why not in one line. */
export interface Comparison {
  rows: readonly PublishedResult[];
  comparable: boolean;
  /** Null when comparable (or nothing was published for the preset). */
  caveat: string | null;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Published rows are comparable only with an evaluation of the preset's real test set: the same
 * dataset, all of its samples, not the synthetic demo. Otherwise the caveat says what differs,
 * e.g. "2-sample synthetic demo; published numbers are FlatVel-A's 6,000-sample test set".
 */
export function comparisonFor(e: EvaluatedSet): Comparison {
  const rows = publishedFor(e.preset);
  const set = TEST_SETS[e.preset.toLowerCase()];
  if (rows.length === 0 || !set) return { rows, comparable: false, caveat: null };
  const what = `${count(e.samples)}-sample ${e.synthetic ? 'synthetic demo' : 'validation set'}`;
  const theirs = `published numbers are ${set.dataset}'s ${count(set.samples)}-sample test set`;
  if (e.synthetic) return { rows, comparable: false, caveat: `${what}; ${theirs}` };
  if (e.samples !== set.samples) return { rows, comparable: false, caveat: `${what}; ${theirs}, so they are not comparable` };
  return { rows, comparable: true, caveat: null };
}
