/**
 * The trainer: VelocityGAN's WGAN-GP loop on a dataset, told through typed events (events.ts).
 * It is only the loop: the run's lifecycle, which weights Evaluate and Export use and where runs
 * are kept belong to the RunSession (src/engine/session); evaluation is the generator-only
 * `Evaluator`; checkpoints go to a `CheckpointSink`.
 *
 * Control: `pause()` takes effect at the next batch, or between two passes of a validation;
 * `stop()` likewise, saving a 'stop' checkpoint (a stop during validation records it as pending,
 * so a resumed run validates that epoch first); `abandon()` ends the loop without saving (a lost
 * device: whatever it computes from then on is dropped). A trainer may start paused: it saves its
 * step-0 checkpoint (with `saveAtStart`) and holds before its first batch, never reporting 'running'.
 *
 * Reproducibility: the batch order is a function of (seed, epoch) and every gradient-penalty α
 * comes from one seeded generator whose state is checkpointed, so a run resumed from a
 * checkpoint trains on the same batches with the same α as the uninterrupted run.
 *
 * A non-finite loss stops the run (state 'failed') with the step and the quantity named; the
 * step that produced it does not update the weights, and nothing is saved over the store's last
 * good checkpoint. Before that, each batch's raw arrays are checked for NaN and ±Infinity
 * (data/nonFinite.ts) before any step trains on them: a hit stops the run the same way, naming
 * the file, the sample and the position, or, with `skipNonFinite`, leaves those samples out for
 * the rest of the run (the skipped samples are in every later checkpoint, so a resumed run skips
 * them too and cuts the same batches).
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config.ts';
import type { Dataset, DatasetBatch } from '../data/dataset.ts';
import { batchNonFinite, describeSample, type NonFiniteSample } from '../data/nonFinite.ts';
import { advanceRngState, createRng, mixSeed, type Rng } from '../data/random.ts';
import { normalizeSeismic, normalizeVelocity } from '../data/transforms.ts';
import { errorMessage, FwiError, isFwiError } from '../errors.ts';
import { Evaluator, VELOCITY_SIZE } from '../eval/evaluator.ts';
import { createCritic } from '../model/critic.ts';
import { createGenerator } from '../model/generator.ts';
import type { Network } from '../model/network.ts';
import { loadStateDict, stateDictOf } from '../model/stateDict.ts';
import { AdamW } from './adamw.ts';
import { initBackend, type BackendName } from './backend.ts';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  firstNonFinite,
  momentsFromTorch,
  momentsToTorch,
  tensorMap,
  type Checkpoint,
  type CheckpointSink,
} from './checkpoint.ts';
import { EtaWindow } from './eta.ts';
import type { CheckpointEvent, ProgressEvent, RunState, TrainerEvent, ValidationEvent } from './events.ts';
import { checkBatchFits, translateOutOfMemory, type MemoryShape } from './memoryBudget.ts';
import { batchesPerEpoch, nextPosition, planBatch, type SchedulePosition } from './schedule.ts';
import { alphaTensor, criticStep, generatorStep, nchwToNhwc } from './steps.ts';

export interface TrainerOptions {
  config: TrainConfig;
  /** Training set (with labels); only `run()` needs it. */
  train?: Dataset;
  /** Validation set (with labels): validation metrics and snapshots come from it. */
  val?: Dataset;
  /** Backend to start before building the networks; by default the one tf.js already uses. */
  backendName?: BackendName;
  onEvent?: (event: TrainerEvent) => void;
  /** Where the start, periodic, stop and end checkpoints go; none are saved without one. */
  store?: CheckpointSink;
  /** Hold before the first batch until `resume()` (a step-0 checkpoint, if asked for, is still saved at once). */
  startPaused?: boolean;
  /** Save a 'start' checkpoint before the first batch of a new run (the RunSession always asks). */
  saveAtStart?: boolean;
  /** Validation samples shown in snapshots; by default up to four, evenly spaced. */
  snapshotIndices?: number[];
  /** Milliseconds clock, injectable so tests can trigger interval checkpoints. */
  clock?: () => number;
  /**
   * Leave samples holding NaN or ±Infinity out of the run instead of stopping on them (the CLI's
   * `--skip-nonfinite`). A resumed run skips the checkpoint's skipped samples either way.
   */
  skipNonFinite?: boolean;
  /**
   * When a data file cannot be read any more (moved, deleted or changed on disk since it was
   * given: FwiError 'file-unreadable'), pause naming the file instead of failing; `resume()` tries
   * the same batch (or validation) again, after the host re-attached the file. Without it the run
   * fails, as a headless run with nobody to re-attach must.
   */
  holdOnUnreadableData?: boolean;
}

/** Settings a resumed run may change without breaking exact continuation. */
/** The validation samples a run's snapshots show by default: up to four, evenly spaced. */
export function snapshotIndices(samples: number): number[] {
  const n = Math.min(4, samples);
  return [...new Set(Array.from({ length: n }, (_, i) => Math.floor((i * samples) / n)))];
}

export type ResumeOverrides = Partial<Pick<TrainConfig, 'epochs' | 'valEvery' | 'snapshotEvery' | 'checkpointMinutes'>>;

/** The seed of the gradient-penalty α stream, from the run's seed. */
const ALPHA_STREAM = 0x61706861;

/**
 * The α stream's state after `criticSteps` critic steps of a run with this seed and batch size
 * (each critic step draws one α per sample): what a checkpoint that does not store the state
 * (OpenFWI's checkpoint.pth) continues from, exactly where the run drew from this seed.
 */
export function alphaStreamState(config: Pick<TrainConfig, 'seed' | 'batchSize'>, criticSteps: number): number {
  return advanceRngState(mixSeed(config.seed, ALPHA_STREAM), criticSteps * config.batchSize);
}

/** Thrown inside the loop when a loss or a batch's data is NaN or infinite; becomes the 'failed' state. */
class NonFiniteLoss extends Error {}

const CRITIC_TERMS = { loss: 'critic loss', lossReal: 'mean D(real)', lossFake: 'mean D(fake)', gp: 'gradient penalty' } as const;
const GENERATOR_TERMS = { loss: 'generator loss', l1: 'L1 term', l2: 'MSE term', adv: 'adversarial term' } as const;

export class Trainer {
  readonly config: TrainConfig;
  private readonly train?: Dataset;
  private readonly val?: Dataset;
  private readonly backendName?: BackendName;
  private readonly onEvent: (event: TrainerEvent) => void;
  private readonly store?: CheckpointSink;
  private readonly clock: () => number;
  private readonly snapshotIndices: number[];
  private readonly skipNonFinite: boolean;
  private readonly holdOnUnreadableData: boolean;
  /** Why the run holds, when it is not the user's pause (a data file it cannot read). */
  private holdMessage: string | null = null;
  /** Samples left out of the run, in the order they were found. */
  private skipped: NonFiniteSample[] = [];
  private skippedIndices = new Set<number>();

  private generator: Network | null = null;
  private critic: Network | null = null;
  private optG: AdamW | null = null;
  private optD: AdamW | null = null;
  private readonly rng: Rng;
  private pending: Checkpoint | null = null;
  /** A new run (not resumed from a checkpoint) that saves a checkpoint at step 0. */
  private fresh: boolean;
  /** The 0-based epoch whose validation is due before the next batch (see CheckpointMeta.pendingValidation). */
  private pendingValidation: number | null = null;

  private position: SchedulePosition = { epoch: 0, iteration: 0 };
  private criticSteps = 0;
  private generatorSteps = 0;
  private validations: ValidationEvent[] = [];
  private elapsedBefore = 0;
  private runStartedAt = 0;
  /** Speed and time left from the latest batches (eta.ts); made when `run()` starts. */
  private eta: EtaWindow | null = null;
  /** Batches in the current epoch (fewer when samples were skipped), for the progress events. */
  private iterationsPerEpoch = 0;
  private lastCheckpointAt = 0;
  private lastSaved: { criticStep: number; generatorStep: number; epoch: number } | null = null;

  private state: RunState | 'idle' = 'idle';
  private stopRequested = false;
  private abandoned = false;
  private pauseRequested: boolean;
  private wake: (() => void) | null = null;

  constructor(opts: TrainerOptions) {
    this.config = opts.config;
    this.train = opts.train;
    this.val = opts.val;
    this.backendName = opts.backendName;
    this.onEvent = opts.onEvent ?? (() => undefined);
    this.store = opts.store;
    this.clock = opts.clock ?? (() => performance.now());
    this.skipNonFinite = opts.skipNonFinite ?? false;
    this.holdOnUnreadableData = opts.holdOnUnreadableData === true;
    this.pauseRequested = opts.startPaused === true;
    this.fresh = opts.saveAtStart === true;
    this.rng = createRng(mixSeed(opts.config.seed, ALPHA_STREAM));
    const n = opts.val?.hasLabels ? opts.val.length : 0;
    this.snapshotIndices = opts.snapshotIndices ?? snapshotIndices(n);
  }

  /** A trainer that continues the checkpointed run exactly (same batches, α draws and optimiser state). */
  static fromCheckpoint(checkpoint: Checkpoint, opts: Omit<TrainerOptions, 'config'> & { overrides?: ResumeOverrides }): Trainer {
    const trainer = new Trainer({ ...opts, config: { ...checkpoint.meta.config, ...opts.overrides } });
    trainer.pending = checkpoint;
    trainer.fresh = false;
    return trainer;
  }

  /** Samples the run leaves out for holding NaN or ±Infinity, in the order they were found. */
  get skippedSamples(): readonly NonFiniteSample[] {
    return this.skipped;
  }

  /** Where the run stands: the next batch, steps so far, and the run state. */
  get status(): { state: RunState | 'idle'; position: SchedulePosition; criticStep: number; generatorStep: number } {
    return { state: this.state, position: { ...this.position }, criticStep: this.criticSteps, generatorStep: this.generatorSteps };
  }

  /** Trains until the last epoch, a stop or a non-finite loss; resolves to the final state. */
  async run(): Promise<RunState> {
    await this.ready();
    const { config, train } = this;
    if (!train) throw new FwiError('usage', 'training needs a training set');
    if (batchesPerEpoch(train.length, config.batchSize) === 0) throw new FwiError('usage', `the training set has ${train.length} samples, fewer than one batch of ${config.batchSize}`);
    if (!train.hasLabels) throw new FwiError('usage', 'the training set has no velocity files (every annotation line needs seismic and velocity)');
    checkBatchFits(tf.getBackend() as BackendName, this.memoryShape(), config.batchSize);
    this.emit({ type: 'config', config });
    this.runStartedAt = this.lastCheckpointAt = this.clock();
    this.eta = new EtaWindow(this.activeSeconds(), config.batchSize);
    this.iterationsPerEpoch = train.batchCount({ batchSize: config.batchSize, dropLast: true, exclude: this.skippedIndices });
    try {
      if (this.fresh) await this.save('start');
      // A trainer started paused reports 'paused' (from stopOrHold), never 'running' first.
      if (!this.pauseRequested) this.setState('running');
      this.progress('warm-up');
      for (;;) {
        try {
          // A validation still owed: the checkpoint's (stopped during it), or one a data file interrupted.
          if (this.pendingValidation !== null) {
            if (await this.stopOrHold()) return await this.end('stopped', 'stop');
            if (!(await this.validate())) return await this.end('stopped', 'stop');
          }
          if (this.position.epoch >= config.epochs) break;
          if (await this.trainEpochFrom(this.position)) return await this.end('stopped', 'stop');
        } catch (e) {
          if (!(this.holdOnUnreadableData && isFwiError(e) && e.code === 'file-unreadable')) throw e;
          // Nothing of the batch that could not be read was trained: hold, then try it again.
          this.pauseRequested = true;
          this.holdMessage = `${e.message}: re-attach the file to continue`;
          if (await this.stopOrHold()) return await this.end('stopped', 'stop');
        }
      }
      return await this.end('finished', 'end');
    } catch (e) {
      if (this.abandoned) return this.abandonedEnd();
      const message = errorMessage(e);
      this.setState('failed', message);
      if (e instanceof NonFiniteLoss) return 'failed';
      throw e;
    }
  }

  /** Trains the rest of the epoch from `position` (validating it at its end when due); true when the run should stop now. */
  private async trainEpochFrom(position: SchedulePosition): Promise<boolean> {
    const { config } = this;
    const train = this.train!;
    const { epoch, iteration } = position;
    const exclude = this.skippedIndices;
    const iterations = train.batchCount({ batchSize: config.batchSize, dropLast: true, exclude });
    this.iterationsPerEpoch = iterations;
    if (iterations === 0) throw new FwiError('usage', `after leaving out ${exclude.size} samples with non-finite values, the training set has fewer than one batch of ${config.batchSize}`);
    if (iteration >= iterations) {
      // Skipped samples shortened this epoch below the batch just trained: the epoch ends here.
      this.position = { epoch: epoch + 1, iteration: 0 };
      if (this.validationDue(epoch)) {
        this.pendingValidation = epoch;
        if (!(await this.validate())) return true;
      }
      return false;
    }
    // Two batches' arrays per epoch, not one per step: trainBatch normalises a batch in place
    // and disposes every tensor made from it before the loop asks for the next batch (which
    // refills the arrays of the one before); validation and snapshots read their own arrays.
    const batches = train.batches({ batchSize: config.batchSize, epoch, seed: config.seed, shuffle: config.shuffle, dropLast: true, startBatch: iteration, reuseBuffers: true, exclude });
    for await (const batch of batches) {
      if (await this.stopOrHold()) return true;
      // Once a batch: the host's timers and messages run (events out; Pause and Stop in, for the next
      // batch). Where reads and the backend resolve at once (preloaded data on wasm or cpu) the loop
      // would otherwise never leave the microtask queue, and the page would hear nothing until the end.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      // Samples just skipped change how the rest of the epoch is cut: start it again from this batch.
      if (this.screen(batch)) break;
      await this.trainBatch(batch);
      this.eta!.batchEnded(this.activeSeconds());
      const epochDone = batch.batchIndex === batch.batchCount - 1;
      this.position = nextPosition(this.position, batch.batchCount);
      this.iterationsPerEpoch = batch.batchCount;
      const validating = epochDone && this.validationDue(epoch);
      if (validating) this.pendingValidation = epoch;
      // After every batch: the page gets it with the steps it follows, so the count never lags the curves.
      this.progress('training');
      if (validating) {
        if (!(await this.validate())) return true;
        this.progress('training');
      }
      if (this.clock() - this.lastCheckpointAt >= config.checkpointMinutes * 60_000) await this.save('interval');
    }
    return false;
  }

  /** Asks the loop to wait after the current batch (or validation pass); before `run()` it starts paused. */
  pause(): void {
    if (this.state === 'running' || this.state === 'idle') this.pauseRequested = true;
  }

  /** Lets a paused loop continue. */
  resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  /** Asks the loop to end after the current batch or validation pass (a 'stop' checkpoint is saved). */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  /**
   * Ends the loop at its next batch or validation pass without saving anything and without
   * reporting a failure (the device under it is gone): `run()` resolves to 'stopped'.
   */
  abandon(): void {
    this.abandoned = true;
    this.stop();
  }

  /** An evaluator over the live generator (inference mode; valid until `dispose`). */
  async evaluator(): Promise<Evaluator> {
    await this.ready();
    return Evaluator.over(this.generator!, this.config);
  }

  /** A complete checkpoint of the run as it stands (between batches). */
  async checkpoint(): Promise<Checkpoint> {
    await this.ready();
    const [g, d, og, od] = await Promise.all([stateDictOf(this.generator!), stateDictOf(this.critic!), this.optG!.getState(), this.optD!.getState()]);
    return {
      meta: {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_VERSION,
        config: this.config,
        position: { ...this.position },
        criticStep: this.criticSteps,
        generatorStep: this.generatorSteps,
        optimizerSteps: { generator: og.step, critic: od.step },
        rngState: this.rng.state,
        skipped: this.skipped.map((s) => ({ ...s, axes: [...s.axes], position: [...s.position] })),
        elapsedSeconds: this.elapsedSeconds(),
        validation: [...this.validations],
        ...(this.pendingValidation !== null ? { pendingValidation: this.pendingValidation } : {}),
        savedAt: new Date().toISOString(),
      },
      generator: tensorMap(g),
      critic: tensorMap(d),
      optimizerGenerator: momentsToTorch(og),
      optimizerCritic: momentsToTorch(od),
    };
  }

  /** Releases every tensor the trainer holds. */
  dispose(): void {
    for (const x of [this.generator, this.critic, this.optG, this.optD]) x?.dispose();
    this.generator = this.critic = null;
    this.optG = this.optD = null;
  }

  // ---- the loop's parts -------------------------------------------------------------------

  /** The sizes the memory estimate of a training step needs. */
  private memoryShape(): MemoryShape {
    const train = this.train!;
    return {
      generatorWidths: this.config.generatorWidths,
      criticWidths: this.config.criticWidths,
      seismicShape: train.seismicShape,
      velocityShape: train.velocityShape!,
    };
  }

  private async trainBatch(batch: DatasetBatch): Promise<void> {
    const { config } = this;
    const plan = planBatch(config.schedule, config.nCritic, batch.batchIndex, batch.batchCount);
    const n = batch.indices.length;
    const train = this.train!;
    const data = nchwToNhwc(normalizeSeismic(batch.seismic, config.transform, batch.seismic), [n, ...train.seismicShape]);
    const label = nchwToNhwc(normalizeVelocity(batch.velocity!, config.transform, batch.velocity!), [n, ...train.velocityShape!]);
    const at = { epoch: this.position.epoch, iteration: batch.batchIndex };
    try {
      if (plan.critic) {
        const alpha = alphaTensor(() => this.rng.next(), n);
        const r = await criticStep(this.generator!, this.critic!, this.optD!, data, label, alpha, config.lambda).finally(() => alpha.dispose());
        this.criticSteps += 1;
        this.checkFinite(r, CRITIC_TERMS, `critic step ${this.criticSteps}`, batch);
        this.emit({ type: 'critic-step', ...at, criticStep: this.criticSteps, ...r, gpWeighted: config.lambda.gp * r.gp, elapsed: this.elapsedSeconds() });
      }
      if (plan.generator) {
        const r = await generatorStep(this.generator!, this.critic!, this.optG!, data, label, config.lambda);
        this.generatorSteps += 1;
        this.checkFinite(r, GENERATOR_TERMS, `generator step ${this.generatorSteps}`, batch);
        this.emit({ type: 'generator-step', ...at, generatorStep: this.generatorSteps, ...r, elapsed: this.elapsedSeconds() });
        if (this.generatorSteps % config.snapshotEvery === 0) await this.snapshot();
      }
    } catch (e) {
      throw translateOutOfMemory(e, tf.getBackend() as BackendName, this.memoryShape(), n);
    } finally {
      data.dispose();
      label.dispose();
    }
  }

  /**
   * The batch check: one pass over the batch's raw arrays before any step uses them. Stops the run
   * on a sample holding NaN or ±Infinity, or, when skipping, adds such samples to the skipped set
   * and returns true (the batch is not trained on; the epoch is cut again without them).
   */
  private screen(batch: DatasetBatch): boolean {
    const train = this.train!;
    const hits = batchNonFinite(batch, train.seismicShape, train.velocityShape, (index) => {
      const { file, row } = train.locate(index);
      return { seismicFile: file.seismic.name, velocityFile: file.velocity?.name ?? null, row };
    });
    if (hits.length === 0) return false;
    const at = { epoch: this.position.epoch, iteration: batch.batchIndex };
    if (!this.skipNonFinite) {
      this.emit({ type: 'nonfinite-data', ...at, action: 'stop', samples: hits });
      const plan = planBatch(this.config.schedule, this.config.nCritic, batch.batchIndex, batch.batchCount);
      const step = plan.critic ? `critic step ${this.criticSteps + 1}` : `generator step ${this.generatorSteps + 1}`;
      throw new NonFiniteLoss(
        `training stopped before ${step} (epoch ${at.epoch + 1}, batch ${at.iteration + 1} of ${batch.batchCount}): ` +
          `the batch holds non-finite data: ${hits.map(describeSample).join('; ')}. No weight or running statistic changed and ${this.keptText()}. ` +
          'Fix or remove these samples, or skip samples with non-finite values for the rest of the run (--skip-nonfinite in the CLI).',
      );
    }
    for (const h of hits) {
      this.skipped.push(h);
      this.skippedIndices.add(h.index);
    }
    this.emit({ type: 'nonfinite-data', ...at, action: 'skip', samples: hits });
    return true;
  }

  private keptText(): string {
    return this.lastSaved
      ? `the last good checkpoint (epoch ${this.lastSaved.epoch + 1}, critic step ${this.lastSaved.criticStep}, generator step ${this.lastSaved.generatorStep}) is kept`
      : 'no checkpoint had been saved yet';
  }

  private checkFinite<T extends object>(values: T, names: Partial<Record<keyof T, string>>, step: string, batch: DatasetBatch): void {
    const bad = (Object.keys(names) as (keyof T & string)[]).find((k) => !Number.isFinite(values[k] as number));
    if (bad === undefined) return;
    // The data was checked before the step, so the value arose inside training.
    throw new NonFiniteLoss(
      `training stopped: the ${names[bad]} is ${String(values[bad])} at ${step} (epoch ${this.position.epoch + 1}, batch ${batch.batchIndex + 1} of ${batch.batchCount}); ` +
        `that step did not update the weights and ${this.keptText()}. The batch's data is finite: lower the learning rate.`,
    );
  }

  private validationDue(epoch: number): boolean {
    return !!this.val?.hasLabels && ((epoch + 1) % this.config.valEvery === 0 || epoch === this.config.epochs - 1);
  }

  /** Validates the pending epoch, pausing between passes; false when a stop ended it first. */
  private async validate(): Promise<boolean> {
    const epoch = this.pendingValidation!;
    const started = this.activeSeconds();
    this.progress('validating');
    let e;
    try {
      e = await Evaluator.over(this.generator!, this.config).evaluate(this.val!, async () => !(await this.stopOrHold()));
    } catch (err) {
      if (this.stopRequested && isFwiError(err) && err.code === 'cancelled') return false;
      throw err;
    }
    this.pendingValidation = null;
    this.eta?.validationEnded(started, this.activeSeconds());
    const event: ValidationEvent = {
      type: 'validation',
      epoch,
      generatorStep: this.generatorSteps,
      loss: e.loss,
      mae: e.mae,
      mse: e.mse,
      rmse: e.rmse,
      ssim: e.ssim,
      maeMs: e.maeMs,
      rmseMs: e.rmseMs,
    };
    this.validations.push(event);
    this.emit(event);
    return true;
  }

  private async snapshot(): Promise<void> {
    if (!this.val?.hasLabels || this.snapshotIndices.length === 0) return;
    const samples = await this.val.read(this.snapshotIndices);
    const predicted = await Evaluator.over(this.generator!, this.config).predictVelocity(this.val, samples.seismic, this.snapshotIndices.length);
    this.emit({
      type: 'snapshot',
      epoch: this.position.epoch,
      generatorStep: this.generatorSteps,
      indices: [...this.snapshotIndices],
      height: VELOCITY_SIZE,
      width: VELOCITY_SIZE,
      predicted,
      truth: samples.velocity,
    });
  }

  /** Waits while paused; true when the run should stop now. */
  private async stopOrHold(): Promise<boolean> {
    if (this.pauseRequested && !this.stopRequested) {
      const pausedAt = this.clock();
      this.setState('paused', this.holdMessage ?? undefined);
      this.holdMessage = null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (!this.pauseRequested || this.stopRequested) resolve();
      });
      this.wake = null;
      this.runStartedAt += this.clock() - pausedAt;
      this.lastCheckpointAt += this.clock() - pausedAt;
      if (!this.stopRequested) this.setState('running');
    }
    return this.stopRequested;
  }

  private async end(state: 'stopped' | 'finished', reason: CheckpointEvent['reason']): Promise<RunState> {
    if (this.abandoned) return this.abandonedEnd();
    await this.save(reason);
    this.stopRequested = false;
    this.setState(state);
    return state;
  }

  private abandonedEnd(): RunState {
    this.state = 'stopped';
    return 'stopped';
  }

  private async save(reason: CheckpointEvent['reason']): Promise<void> {
    this.lastCheckpointAt = this.clock();
    if (!this.store || this.abandoned) return;
    const c = await this.checkpoint();
    const bad = firstNonFinite(c);
    if (bad) throw new NonFiniteLoss(`training stopped: ${bad} is not finite after critic step ${this.criticSteps}; the last good checkpoint is kept. Lower the learning rate.`);
    await this.store.save(c, reason);
    this.lastSaved = { criticStep: this.criticSteps, generatorStep: this.generatorSteps, epoch: this.position.epoch };
    this.emit({ type: 'checkpoint', epoch: this.position.epoch, criticStep: this.criticSteps, generatorStep: this.generatorSteps, reason });
  }

  /** Where the run stands, its speed and time left (eta.ts), after every batch and around validation. */
  private progress(phase: ProgressEvent['phase']): void {
    const eta = this.eta!;
    const { epochs } = this.config;
    const iterations = this.iterationsPerEpoch;
    const batchesLeft = Math.max(0, (epochs - this.position.epoch) * iterations - this.position.iteration);
    let validationsLeft = this.pendingValidation !== null ? 1 : 0;
    for (let e = this.position.epoch; e < epochs; e++) if (this.validationDue(e)) validationsLeft++;
    this.emit({
      type: 'progress',
      phase: eta.warmingUp ? 'warm-up' : phase,
      epoch: this.position.epoch,
      epochs,
      iteration: this.position.iteration,
      iterationsPerEpoch: iterations,
      samplesPerSecond: eta.samplesPerSecond,
      secondsLeft: eta.secondsLeft(batchesLeft, validationsLeft),
      elapsed: this.elapsedSeconds(),
    });
  }

  // ---- set-up and small conversions ---------------------------------------------------------

  private async ready(): Promise<void> {
    if (this.generator) return;
    if (this.backendName) await initBackend(this.backendName);
    const c = this.config;
    this.generator = createGenerator(c.generatorWidths, mixSeed(c.seed, 1));
    this.critic = createCritic(c.criticWidths, mixSeed(c.seed, 2));
    const adam = { betas: c.betas, eps: c.eps, weightDecay: c.weightDecay };
    this.optG = new AdamW(this.generator.params, { ...adam, lr: c.lrGenerator });
    this.optD = new AdamW(this.critic.params, { ...adam, lr: c.lrCritic });
    const ck = this.pending;
    if (!ck) return;
    this.pending = null;
    loadStateDict(this.generator, ck.generator, 'checkpoint generator');
    loadStateDict(this.critic, ck.critic, 'checkpoint critic');
    this.optG.setState(momentsFromTorch(ck.optimizerGenerator, ck.meta.optimizerSteps.generator));
    this.optD.setState(momentsFromTorch(ck.optimizerCritic, ck.meta.optimizerSteps.critic));
    this.position = { ...ck.meta.position };
    this.criticSteps = ck.meta.criticStep;
    this.generatorSteps = ck.meta.generatorStep;
    this.rng.state = ck.meta.rngState;
    this.skipped = ck.meta.skipped.map((s) => ({ ...s }));
    this.skippedIndices = new Set(this.skipped.map((s) => s.index));
    this.elapsedBefore = ck.meta.elapsedSeconds;
    this.validations = [...ck.meta.validation];
    this.pendingValidation = ck.meta.pendingValidation ?? null;
    this.lastSaved = { criticStep: ck.meta.criticStep, generatorStep: ck.meta.generatorStep, epoch: ck.meta.position.epoch };
  }

  /** Seconds this run has trained since `run()` began, pauses excluded. */
  private activeSeconds(): number {
    return (this.clock() - this.runStartedAt) / 1000;
  }

  private elapsedSeconds(): number {
    return this.elapsedBefore + (this.state === 'running' || this.state === 'paused' ? (this.clock() - this.runStartedAt) / 1000 : 0);
  }

  private setState(state: RunState, message?: string): void {
    this.state = state;
    this.emit(message ? { type: 'state', state, message } : { type: 'state', state });
  }

  private emit(event: TrainerEvent): void {
    this.onEvent(event);
  }
}
