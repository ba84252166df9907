/**
 * The training configuration: one typed object shared by the trainer, the CLI, the worker protocol
 * and the studio's form. Defaults are OpenFWI's "ℓ1" VelocityGAN run (VELOCITYGAN.md §4); the
 * PaddleScience schedule is a preset. `validateConfig` is the single gate for anything that comes
 * from outside (an imported JSON, a form, CLI flags): it reports every bad field with the reason.
 */
import { FwiError } from './errors.ts';
import { widthPresets, type WidthPreset } from './model/widths.ts';

export type ScheduleName = 'openfwi' | 'paddle';
export type WidthPresetName = 'full' | 'half' | 'small' | 'tiny' | 'custom';

/** The limits a dataset is normalised with (OpenFWI's `k`, `data_min/max`, `label_min/max`). */
export interface TransformConfig {
  /** Log-transform gain k in sign(x)·ln(1 + |k·x|). */
  k: number;
  dataMin: number;
  dataMax: number;
  labelMin: number;
  labelMax: number;
}

export interface LossWeights {
  g1v: number;
  g2v: number;
  adv: number;
  gp: number;
}

export interface TrainConfig {
  /** Dataset preset name ('flatvel-a', …), 'auto' (scan the data) or 'custom' (transform as given). */
  preset: string;
  transform: TransformConfig;
  schedule: ScheduleName;
  /** OpenFWI: a generator step every nCritic batches. PaddleScience: nCritic critic steps then one generator step. */
  nCritic: number;
  widthPreset: WidthPresetName;
  generatorWidths: [number, number, number, number, number];
  criticWidths: [number, number, number, number];
  batchSize: number;
  epochs: number;
  lrGenerator: number;
  lrCritic: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  lambda: LossWeights;
  seed: number;
  /** Shuffle batches each epoch (OpenFWI: yes; PaddleScience: no). */
  shuffle: boolean;
  /** Run validation every this many epochs (the last epoch always validates). */
  valEvery: number;
  /** Emit predicted velocity maps of the fixed validation samples every this many generator steps. */
  snapshotEvery: number;
  /** Save a checkpoint at least this often during training (minutes). */
  checkpointMinutes: number;
}

/** The networks' width presets (model/widths.ts), by the names a configuration uses. */
export const WIDTH_PRESETS: Record<Exclude<WidthPresetName, 'custom'>, WidthPreset> = widthPresets;

/** OpenFWI's benchmark defaults (the "ℓ1" run) on FlatVel-A. */
export function defaultConfig(): TrainConfig {
  return {
    preset: 'flatvel-a',
    transform: { k: 1, dataMin: -26.95, dataMax: 52.77, labelMin: 1500, labelMax: 4500 },
    schedule: 'openfwi',
    nCritic: 5,
    widthPreset: 'full',
    generatorWidths: [...WIDTH_PRESETS.full.generator],
    criticWidths: [...WIDTH_PRESETS.full.critic],
    batchSize: 64,
    epochs: 500,
    lrGenerator: 1e-4,
    lrCritic: 1e-4,
    betas: [0, 0.9],
    eps: 1e-8,
    weightDecay: 1e-4,
    lambda: { g1v: 100, g2v: 0, adv: 1, gp: 10 },
    seed: 0,
    shuffle: true,
    valEvery: 1,
    snapshotEvery: 10,
    checkpointMinutes: 3,
  };
}

/** The schedule-specific settings of each schedule preset, applied on top of a config. */
export function applySchedulePreset(config: TrainConfig, schedule: ScheduleName): TrainConfig {
  if (schedule === 'paddle') {
    return { ...config, schedule, nCritic: 3, betas: [0.9, 0.999], shuffle: false, seed: 42 };
  }
  return { ...config, schedule, nCritic: 5, betas: [0, 0.9], shuffle: true };
}

/** Sets the width preset and the widths it names. */
export function applyWidthPreset(config: TrainConfig, preset: Exclude<WidthPresetName, 'custom'>): TrainConfig {
  const w = WIDTH_PRESETS[preset];
  return { ...config, widthPreset: preset, generatorWidths: [...w.generator], criticWidths: [...w.critic] };
}

export type ConfigErrors = Record<string, string>;

type Check = (v: unknown) => string | null;
const finite: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a finite number');
const positiveInt: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 ? null : 'must be a whole number ≥ 1';
const nonNegative: Check = (v) => finite(v) ?? ((v as number) >= 0 ? null : 'must be ≥ 0');
const positive: Check = (v) => finite(v) ?? ((v as number) > 0 ? null : 'must be > 0');
const beta: Check = (v) => finite(v) ?? ((v as number) >= 0 && (v as number) < 1 ? null : 'must be in [0, 1)');

/**
 * Checks every field of a candidate config; returns the config (defaults filled in for missing
 * fields) and one message per bad field, keyed by its path ('lambda.gp', 'betas.0', …).
 */
export function validateConfig(raw: unknown): { config: TrainConfig; errors: ConfigErrors } {
  const errors: ConfigErrors = {};
  const base = defaultConfig();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { config: base, errors: { '': 'the configuration must be a JSON object' } };
  }
  const r = raw as Record<string, unknown>;
  const known = new Set(Object.keys(base));
  for (const key of Object.keys(r)) if (!known.has(key)) errors[key] = 'unknown setting';
  // The two nested groups must be objects of known keys: a string or a list there is an error, not the defaults.
  const group = (key: 'transform' | 'lambda'): object => {
    const v = r[key];
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors[key] = 'must be an object';
      return {};
    }
    for (const k of Object.keys(v)) if (!Object.hasOwn(base[key], k)) errors[`${key}.${k}`] = 'unknown setting';
    return v;
  };
  const config: TrainConfig = {
    ...base,
    ...(r as Partial<TrainConfig>),
    transform: { ...base.transform, ...group('transform') },
    lambda: { ...base.lambda, ...group('lambda') },
  };
  const check = (path: string, value: unknown, c: Check) => {
    const msg = c(value);
    if (msg) errors[path] = msg;
  };

  if (typeof config.preset !== 'string' || config.preset.length === 0) errors.preset = 'must name a preset, "auto" or "custom"';
  if (config.schedule !== 'openfwi' && config.schedule !== 'paddle') errors.schedule = 'must be "openfwi" or "paddle"';
  if (!['full', 'half', 'small', 'tiny', 'custom'].includes(config.widthPreset)) errors.widthPreset = 'must be full, half, small, tiny or custom';
  const widthList = (path: string, v: unknown, n: number) => {
    if (!Array.isArray(v) || v.length !== n) {
      errors[path] = `must be a list of ${n} widths`;
      return;
    }
    v.forEach((x, i) => check(`${path}.${i}`, x, positiveInt));
  };
  widthList('generatorWidths', config.generatorWidths, 5);
  widthList('criticWidths', config.criticWidths, 4);

  const t = config.transform;
  check('transform.k', t.k, positive);
  check('transform.dataMin', t.dataMin, finite);
  check('transform.dataMax', t.dataMax, finite);
  check('transform.labelMin', t.labelMin, finite);
  check('transform.labelMax', t.labelMax, finite);
  if (!errors['transform.dataMax'] && !errors['transform.dataMin'] && t.dataMax <= t.dataMin) errors['transform.dataMax'] = 'must be greater than the data minimum';
  if (!errors['transform.labelMax'] && !errors['transform.labelMin'] && t.labelMax <= t.labelMin) errors['transform.labelMax'] = 'must be greater than the velocity minimum';

  check('nCritic', config.nCritic, positiveInt);
  check('batchSize', config.batchSize, positiveInt);
  if (!errors.batchSize && config.batchSize < 2) errors.batchSize = 'must be at least 2 (BatchNorm needs two samples)';
  check('epochs', config.epochs, positiveInt);
  check('lrGenerator', config.lrGenerator, positive);
  check('lrCritic', config.lrCritic, positive);
  if (!Array.isArray(config.betas) || config.betas.length !== 2) errors.betas = 'must be two numbers';
  else config.betas.forEach((b, i) => check(`betas.${i}`, b, beta));
  check('eps', config.eps, positive);
  check('weightDecay', config.weightDecay, nonNegative);
  check('lambda.g1v', config.lambda.g1v, nonNegative);
  check('lambda.g2v', config.lambda.g2v, nonNegative);
  check('lambda.adv', config.lambda.adv, nonNegative);
  check('lambda.gp', config.lambda.gp, nonNegative);
  if (!errors['lambda.g1v'] && !errors['lambda.g2v'] && config.lambda.g1v === 0 && config.lambda.g2v === 0 && config.lambda.adv === 0) {
    errors['lambda.adv'] = 'at least one generator loss weight must be > 0';
  }
  check('seed', config.seed, (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32 ? null : 'must be a whole number in [0, 2³²)'));
  if (typeof config.shuffle !== 'boolean') errors.shuffle = 'must be true or false';
  check('valEvery', config.valEvery, positiveInt);
  check('snapshotEvery', config.snapshotEvery, positiveInt);
  check('checkpointMinutes', config.checkpointMinutes, positive);
  return { config, errors };
}

/** Parses an imported configuration JSON; throws FwiError('config') listing every bad field. */
export function parseConfigJson(text: string, file = 'configuration'): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('config', `not valid JSON (${(e as Error).message})`, file);
  }
  const { config, errors } = validateConfig(raw);
  const bad = Object.entries(errors);
  if (bad.length) throw new FwiError('config', bad.map(([k, m]) => `${k || 'config'} ${m}`).join('; '), file);
  return config;
}

/** The configuration as pretty JSON, for export and for checkpoints. */
export function configToJson(config: TrainConfig): string {
  return JSON.stringify(config, null, 2);
}
