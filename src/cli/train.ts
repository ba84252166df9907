/**
 * `fwi train`: headless VelocityGAN training, driven through the engine's RunSession. Prints a
 * progress line and the validation metrics; `--out` is the run's folder (runFolders.ts: run.json,
 * config.json, metrics.jsonl + metrics.csv, the latest checkpoint in `checkpoint/`, whose
 * `generator.safetensors` loads into OpenFWI's InversionNet). A checkpoint is written at step 0.
 * A new run never replaces one already in `--out`. Ctrl-C stops after the current batch and saves;
 * `--resume <out>/checkpoint` continues that run exactly where it stopped, and `--resume` of any
 * other checkpoint starts a new run at it, an OpenFWI `checkpoint.pth` too (openfwiResume.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applySchedulePreset, applyWidthPreset, configToJson, defaultConfig, parseConfigJson, validateConfig, WIDTH_PRESETS, type TrainConfig } from '../engine/config.ts';
import type { Dataset } from '../engine/data/dataset.ts';
import { parseDatasetConfig, type DatasetConfigEntry } from '../engine/data/datasetConfig.ts';
import { PRESET_NAMES, resolvePreset } from '../engine/data/presets.ts';
import { describeSample } from '../engine/data/nonFinite.ts';
import { looksLikeYaml, parsePaddleConfig } from '../engine/paddleConfig.ts';
import { FwiError } from '../engine/errors.ts';
import { initBackend, parseBackendName } from '../engine/train/backend.ts';
import { isRunEvent, RunSession, type RunData, type SessionEvent } from '../engine/session/runSession.ts';
import type { WeightsFile } from '../engine/model/weightsFile.ts';
import { checkpointFromOpenFwi, describeOpenFwiResume } from '../engine/train/openfwiResume.ts';
import { batchesPerEpoch } from '../engine/train/schedule.ts';
import type { ResumeOverrides } from '../engine/train/trainer.ts';
import { withForeignExports } from './foreignExports.ts';
import { readResumable } from './checkpointFolder.ts';
import { parseCommandArgs, usageError } from './commandArgs.ts';
import { TensorBoardLog } from './tensorboardLog.ts';
import { openAnnotationList, readTextFile } from './nodeFiles.ts';
import { RUN_FILES, runFolders } from './runFolders.ts';

const HELP = `usage: fwi train --train <train.txt> [--val <val.txt>] [options]

Trains VelocityGAN (OpenFWI's WGAN-GP recipe) on annotation lists of .npy file pairs.

data:
  --train FILE            training annotation list (seismic<TAB>velocity per line)
  --val FILE              validation annotation list (metrics every --val-every epochs)
  --root DIR              also resolve list paths against the files under DIR (repeatable)
  --preset NAME           normalisation preset: ${PRESET_NAMES.join(', ')}, an entry of
                          --dataset-config, or auto (scan the training data) (default flatvel-a)
  --dataset-config FILE   an OpenFWI/PaddleScience dataset_config.json: its entries become presets
model and schedule:
  --widths W              full, half, small, tiny, or five generator widths "32,64,128,256,512"
  --critic-widths W       four critic widths (default: the preset's, or the first four generator widths)
  --schedule S            openfwi (default) or paddle (PaddleScience: 3 critic steps then 1 generator step)
  --n-critic N            generator step every N batches (openfwi) / N critic steps per loop (paddle)
  --epochs N              (default 500)   --batch N   batch size (default 64)
  --lr X                  learning rate of both nets (default 1e-4); --lr-g, --lr-d set one each
  --seed N                seed of the initial weights, batch order and gradient-penalty draws
  --config FILE           start from a configuration: the studio's JSON, or PaddleScience's VelocityGAN
                          YAML (mapped keys listed in the README; the others are named and ignored);
                          flags override it
run:
  --out DIR               where config, logs and checkpoints go (default fwi-run)
  --tensorboard DIR       TensorBoard event files, OpenFWI's tags and steps, in DIR/train and DIR/val
                          (default <out>/logs); --no-tensorboard writes none
  --resume PATH           continue from a checkpoint folder or bundle (only --epochs, --val-every and
                          --checkpoint-minutes may change), or from an OpenFWI checkpoint.pth (gan_train.py's,
                          or --pth's) as a new run: networks, AdamW states, steps and epoch from the file,
                          the normalisation from its args (dataset, k) unless --preset is given; --seed,
                          --batch and --n-critic may fill in what the file lacks
  --val-every N           validate every N epochs (default 1; the last epoch always validates)
  --checkpoint-minutes M  save a checkpoint at least every M minutes (default 3)
  --pth                   with every checkpoint also write <out>/checkpoint.pth as OpenFWI's gan_train.py
                          saves it (continue it there with --resume checkpoint.pth)
  --pdparams              with every checkpoint also write <out>/model_gen.pdparams and model_dis.pdparams
                          for PaddleScience's VelocityGAN example
  --backend B             wasm (default, fastest on a CPU), cpu, or webgpu (a GPU through Dawn; see README)
  --skip-nonfinite        leave samples holding NaN or infinite values out of the run (each one is
                          named in the log, metrics.jsonl and metrics.csv, and kept in the
                          checkpoint, so a resumed run skips it too) instead of stopping on them
  --quiet                 no progress line
  -h, --help              this text`;

const OPTIONS = {
  train: { type: 'string' },
  val: { type: 'string' },
  root: { type: 'string', multiple: true },
  preset: { type: 'string' },
  widths: { type: 'string' },
  'critic-widths': { type: 'string' },
  schedule: { type: 'string' },
  'n-critic': { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'lr-g': { type: 'string' },
  'lr-d': { type: 'string' },
  seed: { type: 'string' },
  config: { type: 'string' },
  'dataset-config': { type: 'string' },
  out: { type: 'string' },
  tensorboard: { type: 'string' },
  'no-tensorboard': { type: 'boolean' },
  resume: { type: 'string' },
  'val-every': { type: 'string' },
  'checkpoint-minutes': { type: 'string' },
  backend: { type: 'string' },
  quiet: { type: 'boolean' },
  'skip-nonfinite': { type: 'boolean' },
  pth: { type: 'boolean' },
  pdparams: { type: 'boolean' },
} as const;

type Flags = Partial<Record<Exclude<keyof typeof OPTIONS, 'root' | 'quiet' | 'no-tensorboard' | 'skip-nonfinite' | 'pth' | 'pdparams'>, string>>;

const RESUMABLE = new Set(['epochs', 'val-every', 'checkpoint-minutes']);
/** Flags an OpenFWI checkpoint.pth resume also takes: what gan_train's file may not say (widths and rates come from its networks and optimisers). */
const FROM_OPENFWI = new Set([...RESUMABLE, 'preset', 'seed', 'batch', 'n-critic']);
const NOT_CONFIG = new Set(['train', 'val', 'root', 'dataset-config', 'out', 'tensorboard', 'no-tensorboard', 'resume', 'backend', 'quiet', 'help', 'skip-nonfinite', 'pth', 'pdparams']);

function number(flag: string, text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x)) throw new FwiError('usage', `--${flag} must be a number, got "${text}"`);
  return x;
}

function widthList(flag: string, text: string, count: number): number[] {
  const parts = text.split(',').map((p) => number(flag, p));
  if (parts.length !== count) throw new FwiError('usage', `--${flag} needs ${count} comma-separated widths, got "${text}"`);
  return parts;
}

/** The training configuration the flags describe (on top of `--config` or the OpenFWI defaults), validated. */
export function configFromFlags(flags: Flags, base: TrainConfig = defaultConfig()): TrainConfig {
  let c: TrainConfig = { ...base };
  if (flags.schedule !== undefined) {
    if (flags.schedule !== 'openfwi' && flags.schedule !== 'paddle') throw new FwiError('usage', `--schedule must be openfwi or paddle, got "${flags.schedule}"`);
    c = applySchedulePreset(c, flags.schedule);
  }
  if (flags.widths !== undefined) {
    if (flags.widths in WIDTH_PRESETS) c = applyWidthPreset(c, flags.widths as keyof typeof WIDTH_PRESETS);
    else {
      const g = widthList('widths', flags.widths, 5);
      c = { ...c, widthPreset: 'custom', generatorWidths: g as TrainConfig['generatorWidths'], criticWidths: g.slice(0, 4) as TrainConfig['criticWidths'] };
    }
  }
  if (flags['critic-widths'] !== undefined) c = { ...c, widthPreset: 'custom', criticWidths: widthList('critic-widths', flags['critic-widths'], 4) as TrainConfig['criticWidths'] };
  if (flags.preset !== undefined) c.preset = flags.preset;
  const num = (flag: keyof Flags, set: (x: number) => void) => {
    const v = flags[flag];
    if (v !== undefined) set(number(flag, v));
  };
  num('n-critic', (x) => (c.nCritic = x));
  num('epochs', (x) => (c.epochs = x));
  num('batch', (x) => (c.batchSize = x));
  num('lr', (x) => (c.lrGenerator = c.lrCritic = x));
  num('lr-g', (x) => (c.lrGenerator = x));
  num('lr-d', (x) => (c.lrCritic = x));
  num('seed', (x) => (c.seed = x));
  num('val-every', (x) => (c.valEvery = x));
  num('checkpoint-minutes', (x) => (c.checkpointMinutes = x));
  const { config, errors } = validateConfig(c);
  const bad = Object.entries(errors);
  if (bad.length) throw new FwiError('usage', bad.map(([k, m]) => `${k} ${m}`).join('; '));
  return config;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Prints the run as it goes: an in-place progress line on a terminal, one line per epoch otherwise. */
function printer(quiet: boolean): (e: SessionEvent) => void {
  const tty = process.stderr.isTTY === true;
  let lastD = NaN;
  let lastG = NaN;
  let lastL1 = NaN;
  let lineOpen = false;
  const endLine = () => {
    if (lineOpen) process.stderr.write('\n');
    lineOpen = false;
  };
  return (e) => {
    if (e.type === 'critic-step') lastD = e.loss;
    else if (e.type === 'generator-step') {
      lastG = e.loss;
      lastL1 = e.l1;
    } else if (e.type === 'progress' && !quiet) {
      const eta = e.secondsLeft === null ? '' : `, ${duration(e.secondsLeft)} left`;
      // Position is the next batch: iteration 0 means an epoch just ended.
      const where = e.iteration === 0 ? `epoch ${e.epoch}/${e.epochs} done` : `epoch ${e.epoch + 1}/${e.epochs} batch ${e.iteration}/${e.iterationsPerEpoch}`;
      const line =
        `${where} | ` +
        `critic ${lastD.toPrecision(4)} generator ${lastG.toPrecision(4)} (L1 ${lastL1.toPrecision(3)}) | ${e.samplesPerSecond.toFixed(2)} samples/s${eta}`;
      if (tty) {
        process.stderr.write(`\r${line.padEnd(110)}`);
        lineOpen = true;
      } else if (e.iteration === 0) console.error(line);
    } else if (e.type === 'validation') {
      endLine();
      console.log(
        `epoch ${e.epoch + 1} validation: loss ${e.loss.toPrecision(5)}  MAE ${e.mae.toFixed(4)} (${e.maeMs.toFixed(1)} m/s)  ` +
          `RMSE ${e.rmse.toFixed(4)} (${e.rmseMs.toFixed(1)} m/s)  SSIM ${e.ssim.toFixed(4)}`,
      );
    } else if (e.type === 'nonfinite-data' && e.action === 'skip') {
      endLine();
      for (const s of e.samples) console.error(`skipping sample ${s.index} for the rest of the run: ${describeSample(s)}`);
    } else if (e.type === 'run-alert') {
      endLine();
      console.error(`fwi: ${e.message}`);
    } else if (e.type === 'session-state' && ['stopped', 'finished', 'failed'].includes(e.state)) {
      endLine();
      if (e.state === 'failed') console.error(`fwi: ${e.message}`);
      else console.log(`${e.state}${e.message ? `: ${e.message}` : ''}`);
    }
  };
}

/**
 * `--resume checkpoint.pth`: OpenFWI's checkpoint (gan_train.py's layout, from PyTorch or this
 * studio) as a new run at its networks, AdamW states, steps and epoch; prints where it starts,
 * where its settings came from, and what the file does not store.
 */
async function startFromOpenFwi(
  session: RunSession,
  weights: WeightsFile,
  o: { file: string; flags: Flags; settings: ResumeOverrides; train: Dataset; data: RunData; out: string; datasetConfigFile?: string },
): Promise<void> {
  const { flags, train } = o;
  const datasetConfig = o.datasetConfigFile ? parseDatasetConfig(readTextFile(o.datasetConfigFile), o.datasetConfigFile) : undefined;
  const explicit = flags.preset === undefined ? null : await resolvePreset(flags.preset, { scan: () => train.scanRanges(), datasetConfig });
  const fallback = await resolvePreset(defaultConfig().preset);
  const whole = (flag: 'seed' | 'batch' | 'n-critic') => (flags[flag] === undefined ? undefined : number(flag, flags[flag]));
  const resume = checkpointFromOpenFwi(weights, {
    file: o.file,
    iterationsPerEpoch: (batch) => batchesPerEpoch(train.length, batch),
    explicit: explicit && { preset: explicit.choice, transform: explicit.transform },
    fallback: { preset: fallback.choice, transform: fallback.transform },
    datasetConfig,
    settings: { ...o.settings, seed: whole('seed'), batchSize: whole('batch'), nCritic: whole('n-critic') },
  });
  const { checkpoint, transform } = resume;
  if (transform.message) console.error(`fwi train: ${transform.from === 'explicit' ? 'warning: ' : ''}${transform.message}`);
  for (const w of resume.warnings) console.error(`fwi train: warning: ${w}`);
  const record = await session.startFromCheckpoint(checkpoint, { name: path.basename(o.out), data: o.data });
  const p = record.latest!;
  const { taken, notStored } = describeOpenFwiResume(resume);
  const seed = resume.fromStudio ? '' : flags.seed !== undefined ? ' (--seed)' : ' (the default; --seed sets it)';
  console.log(
    `resuming OpenFWI checkpoint ${o.file} (epoch ${resume.openfwi.epoch} done, step ${resume.openfwi.step}) at epoch ${p.epoch + 1}, batch ${p.iteration + 1} ` +
      `(critic step ${p.criticStep}, generator step ${p.generatorStep}) as the new run ${o.out}\n  from the file: ${taken}\n  not in the file: ${notStored}${seed}`,
  );
}

async function openList(file: string, roots: string[]): Promise<Dataset> {
  return openAnnotationList(file, { roots });
}

/** The starting configuration of `--config` (studio JSON or PaddleScience YAML), or the defaults. */
function readConfigFile(file: string | undefined): { base: TrainConfig; namesPresetOnly: boolean } {
  if (file === undefined) return { base: defaultConfig(), namesPresetOnly: false };
  const text = readTextFile(file);
  if (!looksLikeYaml(text)) return { base: parseConfigJson(text, file), namesPresetOnly: false };
  const { config, ignored } = parsePaddleConfig(text, file);
  if (ignored.length) console.log(`${file}: PaddleScience settings without a studio equivalent, not used: ${ignored.join(', ')}`);
  return { base: config, namesPresetOnly: true };
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, HELP, OPTIONS);
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.train) throw usageError('--train is required', HELP);
  const flags = values as Flags;
  const roots = values.root ?? [];
  const backend = await initBackend(parseBackendName(values.backend ?? 'wasm'));

  const train = await openList(values.train, roots);
  const val = values.val ? await openList(values.val, roots) : undefined;
  if (val && !val.hasLabels) throw new FwiError('usage', 'the validation list has no velocity files', values.val);

  const out = path.resolve(values.out ?? 'fwi-run');
  // The run's folder is --out itself; its parent holds the runs `fwi runs` lists.
  const runId = path.basename(out);
  const store = withForeignExports(runFolders(path.dirname(out)), out, { pth: values.pth ?? false, pdparams: values.pdparams ?? false });
  const show = printer(values.quiet ?? false);
  // TensorBoard files open at the run's first event (its configuration), in the run's folder by default.
  let board: TensorBoardLog | null = null;
  const onEvent = (e: SessionEvent) => {
    if (e.type === 'config' && !board && !values['no-tensorboard']) {
      board = new TensorBoardLog(path.resolve(values.tensorboard ?? path.join(out, 'logs')), batchesPerEpoch(train.length, e.config.batchSize));
    }
    if (isRunEvent(e)) board?.write(e);
    show(e);
  };
  const session = new RunSession({ store, onEvent, newId: () => runId, skipNonFinite: values['skip-nonfinite'] });
  const data = { train, val };

  if (values.resume) {
    const resumable = readResumable(values.resume);
    // An OpenFWI checkpoint.pth may lack the preset, seed, batch size or n_critic: flags may give them.
    const allowed = resumable.kind === 'openfwi' ? FROM_OPENFWI : RESUMABLE;
    const fixed = Object.keys(flags).filter((k) => !allowed.has(k) && !NOT_CONFIG.has(k) && flags[k as keyof Flags] !== undefined);
    if (fixed.length) {
      const what = resumable.kind === 'openfwi' ? 'an OpenFWI checkpoint continues with its own networks and optimiser settings' : '--resume continues the saved configuration';
      throw new FwiError('usage', `${what}; it cannot change ${fixed.map((k) => `--${k}`).join(', ')}`);
    }
    const settings: ResumeOverrides = {};
    if (flags.epochs !== undefined) settings.epochs = number('epochs', flags.epochs);
    if (flags['val-every'] !== undefined) settings.valEvery = number('val-every', flags['val-every']);
    if (flags['checkpoint-minutes'] !== undefined) settings.checkpointMinutes = number('checkpoint-minutes', flags['checkpoint-minutes']);
    if (resumable.kind === 'openfwi') {
      await startFromOpenFwi(session, resumable.weights, { file: values.resume, flags, settings, train, data, out, datasetConfigFile: values['dataset-config'] });
    } else {
      const own = path.resolve(values.resume) === path.join(out, RUN_FILES.checkpoint) && fs.existsSync(path.join(out, RUN_FILES.record));
      const record = own ? await session.continueRun(runId, { data, settings }) : await session.startFromCheckpoint(resumable.checkpoint, { name: runId, data, settings });
      const p = record.latest!;
      console.log(`resuming ${values.resume} at epoch ${p.epoch + 1}, batch ${p.iteration + 1} (critic step ${p.criticStep})${own ? '' : ` as the new run ${out}`}`);
    }
    const skipped = (await store.loadCheckpoint(runId))?.checkpoint.meta.skipped ?? [];
    if (skipped.length) console.log(`skipping ${skipped.length} sample${skipped.length === 1 ? '' : 's'} with non-finite values, as the run did: ${skipped.map((s) => `${s.index} (${s.file} sample ${s.row})`).join(', ')}`);
  } else {
    const datasetConfig: DatasetConfigEntry[] | undefined = values['dataset-config'] ? parseDatasetConfig(readTextFile(values['dataset-config']), values['dataset-config']) : undefined;
    const { base, namesPresetOnly } = readConfigFile(values.config);
    let config = configFromFlags(flags, base);
    // A PaddleScience YAML names its dataset (DATASET, k) but not its limits: those come from the preset.
    if (values.config === undefined || flags.preset !== undefined || namesPresetOnly) {
      const resolved = await resolvePreset(config.preset, { scan: () => train.scanRanges(), datasetConfig });
      const k = namesPresetOnly && flags.preset === undefined ? config.transform.k : resolved.transform.k;
      config = { ...config, preset: resolved.choice, transform: { ...resolved.transform, k } };
    }
    await session.start({ config, data, name: runId });
  }
  const c = (await store.readRecord(runId)).config;
  console.log(
    `training on ${train.length} samples (${val ? `${val.length} for validation` : 'no validation'}), ${backend} backend, ` +
      `widths G [${c.generatorWidths.join(', ')}] D [${c.criticWidths.join(', ')}], batch ${c.batchSize}, ${c.epochs} epochs, ${c.schedule} schedule; writing to ${out}`,
  );

  const onSignal = () => {
    console.error('\nstopping after this batch (Ctrl-C again to abort without a checkpoint)');
    process.off('SIGINT', onSignal);
    void session.stop();
  };
  process.on('SIGINT', onSignal);
  try {
    const state = await session.finished();
    const folder = path.join(out, RUN_FILES.checkpoint);
    if (state === 'stopped') console.log(`checkpoint saved: continue with fwi train --train ${values.train}${values.val ? ` --val ${values.val}` : ''} --out ${values.out ?? 'fwi-run'} --resume ${folder}`);
    if (state === 'finished') console.log(`done: generator weights in ${path.join(folder, 'generator.safetensors')}`);
    const skipped = (await store.loadCheckpoint(runId))?.checkpoint.meta.skipped.length ?? 0;
    if (skipped) console.log(`${skipped} sample${skipped === 1 ? '' : 's'} with non-finite values left out (listed in ${path.join(out, 'metrics.csv')} as "skipped")`);
    return state === 'finished' || state === 'stopped' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    await session.dispose();
    (board as TensorBoardLog | null)?.close();
    await Promise.all([train.close(), val?.close()]);
  }
}
