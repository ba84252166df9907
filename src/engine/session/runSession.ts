/**
 * RunSession: the one owner of a training run's lifecycle, of the weights that Evaluate and
 * Export use, and of the runs kept in a `CheckpointStore`. Framework-free: the worker (browser)
 * and the CLI (Node) both drive it; they keep only their own concerns (files, storage, devices).
 *
 * Commands (each rejects with an FwiError saying why when it does not apply now):
 * - `start({ config, data, name?, paused?, skipNonFinite? })`  a new run (new id, record, step-0
 *   checkpoint). It never replaces or deletes an old run. With `paused` it saves its step-0
 *   checkpoint and holds before the first batch ('paused', never 'running'). `skipNonFinite` (the
 *   user's choice to leave out samples holding NaN or ±Infinity) is kept in the record, and a
 *   continued run keeps it.
 * - `continueRun(id, { data, settings?, paused? })`  reopens a kept run and trains on from its
 *   latest checkpoint (a reload, a stopped or failed run, or a finished one given more epochs); a
 *   run with no checkpoint yet starts again from step 0 of its own config. The data must be the
 *   data it was trained on (sizes and headers; names may differ).
 * - `startFromCheckpoint(checkpoint, { name, data, settings?, paused? })`  a new run starting at an
 *   imported checkpoint.
 * - `pause()`  'pausing' at once; 'paused' at the next batch, or between two passes of a
 *   validation. `resume()`, `stop()` (resolves once the 'stop' checkpoint is saved).
 * - `deviceLost(info)`  the host's typed signal that the device under the run is gone: the run is
 *   abandoned (nothing it computes afterwards is kept), the host's `restartBackend` runs, and the
 *   run continues from its last good checkpoint, paused if it was paused; a device lost for lack
 *   of memory (`info.outOfMemory`) would fail again on the same batch, so that run fails instead,
 *   keeping its checkpoint.
 * - `useImportedCheckpoint`, `useImportedWeights`, `openRun(id)`  choose the weights source;
 *   `renameRun`, `deleteRun`, `listRuns`, `metrics(id)`  manage kept runs.
 *
 * Weights-source rules (`weights`, event 'weights-source'):
 * - while a run trains the source is 'live'; Evaluate and Export need it paused (or stopped);
 * - after Stop or Finish the source is that run's final checkpoint, read back from the store;
 * - after a non-finite loss or a failure the live networks may be damaged (a critic step moves
 *   the generator's BatchNorm running statistics before the loss is known), so the source falls
 *   back to the run's last good checkpoint, running statistics included, and the failure message
 *   says which step's weights are in use;
 * - after a lost device, likewise, until the run resumes from that checkpoint;
 * - an imported checkpoint or generator weights, or a reopened run's latest checkpoint.
 * Evaluation goes through an `Evaluator` built from the source's generator alone (no critic, no
 * optimiser moments).
 *
 * Events (`onEvent`): the trainer's events other than 'state', each with the `runId`;
 * 'session-state' (every state change, with a message for the user where there is one);
 * 'run-start' (a trainer starts at these steps: a host cuts its curves there; `history` is the
 * run's kept metrics up to there, so a host that has none yet, after a reload, can show them); 'run-record' (a
 * record was created or changed); 'run-deleted'; 'weights-source'; 'run-alert' (something the
 * user must hear that does not change the state: a lost device, a failed metrics write).
 */
import type { TrainConfig } from '../config.ts';
import type { Dataset } from '../data/dataset.ts';
import { errorMessage, FwiError, isFwiError } from '../errors.ts';
import { Evaluator, type Evaluation } from '../eval/evaluator.ts';
import { checkpointTensorBytes, type Checkpoint, type CheckpointSink, type TensorMap } from '../train/checkpoint.ts';
import type { RunState, SnapshotEvent, StateEvent, TrainerEvent } from '../train/events.ts';
import { snapshotIndices, Trainer, type ResumeOverrides } from '../train/trainer.ts';
import { metricsUpTo, type CheckpointStore, type MetricEvent, type RunListing } from './checkpointStore.ts';
import {
  checkpointInfo,
  dataDifference,
  dataIdentity,
  describeCheckpoint,
  RUN_RECORD_FORMAT,
  RUN_RECORD_VERSION,
  type CheckpointInfo,
  type DataIdentity,
  type RunRecord,
} from './runRecord.ts';

export type SessionState = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'stopping' | 'stopped' | 'finished' | 'failed' | 'recovering';

/** The data a run trains on; `identity` is computed from the datasets when not given. */
export interface RunData {
  train: Dataset;
  val?: Dataset | null;
  identity?: DataIdentity;
}

/** Which weights Evaluate and Export use, described for the user. */
export interface WeightsInfo {
  kind: 'live' | 'checkpoint' | 'imported-checkpoint' | 'imported-weights';
  runId: string | null;
  /** The run's or the file's name. */
  name: string;
  criticStep: number | null;
  generatorStep: number | null;
  /** "run “flat tiny” at epoch 2, batch 1, critic step 4, generator step 2 (its last good checkpoint)". */
  description: string;
}

export type RunEvent = Exclude<TrainerEvent, StateEvent> & { runId: string };

const RUN_EVENT_TYPES: ReadonlySet<string> = new Set<RunEvent['type']>(['critic-step', 'generator-step', 'progress', 'validation', 'snapshot', 'checkpoint', 'config', 'nonfinite-data']);

/** True for the trainer's own events (steps, validation, snapshots, checkpoints…) as the session forwards them. */
export function isRunEvent(e: SessionEvent): e is RunEvent {
  return RUN_EVENT_TYPES.has(e.type);
}

export type SessionEvent =
  | RunEvent
  | { type: 'session-state'; state: SessionState; runId: string | null; message?: string }
  | { type: 'run-start'; runId: string; criticStep: number; generatorStep: number; resumed: boolean; history: MetricEvent[] }
  | { type: 'run-record'; run: RunRecord }
  | { type: 'run-deleted'; id: string }
  | { type: 'weights-source'; weights: WeightsInfo | null }
  | { type: 'run-alert'; runId: string | null; level: 'warn' | 'error'; message: string; offer?: 'download-checkpoint' };

export interface DeviceLossInfo {
  /** GPUDeviceLostInfo.reason, or the host's own word ("destroyed", "unknown"). */
  reason: string;
  message?: string;
  /** Set when the host found the device lost for lack of memory: what to change, in words (the run then fails instead of retrying the same batch). */
  outOfMemory?: string;
}

export interface RunSessionOptions {
  store: CheckpointStore;
  onEvent?: (event: SessionEvent) => void;
  /** Milliseconds clock for the trainer's checkpoint interval and throughput (injectable for tests). */
  clock?: () => number;
  /** Wall clock for record times. */
  now?: () => Date;
  /** A new run's id (default: time and random letters). */
  newId?: () => string;
  /** The host brings a working backend back after a lost device (the browser restarts WebGPU). */
  restartBackend?: () => Promise<void>;
  /**
   * Asked when a run fails, before the failure is reported: the device's loss when the device
   * under the run is lost (a read on a destroyed device can fail before the host hears of the
   * loss), else null. The host answers from the device itself, never from a timer.
   */
  deviceLoss?: () => Promise<DeviceLossInfo | null>;
  /** Leave out samples whose data holds NaN or ±Infinity instead of failing (the trainer's option): the default for runs that do not say. */
  skipNonFinite?: boolean;
  /** Pause naming a data file that cannot be read any more, instead of failing (the trainer's option; the studio, where the user can re-attach it). */
  holdOnUnreadableData?: boolean;
  /** Exclusive use of a kept run among tabs or processes sharing the store (the browser's Web Locks); none: this session is the only user. */
  locks?: RunLocks;
}

/** The host's locks on kept runs. */
export interface RunLocks {
  /** Takes the run's lock; resolves to the function that releases it, or to null when another holder has it. */
  acquire(runId: string): Promise<(() => void) | null>;
}

type Source =
  | { kind: 'live'; runId: string; name: string }
  | { kind: 'checkpoint'; runId: string; name: string; info: CheckpointInfo; config: TrainConfig; loaded: Checkpoint | null }
  | { kind: 'imported-checkpoint'; name: string; checkpoint: Checkpoint }
  | { kind: 'imported-weights'; name: string; tensors: TensorMap; config: TrainConfig };

interface Active {
  record: RunRecord;
  trainer: Trainer;
  generation: number;
  data: RunData;
  run: Promise<RunState>;
  failure: string | null;
}

interface LaunchOptions {
  checkpoint: Checkpoint | null;
  paused: boolean;
  overrides?: ResumeOverrides;
  resumed: boolean;
  /** The run's kept metrics up to the checkpoint (for the 'run-start' event). */
  history: MetricEvent[];
}

const ACTIVE_STATES: SessionState[] = ['starting', 'running', 'pausing', 'paused', 'stopping', 'recovering'];

function defaultId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export class RunSession {
  private readonly store: CheckpointStore;
  private readonly onEvent: (event: SessionEvent) => void;
  private readonly clock?: () => number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly restartBackend?: () => Promise<void>;
  private readonly deviceLoss?: () => Promise<DeviceLossInfo | null>;
  private readonly skipNonFinite: boolean;
  private readonly holdOnUnreadableData: boolean;
  private readonly locks?: RunLocks;
  /** Releases of the run locks this session holds, by run. */
  private readonly held = new Map<string, () => void>();
  /**
   * Set while storage refuses the run's writes for lack of space: autosave has stopped (the run
   * goes on) and `checkpoint` is the newest checkpoint that could not be saved, for Download.
   */
  private storageFull: { runId: string; checkpoint: Checkpoint | null } | null = null;
  private unsavedCheckpointEvent = false;
  /** Bytes of each run's last checkpoint saved (what autosave needs room for). */
  private readonly checkpointSizes = new Map<string, number>();

  private current: SessionState = 'idle';
  private currentRunId: string | null = null;
  private active: Active | null = null;
  /** Bumped whenever a trainer is abandoned or replaced: events and saves of older ones are dropped. */
  private generation = 0;
  private source: Source | null = null;
  /** Store writes in event order (metrics, records). */
  private writes: Promise<void> = Promise.resolve();
  private recovery: Promise<void> | null = null;

  constructor(opts: RunSessionOptions) {
    this.store = opts.store;
    this.onEvent = opts.onEvent ?? (() => undefined);
    this.clock = opts.clock;
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? (() => defaultId(this.now()));
    this.restartBackend = opts.restartBackend;
    this.deviceLoss = opts.deviceLoss;
    this.skipNonFinite = opts.skipNonFinite === true;
    this.holdOnUnreadableData = opts.holdOnUnreadableData === true;
    this.locks = opts.locks;
  }

  /** The session's state and the run it concerns. */
  get state(): { state: SessionState; runId: string | null } {
    return { state: this.current, runId: this.currentRunId };
  }

  /** The weights Evaluate and Export use now, or null. */
  get weights(): WeightsInfo | null {
    return this.describeSource(this.source);
  }

  // ---- runs ------------------------------------------------------------------------------------

  /** Every kept run, newest first, and the records that could not be read (with why). */
  listRuns(): Promise<RunListing> {
    return this.store.listRuns();
  }

  /** A kept run's metrics history (every step, validation, checkpoint and state event). */
  metrics(id: string): Promise<MetricEvent[]> {
    return this.store.readMetrics(id);
  }

  /** Starts a new run; resolves once its record exists (the step-0 checkpoint follows at once). */
  async start(opts: { config: TrainConfig; data: RunData; name?: string; paused?: boolean; skipNonFinite?: boolean }): Promise<RunRecord> {
    this.assertNoActiveRun('start a new run');
    const record = await this.newRecord(opts.config, opts.data, opts.name, { kind: 'new' }, opts.skipNonFinite);
    await this.launch(record, opts.data, { checkpoint: null, paused: opts.paused === true, resumed: false, history: [] });
    return record;
  }

  /** A new run that starts at an imported checkpoint (kept as its first checkpoint). */
  async startFromCheckpoint(checkpoint: Checkpoint, opts: { name: string; data: RunData; settings?: ResumeOverrides; paused?: boolean; skipNonFinite?: boolean }): Promise<RunRecord> {
    this.assertNoActiveRun('start a run');
    const m = checkpoint.meta;
    const config = { ...m.config, ...opts.settings };
    const record = await this.newRecord(config, opts.data, opts.name, { kind: 'checkpoint', name: opts.name, criticStep: m.criticStep, generatorStep: m.generatorStep }, opts.skipNonFinite);
    await this.store.saveCheckpoint(record.id, checkpoint);
    await this.updateRecord(record, { latest: checkpointInfo(checkpoint, 'imported') });
    await this.launch(record, opts.data, { checkpoint, paused: opts.paused === true, resumed: true, overrides: opts.settings, history: [] });
    return record;
  }

  /**
   * Trains a kept run on from its latest checkpoint (from step 0 of its config if it has none);
   * `settings` may give it more epochs or change its validation and checkpoint intervals. The run
   * keeps its own skip-non-finite choice unless `skipNonFinite` is given (the user chose again).
   */
  async continueRun(id: string, opts: { data: RunData; settings?: ResumeOverrides; paused?: boolean; skipNonFinite?: boolean }): Promise<RunRecord> {
    this.assertNoActiveRun('continue a run');
    const record = await this.store.readRecord(id);
    await this.lockRun(record);
    const identity = opts.data.identity ?? (await dataIdentity(opts.data.train, opts.data.val));
    const differs = dataDifference(record.data, identity);
    if (differs) throw new FwiError('usage', `run “${record.name}” cannot continue on other data: ${differs}`);
    const config = { ...record.config, ...opts.settings };
    const epochs = config.epochs;
    const checkpoint = await this.loadLatest(record);
    if (checkpoint && checkpoint.meta.position.epoch >= epochs && checkpoint.meta.pendingValidation === undefined) {
      throw new FwiError('usage', `run “${record.name}” has finished its ${epochs} epochs: give more epochs to continue it`);
    }
    const history = checkpoint ? metricsUpTo(await this.store.readMetrics(id), checkpoint) : [];
    await this.store.replaceMetrics(id, history);
    const skip = opts.skipNonFinite ?? record.skipNonFinite;
    await this.updateRecord(record, { config, message: undefined, ...(skip !== undefined ? { skipNonFinite: skip } : {}) });
    const overrides: ResumeOverrides = { epochs, valEvery: config.valEvery, snapshotEvery: config.snapshotEvery, checkpointMinutes: config.checkpointMinutes };
    await this.launch(record, { ...opts.data, identity }, { checkpoint, paused: opts.paused === true, resumed: checkpoint !== null, overrides, history });
    return record;
  }

  /** Makes a kept run's latest checkpoint the weights source (to evaluate or export it); resolves to its record. */
  async openRun(id: string): Promise<RunRecord> {
    this.assertNoActiveRun('open another run');
    const record = await this.store.readRecord(id);
    if (!record.latest) throw new FwiError('usage', `run “${record.name}” has no checkpoint yet`);
    this.setSource({ kind: 'checkpoint', runId: id, name: record.name, info: record.latest, config: record.config, loaded: null });
    return record;
  }

  async renameRun(id: string, name: string): Promise<RunRecord> {
    const clean = name.trim();
    if (!clean) throw new FwiError('usage', 'a run needs a name');
    const record = this.active?.record.id === id ? this.active.record : await this.store.readRecord(id);
    if (await this.isOpenElsewhere(id)) throw new FwiError('usage', `run “${record.name}” is open in another tab or window: rename it there`);
    await this.updateRecord(record, { name: clean });
    if (this.source && 'runId' in this.source && this.source.runId === id) this.setSource({ ...this.source, name: clean });
    return record;
  }

  /** Deletes a kept run (not the one training). */
  async deleteRun(id: string): Promise<void> {
    if (this.active?.record.id === id) throw new FwiError('usage', 'stop the run before deleting it');
    const record = await this.store.readRecord(id);
    await this.lockRun(record);
    try {
      await this.store.deleteRun(id);
    } finally {
      this.unlockRun(id);
    }
    if (this.source && 'runId' in this.source && this.source.runId === id) this.setSource(null);
    this.onEvent({ type: 'run-deleted', id });
  }

  // ---- the lifecycle -------------------------------------------------------------------------------

  /** Pauses at the next batch (or validation pass); the state is 'pausing' at once. */
  pause(): void {
    const a = this.active;
    if (!a || !['starting', 'running'].includes(this.current)) return;
    a.trainer.pause();
    this.setState('pausing', a.record.id);
  }

  resume(): void {
    const a = this.active;
    if (!a || !['pausing', 'paused'].includes(this.current)) return;
    const wasPausing = this.current === 'pausing';
    a.trainer.resume();
    // A pause that had not taken effect yet is simply withdrawn; a held trainer reports 'running' itself.
    if (wasPausing) this.setState('running', a.record.id);
  }

  /** Stops after the current batch and saves; resolves to the run's final state. */
  async stop(): Promise<RunState | null> {
    if (this.recovery) await this.recovery;
    const a = this.active;
    if (!a) return null;
    a.trainer.stop();
    this.setState('stopping', a.record.id);
    return a.run;
  }

  /** Resolves when the current run has ended (through any recovery from a lost device): its final state. */
  async finished(): Promise<RunState | null> {
    for (;;) {
      if (this.recovery) {
        await this.recovery;
        continue;
      }
      const a = this.active;
      if (!a) return (['stopped', 'finished', 'failed'] as SessionState[]).includes(this.current) ? (this.current as RunState) : null;
      const state = await a.run;
      if (a.generation === this.generation) return state; // else a lost device abandoned it: the recovery follows
    }
  }

  /**
   * The device under the run is lost (the host's typed signal, from `GPUDevice.lost`): abandon the
   * run, restart the backend, continue from the last good checkpoint (paused if it was paused).
   */
  deviceLost(info: DeviceLossInfo): Promise<void> {
    if (this.recovery) return this.recovery;
    this.recovery = this.recover(info).finally(() => (this.recovery = null));
    return this.recovery;
  }

  // ---- weights ------------------------------------------------------------------------------

  /** Imported checkpoint bundle as the weights source (Evaluate, Export; `startFromCheckpoint` trains on from it). */
  useImportedCheckpoint(checkpoint: Checkpoint, name: string): void {
    this.assertNoActiveRun('import weights');
    this.setSource({ kind: 'imported-checkpoint', name, checkpoint });
  }

  /** Imported generator weights (PyTorch state dict) as the weights source, evaluated with `config`'s normalisation. */
  useImportedWeights(tensors: TensorMap, name: string, config: TrainConfig): void {
    this.assertNoActiveRun('import weights');
    this.setSource({ kind: 'imported-weights', name, tensors, config });
  }

  /** Imported generator weights carry no run configuration: the host's current one (normalisation, widths) applies from now on. */
  setImportedWeightsConfig(config: TrainConfig): void {
    if (this.source?.kind === 'imported-weights') this.source = { ...this.source, config };
  }

  /** The source's generator state dict (PyTorch names), its configuration, and which weights they are. */
  async generatorWeights(): Promise<{ tensors: TensorMap; config: TrainConfig; weights: WeightsInfo }> {
    const s = this.requireSource();
    if (s.kind === 'imported-weights') return { tensors: s.tensors, config: s.config, weights: this.weights! };
    const c = await this.checkpointOf(s);
    return { tensors: c.generator, config: c.meta.config, weights: this.weights! };
  }

  /** The whole checkpoint behind the source (to download and continue elsewhere). */
  async exportCheckpoint(): Promise<Checkpoint> {
    const full = this.storageFull;
    // Autosave has stopped for lack of space: the checkpoint it could not keep can be downloaded while the run goes on.
    if (full?.checkpoint && this.source?.kind === 'live' && this.source.runId === full.runId && this.current !== 'paused') return full.checkpoint;
    const s = this.requireSource();
    if (s.kind === 'imported-weights') throw new FwiError('usage', 'imported generator weights are not a checkpoint (no critic or optimiser state): export the weights instead');
    return this.checkpointOf(s);
  }

  /** A generator-only evaluator on the source's weights; the caller disposes it. */
  async evaluator(): Promise<Evaluator> {
    const { tensors, config, weights } = await this.generatorWeights();
    return Evaluator.fromWeights(tensors, config, weights.name);
  }

  /**
   * The source's velocity maps of the validation samples a run's snapshots show (a reopened run's
   * maps), as the trainer's snapshot event; null when `val` has no labels.
   */
  async snapshot(val: Dataset): Promise<SnapshotEvent | null> {
    if (!val.hasLabels || val.length === 0) return null;
    const indices = snapshotIndices(val.length);
    const evaluator = await this.evaluator();
    try {
      const samples = await val.read(indices);
      const predicted = await evaluator.predictVelocity(val, samples.seismic, indices.length);
      const s = this.source;
      const epoch = s?.kind === 'checkpoint' ? s.info.epoch : s?.kind === 'imported-checkpoint' ? s.checkpoint.meta.position.epoch : 0;
      const [, height, width] = val.velocityShape!;
      return { type: 'snapshot', epoch, generatorStep: this.weights?.generatorStep ?? 0, indices, height, width, predicted, truth: samples.velocity };
    } finally {
      evaluator.dispose();
    }
  }

  /** Evaluates the source's generator on a labelled dataset. */
  async evaluate(dataset: Dataset): Promise<Evaluation & { weights: WeightsInfo }> {
    const evaluator = await this.evaluator();
    try {
      return { ...(await evaluator.evaluate(dataset)), weights: this.weights! };
    } finally {
      evaluator.dispose();
    }
  }

  /** Releases the trainer of a run that is not running (the session cannot be used for training afterwards). */
  async dispose(): Promise<void> {
    if (this.active) await this.stop();
    for (const id of [...this.held.keys()]) this.unlockRun(id);
    this.source = null;
  }

  // ---- inside ---------------------------------------------------------------------------------

  private assertNoActiveRun(what: string): void {
    if (this.recovery || this.active) throw new FwiError('usage', `stop the current run before you ${what}`);
  }

  private requireSource(): Source {
    const s = this.source;
    if (!s) throw new FwiError('usage', 'no weights yet: train, open a kept run, or import weights or a checkpoint');
    if (s.kind === 'live' && this.current !== 'paused') {
      throw new FwiError('usage', `the run is ${this.current}: its weights change with every step; pause or stop it first`);
    }
    return s;
  }

  private async checkpointOf(s: Exclude<Source, { kind: 'imported-weights' }>): Promise<Checkpoint> {
    if (s.kind === 'imported-checkpoint') return s.checkpoint;
    if (s.kind === 'live') return this.active!.trainer.checkpoint();
    if (!s.loaded) {
      const record = this.active?.record.id === s.runId ? this.active.record : await this.store.readRecord(s.runId);
      const c = await this.loadLatest(record);
      if (!c) throw new FwiError('io', `run “${s.name}” has no checkpoint in storage`);
      if (c.meta.criticStep !== s.info.criticStep || c.meta.generatorStep !== s.info.generatorStep) {
        // The store fell back to an older checkpoint (the one named was damaged): say which weights these are.
        this.setSource({ ...s, info: record.latest!, loaded: c });
        return c;
      }
      s.loaded = c;
    }
    return s.loaded;
  }

  private describeSource(s: Source | null): WeightsInfo | null {
    if (!s) return null;
    switch (s.kind) {
      case 'live':
        return { kind: 'live', runId: s.runId, name: s.name, criticStep: null, generatorStep: null, description: `run “${s.name}” as it trains` };
      case 'checkpoint':
        return {
          kind: 'checkpoint',
          runId: s.runId,
          name: s.name,
          criticStep: s.info.criticStep,
          generatorStep: s.info.generatorStep,
          description: `run “${s.name}” at ${describeCheckpoint(s.info)} (its ${s.info.reason === 'end' ? 'final' : 'last good'} checkpoint)`,
        };
      case 'imported-checkpoint': {
        const info = checkpointInfo(s.checkpoint, 'imported');
        return { kind: s.kind, runId: null, name: s.name, criticStep: info.criticStep, generatorStep: info.generatorStep, description: `checkpoint ${s.name} at ${describeCheckpoint(info)}` };
      }
      case 'imported-weights':
        return { kind: s.kind, runId: null, name: s.name, criticStep: null, generatorStep: null, description: `imported generator weights ${s.name}` };
    }
  }

  private setSource(s: Source | null): void {
    this.source = s;
    this.onEvent({ type: 'weights-source', weights: this.describeSource(s) });
  }

  private setState(state: SessionState, runId: string | null, message?: string): void {
    this.current = state;
    this.currentRunId = runId;
    this.onEvent(message === undefined ? { type: 'session-state', state, runId } : { type: 'session-state', state, runId, message });
  }

  private alert(runId: string | null, level: 'warn' | 'error', message: string, offer?: 'download-checkpoint'): void {
    this.onEvent(offer ? { type: 'run-alert', runId, level, message, offer } : { type: 'run-alert', runId, level, message });
  }

  /** Queues a store write after the earlier ones; a failure is told to the user and does not stop the queue. */
  private queue(runId: string, what: string, write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((e) => {
      if (isFwiError(e) && e.code === 'storage-full') this.autosaveStopped(runId, e, null);
      else this.alert(runId, 'warn', `Could not save ${what}: ${errorMessage(e)}`);
    });
  }

  /** Storage is full: the run goes on, the user hears once that autosave stopped and what it needs; `checkpoint` (if any) stays for Download. */
  private autosaveStopped(runId: string, e: FwiError, checkpoint: Checkpoint | null): void {
    const told = this.storageFull?.runId === runId;
    this.storageFull = { runId, checkpoint: checkpoint ?? (told ? this.storageFull!.checkpoint : null) };
    if (told) return;
    const bytes = checkpoint ? checkpointTensorBytes(checkpoint) : this.checkpointSizes.get(runId);
    const size = bytes ? ` A checkpoint of this run needs about ${(bytes / 1e6).toFixed(1)} MB.` : '';
    this.alert(
      runId,
      'error',
      `Autosave stopped: ${errorMessage(e)}. Training goes on, but nothing more of this run is kept until there is room.${size} Free space (delete runs you no longer need), or use Download checkpoint to keep the newest one.`,
      'download-checkpoint',
    );
  }

  /** Takes the run's lock (once per session); FwiError('usage') when another tab or process has the run open. */
  private async lockRun(record: RunRecord): Promise<void> {
    if (!this.locks || this.held.has(record.id)) return;
    const release = await this.locks.acquire(record.id);
    if (!release) throw new FwiError('usage', `run “${record.name}” is open in another tab or window: continue it there, or close it there first`);
    this.held.set(record.id, release);
  }

  private unlockRun(id: string): void {
    this.held.get(id)?.();
    this.held.delete(id);
  }

  /** True when another tab or process has the run open (its lock is taken elsewhere). */
  async isOpenElsewhere(id: string): Promise<boolean> {
    if (!this.locks || this.held.has(id)) return false;
    const release = await this.locks.acquire(id);
    release?.();
    return release === null;
  }

  private async newRecord(config: TrainConfig, data: RunData, name: string | undefined, origin: RunRecord['origin'], skipNonFinite: boolean | undefined): Promise<RunRecord> {
    const now = this.now().toISOString();
    const record: RunRecord = {
      format: RUN_RECORD_FORMAT,
      version: RUN_RECORD_VERSION,
      id: this.newId(),
      name: name?.trim() || (await this.unusedName(`${config.preset}, ${config.widthPreset} widths, ${now.slice(0, 16).replace('T', ' ')}`)),
      createdAt: now,
      updatedAt: now,
      config,
      data: data.identity ?? (await dataIdentity(data.train, data.val)),
      origin,
      state: 'created',
      latest: null,
      ...(skipNonFinite !== undefined ? { skipNonFinite } : {}),
    };
    await this.store.createRun(record);
    this.onEvent({ type: 'run-record', run: { ...record } });
    return record;
  }

  /**
   * `base`, or `base #2`, `base #3`, … when a kept run already has that name: default names carry
   * the minute, and two runs started in the same minute must still be told apart (the run list,
   * a comparison's legend).
   */
  private async unusedName(base: string): Promise<string> {
    const taken = new Set((await this.store.listRuns()).runs.map((r) => r.name));
    if (!taken.has(base)) return base;
    let k = 2;
    while (taken.has(`${base} #${k}`)) k++;
    return `${base} #${k}`;
  }

  private async updateRecord(record: RunRecord, change: Partial<RunRecord>): Promise<void> {
    Object.assign(record, change, { updatedAt: this.now().toISOString() });
    if (change.message === undefined && 'message' in change) delete record.message;
    await this.store.saveRecord(record);
    this.onEvent({ type: 'run-record', run: { ...record } });
  }

  /**
   * `updateRecord` where a full storage must not stop the run or its ending: the change is kept in
   * memory and shown, and the user is told autosave stopped (once), as for a checkpoint not kept.
   */
  private async updateRecordUnlessFull(record: RunRecord, change: Partial<RunRecord>): Promise<void> {
    try {
      await this.updateRecord(record, change);
    } catch (e) {
      if (!(isFwiError(e) && e.code === 'storage-full')) throw e;
      this.autosaveStopped(record.id, e, null);
      this.onEvent({ type: 'run-record', run: { ...record } });
    }
  }

  /**
   * The run's newest whole checkpoint. When the store had to fall back from a damaged one, the
   * user is told which checkpoint is used instead, and the record's `latest` follows it.
   */
  private async loadLatest(record: RunRecord): Promise<Checkpoint | null> {
    const loaded = await this.store.loadCheckpoint(record.id);
    if (!loaded) return null;
    const m = loaded.checkpoint.meta;
    if (loaded.fallback) this.alert(record.id, 'warn', `Run “${record.name}”: ${loaded.fallback}.`);
    const l = record.latest;
    if (!l || l.criticStep !== m.criticStep || l.generatorStep !== m.generatorStep) {
      // The save that made it is not recorded (it came after the record's last save, or before a damaged one).
      const reason = m.criticStep === 0 && m.generatorStep === 0 ? 'start' : 'interval';
      await this.updateRecord(record, { latest: checkpointInfo(loaded.checkpoint, reason) });
    }
    return loaded.checkpoint;
  }

  private async launch(record: RunRecord, data: RunData, o: LaunchOptions): Promise<void> {
    await this.lockRun(record);
    const generation = ++this.generation;
    const id = record.id;
    this.setState('starting', id);
    const common = {
      train: data.train,
      val: data.val ?? undefined,
      store: this.sink(generation, record),
      onEvent: (e: TrainerEvent) => this.onTrainerEvent(generation, e),
      startPaused: o.paused,
      saveAtStart: true,
      clock: this.clock,
      skipNonFinite: record.skipNonFinite ?? this.skipNonFinite,
      holdOnUnreadableData: this.holdOnUnreadableData,
    };
    const trainer = o.checkpoint ? Trainer.fromCheckpoint(o.checkpoint, { ...common, overrides: o.overrides }) : new Trainer({ ...common, config: record.config });
    const active: Active = { record, trainer, generation, data, run: Promise.resolve('stopped'), failure: null };
    this.active = active;
    this.setSource({ kind: 'live', runId: id, name: record.name });
    this.onEvent({ type: 'run-start', runId: id, criticStep: o.checkpoint?.meta.criticStep ?? 0, generatorStep: o.checkpoint?.meta.generatorStep ?? 0, resumed: o.resumed, history: o.history });
    active.run = trainer.run().then(
      (state) => this.settle(active, state, null),
      (e: unknown) => this.settle(active, 'failed', e),
    );
  }

  private sink(generation: number, record: RunRecord): CheckpointSink {
    return {
      save: async (checkpoint, reason) => {
        if (generation !== this.generation) return;
        await this.writes; // the history on storage is never behind the checkpoint
        try {
          await this.store.saveCheckpoint(record.id, checkpoint);
        } catch (e) {
          if (!(isFwiError(e) && e.code === 'storage-full')) throw e;
          this.autosaveStopped(record.id, e, checkpoint);
          this.unsavedCheckpointEvent = true; // the trainer's 'checkpoint' event that follows names a checkpoint not kept
          return;
        }
        this.checkpointSizes.set(record.id, checkpointTensorBytes(checkpoint));
        if (this.storageFull?.runId === record.id) {
          this.storageFull = null;
          this.alert(record.id, 'warn', `Autosave works again: the checkpoint at ${describeCheckpoint(checkpointInfo(checkpoint, reason))} is saved.`);
        }
        await this.updateRecordUnlessFull(record, { latest: checkpointInfo(checkpoint, reason) });
      },
    };
  }

  private onTrainerEvent(generation: number, e: TrainerEvent): void {
    const a = this.active;
    if (generation !== this.generation || !a) return;
    const id = a.record.id;
    if (e.type === 'checkpoint' && this.unsavedCheckpointEvent) {
      this.unsavedCheckpointEvent = false;
      return;
    }
    if (e.type !== 'snapshot' && e.type !== 'progress') this.queue(id, 'the metrics history', () => this.store.appendMetrics(id, [e]));
    if (e.type !== 'state') {
      this.onEvent({ ...e, runId: id });
      return;
    }
    if (e.state === 'failed') a.failure = e.message ?? 'training failed';
    if (e.state === 'running' || e.state === 'paused') {
      // A pause asked for while the trainer was resuming is still pending, and a stop outranks both: keep saying so.
      const keep = this.current === 'stopping' || (e.state === 'running' && this.current === 'pausing');
      if (!keep) this.setState(e.state, id, e.message);
      const state = e.state;
      this.queue(id, 'the run record', () => this.updateRecord(a.record, { state }));
    }
  }

  /** The end of a trainer's run: final state, record, weights source. Abandoned runs end silently. */
  private async settle(a: Active, state: RunState, error: unknown): Promise<RunState> {
    if (a.generation !== this.generation) return state;
    if (state === 'failed' && this.deviceLoss) {
      // A failure on a lost device belongs to the recovery, not to the user.
      const lost = await this.deviceLoss();
      if (a.generation !== this.generation) return state; // the host's signal came meanwhile
      if (lost) {
        void this.deviceLost(lost); // it waits for this run to settle: not awaited here
        return state;
      }
    }
    await this.writes;
    this.active = null;
    const id = a.record.id;
    if (state !== 'failed') {
      a.trainer.dispose();
      const latest = a.record.latest;
      this.setSource(latest ? { kind: 'checkpoint', runId: id, name: a.record.name, info: latest, config: a.record.config, loaded: null } : null);
      await this.updateRecordUnlessFull(a.record, { state, message: undefined });
      this.unlockRun(id);
      // With storage full the stop's checkpoint was not kept: say which one is.
      const full = this.storageFull?.runId === id;
      const stopped = (at: string) => (full ? `stopped; browser storage is full, so the newest checkpoint kept is at ${at}` : `stopped at ${at}; the checkpoint is saved`);
      this.setState(state, id, state === 'stopped' && latest ? stopped(describeCheckpoint(latest)) : undefined);
      return state;
    }
    // The live networks may be damaged (NaN running statistics): only the stored checkpoint is trusted.
    a.trainer.dispose();
    const reason = error !== null ? errorMessage(error) : (a.failure ?? 'training failed');
    const message = `${reason} ${await this.fallBack(a.record)}`;
    await this.updateRecordUnlessFull(a.record, { state: 'failed', message });
    this.unlockRun(id);
    this.setState('failed', id, message);
    return 'failed';
  }

  /** Makes the run's last good checkpoint the weights source; says which weights are in use. */
  private async fallBack(record: RunRecord): Promise<string> {
    let checkpoint: Checkpoint | null;
    try {
      checkpoint = await this.loadLatest(record);
    } catch (e) {
      this.setSource(null);
      return `The last good checkpoint could not be read back (${errorMessage(e)}), so no weights are in use.`;
    }
    if (!checkpoint) {
      this.setSource(null);
      return 'No checkpoint had been saved, so no weights are in use.';
    }
    const info = checkpointInfo(checkpoint, record.latest?.reason ?? 'interval');
    this.setSource({ kind: 'checkpoint', runId: record.id, name: record.name, info, config: checkpoint.meta.config, loaded: checkpoint });
    return `The weights in use are now the last good checkpoint's (${describeCheckpoint(info)}).`;
  }

  private async recover(info: DeviceLossInfo): Promise<void> {
    const why = info.message ? `${info.reason}: ${info.message}` : info.reason;
    const a = this.active;
    if (!a) {
      this.alert(null, 'warn', `The GPU device was lost (${why}); no run was training. Restarting the engine.`);
      await this.restartBackend?.();
      return;
    }
    const id = a.record.id;
    const paused = this.current === 'paused' || this.current === 'pausing';
    this.generation += 1; // from here on, nothing the old trainer emits or saves is kept
    a.trainer.abandon();
    this.setState('recovering', id);
    await a.run.catch(() => 'failed');
    try {
      a.trainer.dispose();
    } catch (e) {
      this.alert(id, 'warn', `The lost device's tensors could not be released (${errorMessage(e)}); restarting the backend frees them.`);
    }
    await this.writes;
    this.active = null;
    const using = await this.fallBack(a.record);
    if (info.outOfMemory !== undefined) {
      // The same batch would run out of memory again: the run ends here, keeping its checkpoint.
      const message = `The GPU device was lost: it ran out of memory. ${info.outOfMemory} ${using}`;
      await this.restartBackend?.().catch((e: unknown) => this.alert(id, 'warn', `The engine could not be restarted: ${errorMessage(e)}`));
      await this.updateRecord(a.record, { state: 'failed', message });
      this.setState('failed', id, message);
      return;
    }
    this.alert(id, 'error', `The GPU device was lost (${why}). ${using} Restarting the engine and continuing the run from there.`);
    try {
      await this.restartBackend?.();
      const checkpoint = await this.loadLatest(a.record);
      const history = checkpoint ? metricsUpTo(await this.store.readMetrics(id), checkpoint) : [];
      await this.store.replaceMetrics(id, history);
      const c = a.record.config;
      await this.launch(a.record, a.data, { checkpoint, paused, resumed: checkpoint !== null, history, overrides: { epochs: c.epochs, valEvery: c.valEvery, snapshotEvery: c.snapshotEvery, checkpointMinutes: c.checkpointMinutes } });
    } catch (e) {
      const message = `could not continue after the lost GPU device: ${errorMessage(e)}. ${using}`;
      await this.updateRecord(a.record, { state: 'failed', message });
      this.unlockRun(id);
      this.setState('failed', id, message);
    }
  }
}
