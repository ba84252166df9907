/**
 * The `args` entry of an OpenFWI `checkpoint.pth`: gan_train.py saves its `argparse.Namespace`
 * there (the safe unpickler reads it as plain fields; nothing is run). Its `dataset` name and `k`
 * give the normalisation the networks were trained with, as a safetensors file's metadata does;
 * `batch_size`, `n_critic`, the loss weights and `epochs` give the rest of the recipe.
 *
 * The studio's own `checkpoint.pth` writes `args` as a plain dict with the same field names (a
 * Namespace would not load with `torch.load(weights_only=True)`; gan_train never reads `args` on
 * `--resume`), plus `studio_config`, the run's whole configuration as JSON, so that a run handed
 * to PyTorch and back keeps its exact transform, widths, seed and schedule.
 */
import { validateConfig, type TrainConfig, type TransformConfig } from '../config.ts';
import type { DatasetConfigEntry } from '../data/datasetConfig.ts';
import { getPreset, PRESET_NAMES, transformOf, validateTransform } from '../data/presets.ts';
import { FwiError } from '../errors.ts';
import { PyFloat, type PyWritable } from '../io/pickle.ts';
import { storedTrainingOf, type StoredTraining } from './weightsMetadata.ts';

/** What `args` says about the training, read as plain fields. */
export interface OpenFwiArgsTraining {
  /** The normalisation, when `args` names a dataset this build knows (or `studio_config` holds it); else null. */
  stored: StoredTraining | null;
  /** The recipe fields `args` holds, in the studio's names (only those present and valid). */
  recipe: Partial<Pick<TrainConfig, 'batchSize' | 'nCritic' | 'epochs' | 'lambda' | 'weightDecay' | 'lrGenerator' | 'lrCritic'>>;
  /** The whole studio configuration, for checkpoints this studio wrote. */
  config: TrainConfig | null;
  /** Why `args` gave no normalisation (e.g. a dataset name that is not a preset); null when it did or there are no args. */
  note: string | null;
}

type Plain = unknown;

/** The field name the studio's own exports keep their whole configuration under. */
export const STUDIO_CONFIG_ARG = 'studio_config';

/** The dataset name gan_train's `-ds` gets for this configuration: the preset's own when OpenFWI has it, else a new entry. */
export function openFwiDatasetName(config: TrainConfig): string {
  return (PRESET_NAMES as readonly string[]).includes(config.preset) ? config.preset : 'velocitygan-studio';
}

/** `args` as the studio writes it: gan_train's field names and values for this configuration, plus `studio_config`. */
export function openFwiArgsEntries(config: TrainConfig): [string, PyWritable][] {
  const f = (x: number) => new PyFloat(x);
  return [
    ['dataset', openFwiDatasetName(config)],
    ['model', 'InversionNet'],
    ['model_d', 'Discriminator'],
    ['batch_size', config.batchSize],
    ['lr_g', f(config.lrGenerator)],
    ['lr_d', f(config.lrCritic)],
    ['weight_decay', f(config.weightDecay)],
    ['n_critic', config.nCritic],
    ['lambda_g1v', f(config.lambda.g1v)],
    ['lambda_g2v', f(config.lambda.g2v)],
    ['lambda_adv', f(config.lambda.adv)],
    ['lambda_gp', f(config.lambda.gp)],
    ['k', f(config.transform.k)],
    ['epochs', config.epochs],
    ['epoch_block', config.epochs],
    ['num_block', 1],
    ['lr_milestones', []],
    ['lr_warmup_epochs', 0],
    ['sample_spatial', f(1)],
    ['sample_temporal', 1],
    [STUDIO_CONFIG_ARG, JSON.stringify(config)],
  ];
}

function finite(v: Plain): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function whole(v: Plain): v is number {
  return finite(v) && Number.isInteger(v) && v >= 1;
}

/**
 * What an OpenFWI `args` (plain fields) says about the training at these step counts. A dataset
 * name is looked up among the built-in presets, then in `datasetConfig`; `k` comes from `args`.
 * A malformed `studio_config` or `k` is a FwiError naming the file: a wrong transform would score wrongly.
 */
export function trainingOfArgs(
  args: Record<string, Plain> | null,
  steps: { generatorStep: number; criticStep: number },
  file: string,
  datasetConfig: readonly DatasetConfigEntry[] = [],
): OpenFwiArgsTraining {
  if (!args) return { stored: null, recipe: {}, config: null, note: null };
  const studio = args[STUDIO_CONFIG_ARG];
  if (typeof studio === 'string') {
    let raw: unknown;
    try {
      raw = JSON.parse(studio);
    } catch {
      throw new FwiError('weights', `args.${STUDIO_CONFIG_ARG} is not JSON`, file);
    }
    const { config, errors } = validateConfig(raw);
    const bad = Object.entries(errors);
    if (bad.length) throw new FwiError('weights', `args.${STUDIO_CONFIG_ARG} is not a valid configuration: ${bad.map(([k, m]) => `${k} ${m}`).join('; ')}`, file);
    const { batchSize, nCritic, epochs, lambda, weightDecay, lrGenerator, lrCritic } = config;
    return { stored: storedTrainingOf(config, steps), recipe: { batchSize, nCritic, epochs, lambda, weightDecay, lrGenerator, lrCritic }, config, note: null };
  }
  const recipe: OpenFwiArgsTraining['recipe'] = {};
  if (whole(args.batch_size)) recipe.batchSize = args.batch_size;
  if (whole(args.n_critic)) recipe.nCritic = args.n_critic;
  if (whole(args.epochs)) recipe.epochs = args.epochs;
  if (finite(args.weight_decay)) recipe.weightDecay = args.weight_decay;
  if (finite(args.lr_g)) recipe.lrGenerator = args.lr_g;
  if (finite(args.lr_d)) recipe.lrCritic = args.lr_d;
  if ([args.lambda_g1v, args.lambda_g2v, args.lambda_adv, args.lambda_gp].every(finite)) {
    recipe.lambda = { g1v: args.lambda_g1v as number, g2v: args.lambda_g2v as number, adv: args.lambda_adv as number, gp: args.lambda_gp as number };
  }
  const dataset = args.dataset;
  if (typeof dataset !== 'string') return { stored: null, recipe, config: null, note: 'its args name no dataset' };
  // gan_train's --k defaults to 1; a k that is there must be usable.
  const k = args.k === undefined ? 1 : args.k;
  if (!finite(k) || !(k > 0)) throw new FwiError('weights', `args.k is ${JSON.stringify(k)}, not a positive number`, file);
  let base: TransformConfig | null = null;
  if ((PRESET_NAMES as readonly string[]).includes(dataset)) base = transformOf(getPreset(dataset));
  else {
    const entry = datasetConfig.find((e) => e.name === dataset);
    if (entry) base = transformOf(entry);
  }
  if (!base) {
    return {
      stored: null,
      recipe,
      config: null,
      note: `its args name dataset "${dataset}", which is neither a built-in preset nor an entry of the dataset_config.json given`,
    };
  }
  const transform = validateTransform({ ...base, k });
  return {
    // Widths are the state dicts' business: args do not hold them.
    stored: { preset: dataset, transform, generatorWidths: [], criticWidths: [], ...steps, config: null, producerVersion: '' },
    recipe,
    config: null,
    note: null,
  };
}
