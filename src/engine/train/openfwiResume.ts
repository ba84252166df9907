/**
 * An OpenFWI `checkpoint.pth` (gan_train.py's layout, written by PyTorch or by this studio) as a
 * studio checkpoint to continue: `fwi train --resume checkpoint.pth` and the studio's import both
 * start a new run at it through RunSession.startFromCheckpoint.
 *
 * From the file: both networks (`model`, `model_d`); both `torch.optim.AdamW` states (moments by
 * parameter index in PyTorch's `parameters()` order, the step count, lr, betas, eps, weight decay:
 * the rate in effect, as gan_train's `load_state_dict` restores it); `epoch` (the last completed
 * one) and `step` (batches trained), which place the run; `args` (the dataset name and k give the
 * normalisation, the recipe its batch size, n_critic, loss weights and epochs; the studio's own
 * files keep their whole configuration there).
 *
 * Not in the file, so made here and named in `NOT_STORED_BY_OPENFWI` for the user: the
 * gradient-penalty α stream (recomputed from the seed and the critic step count: exactly the
 * stream a run trained here from that seed would continue with), the batch order (the studio's
 * shuffle by seed and epoch; OpenFWI's RandomSampler order is not saved), the validation
 * history, the training time and any samples left out for non-finite values.
 */
import { defaultConfig, validateConfig, WIDTH_PRESETS, type TrainConfig, type TransformConfig, type WidthPresetName } from '../config.ts';
import type { DatasetConfigEntry } from '../data/datasetConfig.ts';
import { FwiError } from '../errors.ts';
import { toFloat32 } from '../io/safetensors.ts';
import { TorchTensor } from '../io/torchSave.ts';
import { trainingOfArgs } from '../model/openfwiArgs.ts';
import { widthsFromStateDict } from '../model/stateDict.ts';
import type { OpenFwiState, PlainValue, TensorMap, WeightsFile } from '../model/weightsFile.ts';
import { chooseTransform, describeTransform, type TransformChoice } from '../model/weightsMetadata.ts';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint } from './checkpoint.ts';
import { parameterOrder } from './openfwiCheckpoint.ts';
import { alphaStreamState } from './trainer.ts';

/** Settings the caller gives explicitly (flags, the studio's form); each wins over the file, with a warning where it differs. */
export interface OpenFwiResumeSettings {
  seed?: number;
  batchSize?: number;
  nCritic?: number;
  epochs?: number;
  valEvery?: number;
  checkpointMinutes?: number;
}

export interface OpenFwiResumeOptions {
  /** The file's name, for messages. */
  file: string;
  /** Full batches per epoch of the data the run will train on (places a run saved mid-epoch); null when not known yet. */
  iterationsPerEpoch: (batchSize: number) => number | null;
  /** An explicit preset choice (wins, with a warning when the file stores another transform). */
  explicit: { preset: string; transform: TransformConfig } | null;
  /** The transform assumed when the file stores none (today's default, flatvel-a). */
  fallback: { preset: string; transform: TransformConfig };
  /** dataset_config.json entries that `args.dataset` may name. */
  datasetConfig?: readonly DatasetConfigEntry[];
  settings?: OpenFwiResumeSettings;
  /** Save time of the converted checkpoint (default now). */
  now?: () => Date;
}

export interface OpenFwiResume {
  checkpoint: Checkpoint;
  /** The transform used and where it came from (the file's args, explicit, or assumed). */
  transform: TransformChoice;
  /** Where the file places the run: OpenFWI's counters as read. */
  openfwi: { epoch: number; step: number };
  /** Where a flag overrides the file, the file's schedule changes the rate, or the step does not fit the data. */
  warnings: string[];
  /** True when `args` holds a configuration this studio wrote (the run's seed is then the file's own). */
  fromStudio: boolean;
}

/** What gan_train's checkpoint.pth does not hold and a run continued from one makes afresh (the CLI, the studio and the README say it). */
export const NOT_STORED_BY_OPENFWI =
  'the gradient-penalty random stream (recomputed from the seed and the critic step: exactly the stream of a run trained here ' +
  'from that seed), the batch order (the studio shuffles by seed and epoch; OpenFWI\'s sampler order is not saved), the validation ' +
  'history (the curves start here), the training time and the samples left out for non-finite values';

type AdamWRead = { step: number; moments: TensorMap; lr: number; betas: [number, number]; eps: number; weightDecay: number };

function isObject(v: PlainValue | undefined): v is { [key: string]: PlainValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof TorchTensor);
}

function num(v: PlainValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // PyTorch ≥ 1.12 keeps AdamW's step as a 0-d float tensor.
  if (v instanceof TorchTensor && v.shape.length === 0) return Number(v.data[0]);
  return null;
}

/** A `torch.optim.AdamW.state_dict()` as the studio's moments (`m.<param>`, `v.<param>`, PyTorch layouts) and hyper-parameters. */
function adamwOf(v: PlainValue | undefined, key: string, order: string[], weights: TensorMap, file: string): AdamWRead {
  const fail = (why: string): never => {
    throw new FwiError('weights', `${key}: ${why}`, file);
  };
  if (!isObject(v) || !isObject(v.state) || !Array.isArray(v.param_groups)) return fail('is not a torch.optim optimizer state dict (state, param_groups)');
  if (v.param_groups.length !== 1) fail(`has ${v.param_groups.length} parameter groups; gan_train's AdamW has one`);
  const group = v.param_groups[0];
  if (!isObject(group)) return fail('its parameter group is not a dict');
  const lr = num(group.lr);
  const eps = num(group.eps);
  const weightDecay = num(group.weight_decay);
  const betas = Array.isArray(group.betas) ? group.betas.map(num) : [];
  if (lr === null || eps === null || weightDecay === null || betas.length !== 2 || betas.some((b) => b === null)) {
    fail('its parameter group lacks lr, betas, eps or weight_decay (not AdamW?)');
  }
  if (group.amsgrad === true) fail('uses AMSGrad, which OpenFWI\'s AdamW (and the studio\'s) does not');
  if (group.maximize === true) fail('maximises; OpenFWI\'s AdamW minimises');
  const params = Array.isArray(group.params) ? group.params : [];
  const byIndex = v.state;
  if (params.length !== order.length) fail(`holds ${params.length} parameters; the network at these widths has ${order.length}`);
  const moments: TensorMap = new Map();
  const steps = new Set<number>();
  let missing = 0;
  order.forEach((name, i) => {
    const entry = byIndex[String(params[i])];
    const weight = weights.get(name)!;
    if (entry === undefined) {
      missing++;
      const zeros = { dtype: 'F32', shape: [...weight.shape], data: new Float32Array(weight.data.length) };
      moments.set(`m.${name}`, zeros);
      moments.set(`v.${name}`, { ...zeros, data: new Float32Array(weight.data.length) });
      return;
    }
    if (!isObject(entry)) return fail(`state ${i} (${name}) is not a dict`);
    const step = num(entry.step);
    if (step === null || !Number.isInteger(step) || step < 0) return fail(`state ${i} (${name}) has no whole step count`);
    steps.add(step);
    for (const [which, moment] of [['m', entry.exp_avg], ['v', entry.exp_avg_sq]] as const) {
      if (!(moment instanceof TorchTensor)) return fail(`state ${i} (${name}) has no ${which === 'm' ? 'exp_avg' : 'exp_avg_sq'} tensor`);
      if (moment.shape.length !== weight.shape.length || moment.shape.some((d, j) => d !== weight.shape[j])) {
        return fail(`state ${i} is shaped [${moment.shape.join(', ')}], but parameter ${i} of the network (${name}) is [${weight.shape.join(', ')}]`);
      }
      moments.set(`${which}.${name}`, { dtype: 'F32', shape: [...moment.shape], data: toFloat32(moment) });
    }
  });
  if (missing > 0 && missing < order.length) fail(`holds state for ${order.length - missing} of ${order.length} parameters`);
  if (steps.size > 1) fail(`its parameters have different step counts (${[...steps].join(', ')})`);
  return { step: missing ? 0 : [...steps][0], moments, lr: lr!, betas: [betas[0]!, betas[1]!], eps: eps!, weightDecay: weightDecay! };
}

/** Floats as float32, counts as int64: the layouts the studio's checkpoints hold. */
function studioTensors(map: TensorMap): TensorMap {
  const out: TensorMap = new Map();
  for (const [k, t] of map) {
    const isCount = k.endsWith('num_batches_tracked');
    out.set(k, isCount ? { dtype: 'I64', shape: [...t.shape], data: BigInt64Array.from(Array.from(t.data as ArrayLike<number | bigint>, (x) => BigInt(x))) } : { dtype: 'F32', shape: [...t.shape], data: toFloat32(t) });
  }
  return out;
}

function widthPresetOf(generator: number[], critic: number[]): WidthPresetName {
  for (const [name, p] of Object.entries(WIDTH_PRESETS)) {
    if (p.generator.every((w, i) => w === generator[i]) && p.critic.every((w, i) => w === critic[i])) return name as WidthPresetName;
  }
  return 'custom';
}

/** Warnings for a WarmupMultiStepLR state that would still change the rate (the studio trains at a constant rate). */
function scheduleWarnings(state: OpenFwiState, lr: { generator: number; critic: number }): string[] {
  const schedulers = Array.isArray(state.lrSchedulers) ? state.lrSchedulers : [];
  const out: string[] = [];
  schedulers.forEach((s, i) => {
    if (!isObject(s)) return;
    const at = num(s.last_epoch) ?? 0;
    const ahead = (Array.isArray(s.milestones) ? s.milestones : []).map(num).filter((m): m is number => m !== null && m > at);
    const warmup = num(s.warmup_iters) ?? 0;
    const which = i === 0 ? 'generator' : 'critic';
    if (ahead.length || at < warmup) {
      out.push(
        `the ${which}'s scheduler would still change its rate (${[ahead.length ? `milestones at iteration ${ahead.join(', ')}` : '', at < warmup ? `warm-up until iteration ${warmup}` : ''].filter(Boolean).join(', ')}); ` +
          `the studio trains at a constant rate: continuing at the rate in effect, ${lr[which]}`,
      );
    }
  });
  return out;
}

/** An OpenFWI checkpoint.pth (read by `readWeightsFile`) as a studio checkpoint to continue; FwiError naming the file when it cannot be. */
export function checkpointFromOpenFwi(weights: WeightsFile, opts: OpenFwiResumeOptions): OpenFwiResume {
  const { file } = opts;
  const state = weights.openfwi;
  const lacking = [
    weights.generator ? null : 'model',
    weights.critic ? null : 'model_d',
    state?.optimizerGenerator ? null : 'optimizer_g',
    state?.optimizerCritic ? null : 'optimizer_d',
  ].filter((x): x is string => x !== null);
  if (!state || lacking.length) {
    throw new FwiError('weights', `not a training checkpoint to continue: it lacks ${lacking.join(', ')} (gan_train.py's checkpoint.pth has model, model_d, optimizer_g, optimizer_d, epoch and step); evaluate it as weights instead`, file);
  }
  const generator = studioTensors(weights.generator!);
  const critic = studioTensors(weights.critic!);
  const generatorWidths = widthsFromStateDict('generator', generator, file) as TrainConfig['generatorWidths'];
  const criticWidths = widthsFromStateDict('critic', critic, file) as TrainConfig['criticWidths'];
  const shapes = { ...defaultConfig(), generatorWidths, criticWidths };
  for (const [key, kind, map] of [['model', 'generator', generator], ['model_d', 'critic', critic]] as const) {
    const absent = parameterOrder(kind, shapes).filter((name) => !map.has(name));
    if (absent.length) throw new FwiError('weights', `"${key}" lacks ${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ` and ${absent.length - 3} more` : ''}`, file);
  }
  const optG = adamwOf(state.optimizerGenerator ?? undefined, 'optimizer_g', parameterOrder('generator', shapes), generator, file);
  const optD = adamwOf(state.optimizerCritic ?? undefined, 'optimizer_d', parameterOrder('critic', shapes), critic, file);
  const steps = { generatorStep: optG.step, criticStep: optD.step };

  const args = trainingOfArgs(state.args, steps, file, opts.datasetConfig);
  const base: TrainConfig = args.config ?? { ...defaultConfig(), ...args.recipe };
  const warnings: string[] = [];
  const settings = opts.settings ?? {};
  // Seed, batch size and n_critic change the run: an explicit one that differs from the file's wins, with a warning.
  const recipe: [keyof OpenFwiResumeSettings & keyof TrainConfig, string, boolean][] = [
    ['seed', 'seed', args.config !== null],
    ['batchSize', 'batch size', args.config !== null || args.recipe.batchSize !== undefined],
    ['nCritic', 'n_critic', args.config !== null || args.recipe.nCritic !== undefined],
  ];
  for (const [key, words, stored] of recipe) {
    const value = settings[key];
    if (stored && value !== undefined && value !== base[key]) warnings.push(`${file} was trained with ${words} ${base[key]}, but ${value} was chosen: using ${value}`);
  }
  const transform = chooseTransform(args.stored, opts.explicit, opts.fallback);
  if (transform.from === 'assumed' && args.note) transform.message = `${transform.message} (${args.note})`;
  const lr = { generator: optG.lr, critic: optD.lr };
  const raw: TrainConfig = {
    ...base,
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
    preset: transform.preset,
    transform: { ...transform.transform },
    widthPreset: widthPresetOf(generatorWidths, criticWidths),
    generatorWidths,
    criticWidths,
    // The optimiser's own hyper-parameters are the ones it trained with (gan_train scales lr by the world size).
    lrGenerator: optG.lr,
    lrCritic: optD.lr,
    betas: optG.betas,
    eps: optG.eps,
    weightDecay: optG.weightDecay,
  };
  const { config, errors } = validateConfig(raw);
  const bad = Object.entries(errors);
  if (bad.length) throw new FwiError('weights', `its settings do not make a valid run: ${bad.map(([k, m]) => `${k} ${m}`).join('; ')}`, file);
  if (optD.betas.some((b, i) => b !== optG.betas[i]) || optD.eps !== optG.eps || optD.weightDecay !== optG.weightDecay) {
    warnings.push(`optimizer_d has other betas, eps or weight decay than optimizer_g; the studio uses optimizer_g's (${optG.betas.join(', ')}; ${optG.eps}; ${optG.weightDecay}) for both`);
  }
  warnings.push(...scheduleWarnings(state, lr));

  // OpenFWI's epoch is the last one completed; step counts batches. A step past the epoch's end is a run saved mid-epoch (the studio's exports).
  const epoch = Math.max(-1, Math.floor(state.epoch ?? -1));
  const batches = state.step ?? (config.schedule === 'paddle' ? optD.step + optG.step : optD.step);
  const position = { epoch: epoch + 1, iteration: 0 };
  const iterations = opts.iterationsPerEpoch(config.batchSize);
  if (iterations !== null && iterations > 0) {
    const extra = batches - position.epoch * iterations;
    if (extra > 0 && extra < iterations) position.iteration = extra;
    else if (extra !== 0) {
      warnings.push(
        `step ${batches} is not ${position.epoch} epochs of ${iterations} batches of this data (batch ${config.batchSize}): continuing at the start of epoch ${position.epoch + 1}, as gan_train would`,
      );
    }
  }
  const checkpoint: Checkpoint = {
    meta: {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      config,
      position,
      criticStep: optD.step,
      generatorStep: optG.step,
      optimizerSteps: { generator: optG.step, critic: optD.step },
      rngState: alphaStreamState(config, optD.step),
      skipped: [],
      elapsedSeconds: 0,
      validation: [],
      savedAt: (opts.now ?? (() => new Date()))().toISOString(),
    },
    generator,
    critic,
    optimizerGenerator: optG.moments,
    optimizerCritic: optD.moments,
  };
  return { checkpoint, transform, openfwi: { epoch, step: batches }, warnings, fromStudio: args.config !== null };
}

/** The AdamW step counts an OpenFWI checkpoint's optimiser states hold (0 where there are none), without checking them. */
export function openFwiSteps(state: OpenFwiState): { generatorStep: number; criticStep: number } {
  const first = (v: PlainValue | null): number => {
    const entries = isObject(v) && isObject(v.state) ? Object.values(v.state) : [];
    const step = entries.length && isObject(entries[0]) ? num(entries[0].step) : null;
    return step !== null && Number.isInteger(step) && step >= 0 ? step : 0;
  };
  return { generatorStep: first(state.optimizerGenerator), criticStep: first(state.optimizerCritic) };
}

/** True for a file read as OpenFWI's checkpoint.pth with optimiser state (rather than weights alone). */
export function isOpenFwiTrainingCheckpoint(weights: WeightsFile): boolean {
  return weights.openfwi !== null && weights.openfwi.optimizerGenerator !== null && weights.openfwi.optimizerCritic !== null;
}

/** What a continued OpenFWI checkpoint takes from its file, in the words the CLI and the studio show. */
export function describeOpenFwiResume(r: OpenFwiResume): { taken: string; notStored: string } {
  const m = r.checkpoint.meta;
  const from = r.transform.from === 'weights' ? (r.fromStudio ? 'its args, written by this studio' : 'its args') : r.transform.from === 'explicit' ? 'chosen' : 'assumed';
  return {
    taken:
      `both networks, both AdamW states (moments, step counts ${m.optimizerSteps.generator} and ${m.optimizerSteps.critic}, lr ${m.config.lrGenerator} and ${m.config.lrCritic}), ` +
      `epoch and step; normalisation ${describeTransform(m.config.preset, m.config.transform)} (${from})`,
    notStored: `${NOT_STORED_BY_OPENFWI}; the run uses seed ${m.config.seed}${r.fromStudio ? ' (its own, from the args)' : ''}`,
  };
}

/**
 * An imported file read as OpenFWI's checkpoint.pth with optimiser state, as a checkpoint the
 * studio continues as a new run (named after the file), with the message and warnings to show;
 * null for weights alone. `assumed` is the normalisation used when its args give none.
 */
export function openFwiImport(
  weights: WeightsFile,
  file: string,
  opts: { assumed: { preset: string; transform: TransformConfig }; iterationsPerEpoch: (batchSize: number) => number | null },
): { checkpoint: Checkpoint; message: string; warnings: string[] } | null {
  if (!isOpenFwiTrainingCheckpoint(weights)) return null;
  const r = checkpointFromOpenFwi(weights, { file, iterationsPerEpoch: opts.iterationsPerEpoch, explicit: null, fallback: opts.assumed });
  const p = r.checkpoint.meta.position;
  const { taken, notStored } = describeOpenFwiResume(r);
  const message =
    `Imported OpenFWI checkpoint ${file} (epoch ${r.openfwi.epoch} done, step ${r.openfwi.step}): press Train to continue it as the new run “${file}” ` +
    `from epoch ${p.epoch + 1}, batch ${p.iteration + 1}. From the file: ${taken}. Not in OpenFWI's file: ${notStored}.`;
  return { checkpoint: r.checkpoint, message, warnings: [...(r.transform.message ? [r.transform.message] : []), ...r.warnings] };
}

