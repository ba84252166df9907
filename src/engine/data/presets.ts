/**
 * The 11 OpenFWI dataset presets (reference, section 2), plus `custom` (limits the user types)
 * and `auto` (limits found by one streaming scan of the dataset, which OpenFWI does not offer).
 */
import type { TransformConfig } from '../config.ts';
import { FwiError } from '../errors.ts';
import type { DatasetConfigEntry } from './datasetConfig.ts';

export const PRESET_NAMES = [
  'flatvel-a',
  'flatvel-b',
  'curvevel-a',
  'curvevel-b',
  'flatfault-a',
  'flatfault-b',
  'curvefault-a',
  'curvefault-b',
  'style-a',
  'style-b',
  'flatvel-tutorial',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];
export type PresetChoice = PresetName | 'custom' | 'auto';

/** A named OpenFWI dataset: its normalisation limits, samples per file and its train/validation split. */
export interface DatasetPreset extends TransformConfig {
  readonly name: PresetName;
  readonly fileSize: number;
  readonly trainFiles: string;
  readonly valFiles: string;
}

function preset(name: PresetName, dataMin: number, dataMax: number, trainFiles: string, valFiles: string, fileSize = 500): DatasetPreset {
  return { name, k: 1, dataMin, dataMax, labelMin: 1500, labelMax: 4500, fileSize, trainFiles, valFiles };
}

const faultA = 'seis/vel{2,3,4}_1_{0..31}';
const faultB = 'seis/vel{6,7,8}_1_{0..31}';

export const PRESETS: readonly DatasetPreset[] = [
  preset('flatvel-a', -26.95, 52.77, 'data/model 1–48', 'data/model 49–60'),
  preset('flatvel-b', -27.17, 56.05, 'data/model 1–48', 'data/model 49–60'),
  preset('curvevel-a', -27.11, 55.1, 'data/model 1–48', 'data/model 49–60'),
  preset('curvevel-b', -29.04, 57.03, 'data/model 1–48', 'data/model 49–60'),
  preset('flatfault-a', -26.1, 50.86, faultA, 'seis/vel{2,3,4}_1_{32..35}'),
  preset('flatfault-b', -24.86, 50.28, faultB, 'seis/vel{6,7,8}_1_{32..35}'),
  preset('curvefault-a', -26.48, 52.32, faultA, 'seis/vel{2,3,4}_1_{32..35}'),
  preset('curvefault-b', -24.93, 50.98, faultB, 'seis/vel{6,7,8}_1_{32..35}'),
  preset('style-a', -24.96, 48.93, 'data/model 1–120', 'data/model 121–134'),
  preset('style-b', -23.76, 46.01, 'data/model 1–120', 'data/model 121–134'),
  preset('flatvel-tutorial', -26.95, 52.77, 'data/model, 120 samples a file', '', 120),
];

/** The named preset; an unknown name is a FwiError listing the valid ones. */
export function getPreset(name: string): DatasetPreset {
  const p = PRESETS.find((q) => q.name === name);
  if (!p) throw new FwiError('config', `unknown dataset preset "${name}" (have: ${[...PRESET_NAMES, 'custom', 'auto'].join(', ')})`);
  return p;
}

/** Just the normalisation part of a preset. */
export function transformOf(p: TransformConfig): TransformConfig {
  return { k: p.k, dataMin: p.dataMin, dataMax: p.dataMax, labelMin: p.labelMin, labelMax: p.labelMax };
}

/** Value ranges found by scanning a dataset; label limits are null for seismic-only data. */
export interface ValueRanges {
  dataMin: number;
  dataMax: number;
  labelMin: number | null;
  labelMax: number | null;
  /** Samples scanned. */
  samples: number;
}

/**
 * The named preset whose seismic limits lie nearest the given ones (largest relative gap of
 * data_min and data_max), with that gap; ties go to the first in table order.
 */
export function closestPreset(r: { dataMin: number; dataMax: number }): { preset: DatasetPreset; relativeGap: number } {
  let best = PRESETS[0];
  let bestGap = Infinity;
  for (const p of PRESETS) {
    const gap = Math.max(Math.abs(r.dataMin - p.dataMin) / Math.abs(p.dataMin), Math.abs(r.dataMax - p.dataMax) / Math.abs(p.dataMax));
    if (gap < bestGap) {
      best = p;
      bestGap = gap;
    }
  }
  return { preset: best, relativeGap: bestGap };
}

/** Checks user-supplied limits: finite, min < max, k > 0; a FwiError naming the bad field otherwise. */
export function validateTransform(t: TransformConfig): TransformConfig {
  for (const key of ['k', 'dataMin', 'dataMax', 'labelMin', 'labelMax'] as const) {
    if (typeof t[key] !== 'number' || !Number.isFinite(t[key])) throw new FwiError('config', `transform limit ${key} must be a finite number, got ${String(t[key])}`);
  }
  if (!(t.k > 0)) throw new FwiError('config', `log-transform k must be positive, got ${t.k}`);
  if (!(t.dataMin < t.dataMax)) throw new FwiError('config', `dataMin (${t.dataMin}) must be below dataMax (${t.dataMax})`);
  if (!(t.labelMin < t.labelMax)) throw new FwiError('config', `labelMin (${t.labelMin}) must be below labelMax (${t.labelMax})`);
  return transformOf(t);
}

/** What a preset choice resolves to: the transform, the named preset (if any) and, for `auto`, the scan. */
export interface ResolvedPreset {
  /** A PresetChoice, or the name of an imported dataset_config.json entry. */
  choice: string;
  transform: TransformConfig;
  /** The named preset used, or for `auto`/`custom` the closest one. */
  preset: DatasetPreset;
  relativeGap: number;
  ranges: ValueRanges | null;
}

/**
 * Resolves a preset choice to transform limits: a built-in preset, an entry of an imported
 * dataset_config.json (`datasetConfig`), `custom` (needs `custom` limits), or `auto`, which calls
 * `scan` once (a streaming pass over the dataset) and uses the observed limits, falling back to the
 * closest preset's velocity limits for seismic-only data.
 */
export async function resolvePreset(
  choice: string,
  opts: { custom?: TransformConfig; scan?: () => Promise<ValueRanges>; datasetConfig?: readonly DatasetConfigEntry[] } = {},
): Promise<ResolvedPreset> {
  const imported = opts.datasetConfig?.find((e) => e.name === choice && !PRESETS.some((p) => p.name === e.name));
  if (imported) {
    const transform = transformOf(imported);
    return { choice, transform, ...closestPreset(transform), ranges: null };
  }
  if (choice === 'custom') {
    if (!opts.custom) throw new FwiError('config', 'the custom preset needs dataMin, dataMax, labelMin and labelMax');
    const transform = validateTransform(opts.custom);
    return { choice, transform, ...closestPreset(transform), ranges: null };
  }
  if (choice === 'auto') {
    if (!opts.scan) throw new FwiError('config', 'the auto preset needs a dataset to scan');
    const ranges = await opts.scan();
    if (ranges.samples === 0) throw new FwiError('config', 'the auto preset cannot scan an empty dataset');
    const { preset, relativeGap } = closestPreset(ranges);
    const transform = validateTransform({
      k: 1,
      dataMin: ranges.dataMin,
      dataMax: ranges.dataMax,
      labelMin: ranges.labelMin ?? preset.labelMin,
      labelMax: ranges.labelMax ?? preset.labelMax,
    });
    return { choice, transform, preset, relativeGap, ranges };
  }
  const known = opts.datasetConfig?.filter((e) => !PRESETS.some((p) => p.name === e.name)).map((e) => e.name) ?? [];
  if (known.length && !PRESETS.some((p) => p.name === choice)) {
    throw new FwiError('config', `unknown dataset preset "${choice}" (have: ${[...PRESET_NAMES, ...known, 'custom', 'auto'].join(', ')})`);
  }
  const preset = getPreset(choice);
  return { choice: preset.name, transform: transformOf(preset), preset, relativeGap: 0, ranges: null };
}
