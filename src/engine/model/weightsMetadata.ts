/**
 * Self-describing weights: what every `.safetensors` the studio or the CLI writes says about
 * itself in its (string-valued) metadata, so that a file on its own is enough to evaluate it the
 * way it was trained: the normalisation (transform and preset name), the widths of both networks,
 * the step counts, the whole configuration and the version that wrote it. docs/data.md lists the
 * keys. Any weights reader (safetensors, checkpoint folders and bundles, other formats) hands its
 * result on with an optional `StoredTraining`; `chooseTransform` applies one rule to all of them.
 */
import { version as PROJECT_VERSION } from '../../../package.json';
import { validateConfig, type TrainConfig, type TransformConfig } from '../config.ts';
import { validateTransform } from '../data/presets.ts';
import { FwiError } from '../errors.ts';
import type { SafeTensor } from '../io/safetensors.ts';

export { PROJECT_VERSION };

/** What a weights file is: one network, an optimiser's moments, or a whole checkpoint bundle. */
export type WeightsRole = 'generator' | 'critic' | 'optimizer_generator' | 'optimizer_critic' | 'checkpoint';

export const PRODUCER = 'VelocityGAN Studio';

/** What weights say about the run that made them. */
export interface StoredTraining {
  /** The preset choice of the run ('flatvel-a', 'auto', 'custom', a dataset_config.json entry…). */
  preset: string;
  transform: TransformConfig;
  generatorWidths: number[];
  criticWidths: number[];
  generatorStep: number;
  criticStep: number;
  /** The run's whole configuration (absent only where the writer did not store it). */
  config: TrainConfig | null;
  /** The project version that wrote the file ('' when unknown). */
  producerVersion: string;
}

/** Generator (or critic) weights as any reader hands them on: PyTorch-named tensors and what the file says about its training. */
export interface LoadedWeights {
  tensors: Map<string, SafeTensor>;
  /** Null for weights that store no training facts (PyTorch, OpenFWI, older studio files). */
  stored: StoredTraining | null;
  /** Why a file that could have said its normalisation did not (an OpenFWI dataset name this build does not know). */
  note?: string;
}

/** The transform in OpenFWI's dataset_config.json names, as written into the metadata. */
function transformJson(t: TransformConfig): string {
  return JSON.stringify({ k: t.k, data_min: t.dataMin, data_max: t.dataMax, label_min: t.labelMin, label_max: t.labelMax });
}

/** The metadata of a weights file of `role` from a run with this configuration at these steps. */
export function weightsMetadata(role: WeightsRole, config: TrainConfig, steps: { generatorStep: number; criticStep: number }): Record<string, string> {
  return {
    format: 'pt',
    producer: PRODUCER,
    producer_version: PROJECT_VERSION,
    network: role,
    preset: config.preset,
    transform: transformJson(config.transform),
    generator_widths: JSON.stringify(config.generatorWidths),
    critic_widths: JSON.stringify(config.criticWidths),
    generator_step: String(steps.generatorStep),
    critic_step: String(steps.criticStep),
    config: JSON.stringify(config),
  };
}

/** The same facts as a checkpoint records them (for checkpoints whose weight files predate the metadata). */
export function storedTrainingOf(config: TrainConfig, steps: { generatorStep: number; criticStep: number }, producerVersion = ''): StoredTraining {
  return {
    preset: config.preset,
    transform: { ...config.transform },
    generatorWidths: [...config.generatorWidths],
    criticWidths: [...config.criticWidths],
    generatorStep: steps.generatorStep,
    criticStep: steps.criticStep,
    config,
    producerVersion,
  };
}

/**
 * What a file's metadata says about its training, or null when it carries no transform (weights
 * from PyTorch, OpenFWI or an older studio). Present but malformed entries are a FwiError naming
 * the file and the key: a wrong transform would silently give wrong scores.
 */
export function readStoredTraining(metadata: Record<string, string>, file: string): StoredTraining | null {
  if (metadata.transform === undefined) return null;
  const fail = (key: string, why: string): never => {
    throw new FwiError('weights', `metadata "${key}" ${why}`, file);
  };
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]);
    } catch {
      return fail(key, `is not JSON: ${JSON.stringify(metadata[key].slice(0, 80))}`);
    }
  };
  const t = json('transform') as Record<string, unknown> | null;
  if (typeof t !== 'object' || t === null) fail('transform', 'is not an object of k, data_min, data_max, label_min, label_max');
  let transform: TransformConfig;
  try {
    transform = validateTransform({ k: t!.k as number, dataMin: t!.data_min as number, dataMax: t!.data_max as number, labelMin: t!.label_min as number, labelMax: t!.label_max as number });
  } catch (e) {
    return fail('transform', `is invalid: ${(e as Error).message}`);
  }
  const widths = (key: string, n: number): number[] => {
    if (metadata[key] === undefined) return [];
    const w = json(key);
    if (!Array.isArray(w) || w.length !== n || !w.every((x) => Number.isInteger(x) && x >= 1)) fail(key, `must be a list of ${n} whole widths, got ${metadata[key]}`);
    return w as number[];
  };
  const step = (key: string): number => {
    if (metadata[key] === undefined) return 0;
    const s = Number(metadata[key]);
    if (!Number.isSafeInteger(s) || s < 0) fail(key, `must be a whole number, got ${JSON.stringify(metadata[key])}`);
    return s;
  };
  let config: TrainConfig | null = null;
  if (metadata.config !== undefined) {
    const { config: c, errors } = validateConfig(json('config'));
    const bad = Object.entries(errors);
    if (bad.length) fail('config', `is not a valid configuration: ${bad.map(([k, m]) => `${k} ${m}`).join('; ')}`);
    config = c;
  }
  return {
    preset: metadata.preset || config?.preset || 'custom',
    transform,
    generatorWidths: widths('generator_widths', 5),
    criticWidths: widths('critic_widths', 4),
    generatorStep: step('generator_step'),
    criticStep: step('critic_step'),
    config,
    producerVersion: metadata.producer_version ?? '',
  };
}

/** One line describing a transform, for messages. */
export function describeTransform(preset: string, t: TransformConfig): string {
  return `${preset} (k ${t.k}, seismic ${t.dataMin} … ${t.dataMax}, velocity ${t.labelMin} … ${t.labelMax} m/s)`;
}

export function sameTransform(a: TransformConfig, b: TransformConfig): boolean {
  return a.k === b.k && a.dataMin === b.dataMin && a.dataMax === b.dataMax && a.labelMin === b.labelMin && a.labelMax === b.labelMax;
}

/** The transform to evaluate with, where it came from, and what to tell the user (null: nothing to say). */
export interface TransformChoice {
  preset: string;
  transform: TransformConfig;
  from: 'weights' | 'explicit' | 'assumed';
  /** A warning when an explicit choice overrides a different stored one; a note when a transform is assumed. */
  message: string | null;
}

/**
 * The one rule for every weights reader: an explicit choice wins, with a warning naming both when
 * the weights were trained with a different transform; otherwise the stored transform; weights that
 * store none keep the fallback (today's default), and the message says which was assumed.
 */
export function chooseTransform(
  stored: StoredTraining | null,
  explicit: { preset: string; transform: TransformConfig } | null,
  fallback: { preset: string; transform: TransformConfig },
): TransformChoice {
  if (explicit) {
    const differs = stored !== null && !sameTransform(stored.transform, explicit.transform);
    return {
      ...explicit,
      from: 'explicit',
      message: differs
        ? `the weights were trained with ${describeTransform(stored!.preset, stored!.transform)}, but ${describeTransform(explicit.preset, explicit.transform)} was chosen: using the chosen one (leave the preset unset to use the stored one)`
        : null,
    };
  }
  if (stored) return { preset: stored.preset, transform: { ...stored.transform }, from: 'weights', message: null };
  return {
    ...fallback,
    from: 'assumed',
    message: `the weights store no normalisation (not written by this studio): assuming ${describeTransform(fallback.preset, fallback.transform)}`,
  };
}
