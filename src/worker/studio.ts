/**
 * The engine's owner inside the worker: the supplied files, the data report, the configuration,
 * the trainer and the generator weights, the demo dataset, and the run saved in browser storage.
 * It implements the studio protocol; the page only ever sees its events.
 *
 * Weights have one of three sources at a time: the run in this worker (the trainer), an imported
 * checkpoint bundle, or imported generator weights. Evaluate, inference and the physics check run
 * on a `GeneratorModel` built from the source's generator tensors, so all three give the same
 * numbers for the same weights.
 */
import * as Comlink from 'comlink';
import { applyWidthPreset, defaultConfig, validateConfig, type TrainConfig } from '../engine/config.ts';
import { openDataset, type Dataset, type DatasetOptions } from '../engine/data/dataset.ts';
import { describeSample, type NonFiniteReport } from '../engine/data/nonFinite.ts';
import { getPreset, resolvePreset, transformOf } from '../engine/data/presets.ts';
import { errorMessage, FwiError, isFwiError } from '../engine/errors.ts';
import type { ResolvedPair, SuppliedFile } from '../engine/io/annotation.ts';
import { blobSink, blobSource } from '../engine/io/byteSource.ts';
import type { SafeTensor } from '../engine/io/safetensors.ts';
import { openNpy } from '../engine/io/npy.ts';
import { encodeNetworkPdparams } from '../engine/model/paddleWeights.ts';
import { chooseTransform, describeTransform, readStoredTraining, weightsMetadata, type StoredTraining } from '../engine/model/weightsMetadata.ts';
import { generatorOf, readWeightsFile } from '../engine/model/weightsFile.ts';
import type { ForwardKernel } from '../engine/physics/forwardModel.ts';
import { physicsCheck, physicsMeans, physicsSampleIndices } from '../engine/eval/physicsCheck.ts';
import { evaluatedData, evaluationRecord } from '../engine/eval/evaluationRecord.ts';
import { VELOCITY_SIZE } from '../engine/eval/evaluator.ts';
import { DEMO_DATASET, synthDatasetInMemory, type DatasetFile } from '../engine/data/synthDataset.ts';
import { writeZip } from '../engine/io/zip.ts';
import { decodeCheckpointBundle, encodeCheckpointBundle, isCheckpointBundle, type Checkpoint, type CheckpointSink } from '../engine/train/checkpoint.ts';
import type { CheckpointEvent, RunState, SnapshotEvent, TrainerEvent } from '../engine/train/events.ts';
import { backendLimits, largestBatchWithin, lostDeviceOutOfMemory } from '../engine/train/memoryBudget.ts';
import { handOverBundle } from '../engine/train/handOver.ts';
import { encodeOpenFwiCheckpoint } from '../engine/train/openfwiCheckpoint.ts';
import { Trainer } from '../engine/train/trainer.ts';
import { chooseBackend, currentGpu, restartBackend } from './backendChoice.ts';
import type { GpuHandle } from '../engine/train/backend.ts';
import { buildDataState, checkValues, filesToCheck, splitPairs, type DataState } from './dataReport.ts';
import { EventBatcher } from './eventBatcher.ts';
import { checkGeneratorWeights, generatorSafetensors, generatorTrainer } from './generatorWeights.ts';
import { appendCriticStep, appendGeneratorStep, columnsUpTo, emptyCritic, emptyGenerator } from '../engine/train/lossColumns.ts';
import type {
  BatchFit,
  BackendReport,
  DemoOptions,
  DroppedFile,
  EvaluationReport,
  ExportedFile,
  ForeignExport,
  ImportReport,
  ListRole,
  RunHistory,
  SavedRunInfo,
  ShotGather,
  StudioApi,
  StudioBackend,
  StudioEvent,
  TaskEvent,
  TrainStart,
} from './protocol.ts';
import * as vault from './runVault.ts';

/** Demo sizes: samples, samples per file, and a configuration that trains on them in minutes. */
const DEMO_SIZES: Record<DemoOptions['size'], { train: number; val: number; perFile: number; widths: 'tiny' | 'small' | 'half'; batchSize: number; epochs: number }> = {
  tiny: { train: 4, val: 2, perFile: 4, widths: 'tiny', batchSize: 2, epochs: 2 },
  small: { train: 24, val: 8, perFile: 8, widths: 'small', batchSize: 4, epochs: 10 },
  standard: { train: DEMO_DATASET.train, val: DEMO_DATASET.val, perFile: DEMO_DATASET.perFile, widths: 'half', batchSize: 8, epochs: 20 },
};

/** How long a failed WebGPU run waits for its device's `lost` promise before it reports the failure. */
const DEVICE_LOST_GRACE_MS = 1000;

type WeightsSource =
  | { kind: 'trainer'; trainer: Trainer }
  | { kind: 'checkpoint'; checkpoint: Checkpoint; name: string }
  | { kind: 'weights'; tensors: Map<string, SafeTensor>; name: string; stored: StoredTraining | null };

/** Where a checkpoint stands, epochs counted from 1 as everywhere. */
function epochText(p: { epoch: number; iteration: number }): string {
  return p.iteration === 0 ? `after epoch ${p.epoch}` : `epoch ${p.epoch + 1}, batch ${p.iteration + 1}`;
}


function emptyHistory(): RunHistory {
  return { critic: emptyCritic(), generator: emptyGenerator(), validation: [] };
}

/** Keeps the history's points up to (and including) a critic step and a generator step. */
function truncateHistory(h: RunHistory, criticStep: number, generatorStep: number): RunHistory {
  return {
    critic: columnsUpTo(h.critic, criticStep),
    generator: columnsUpTo(h.generator, generatorStep),
    validation: h.validation.filter((v) => v.generatorStep <= generatorStep),
  };
}

export class Studio implements StudioApi {
  private batcher: EventBatcher | null = null;
  private backend: BackendReport | null = null;
  private files: SuppliedFile<Blob>[] = [];
  private roles = new Map<string, ListRole>();
  private data: DataState | null = null;
  private dataVersion = 0;
  private presetHint: { name: string; reason: string } | null = null;
  private config: TrainConfig = defaultConfig();

  private source: WeightsSource | null = null;
  private trainer: Trainer | null = null;
  private run: Promise<RunState> | null = null;
  private runState: RunState | 'idle' = 'idle';
  private history: RunHistory = emptyHistory();
  private lastCheckpoint: Checkpoint | null = null;
  private lastCriticStep = 0;
  private lastGeneratorStep = 0;
  private runFiles: { paths: string[]; lists: { path: string; role: ListRole }[]; stored: boolean } = { paths: [], lists: [], stored: false };
  /** The user chose to train on files holding NaN/±Infinity, leaving those samples out (kept for a restarted run). */
  private skipNonFinite = false;
  /** True while `train` checks the data and builds the run; a pause meanwhile is kept in `pauseAtStart`. */
  private starting = false;
  private pauseAtStart = false;
  private recovering = false;
  /** Bumped when a run's trainer is abandoned (a lost device): its late events and saves are dropped. */
  private runGeneration = 0;
  private diagnostics = false;
  /** The storage failure already alerted in this run: a checkpoint that cannot be saved is alerted once, then logged. */
  private storageAlerted: string | null = null;

  private task: { name: TaskEvent['task']; abort: AbortController } | null = null;
  private demo: DatasetFile[] | null = null;

  // ---- connection and events --------------------------------------------------------------

  async connect(sink: (events: StudioEvent[]) => void, options: { prefer?: StudioBackend; diagnostics?: boolean }): Promise<BackendReport> {
    this.diagnostics = options.diagnostics === true;
    this.batcher = new EventBatcher((events, transfer) => {
      void Promise.resolve(sink(Comlink.transfer(events, transfer))).catch(() => undefined);
    });
    this.backend = await chooseBackend(options.prefer);
    this.watchDevice();
    void this.announceSavedRun();
    return this.backend;
  }

  private emit(event: StudioEvent): void {
    this.batcher?.push(event);
  }

  private log(message: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.emit({ type: 'log', level, message, time: Date.now() });
  }

  private taskEvent(task: TaskEvent['task'], state: TaskEvent['state'], done: number, total: number, message: string): void {
    this.emit({ type: 'task', task, state, done, total, message });
  }

  /** Runs one long task at a time, with progress, cancellation and its outcome as task events. */
  private async runTask<T>(name: TaskEvent['task'], label: string, work: (signal: AbortSignal, progress: (done: number, total: number, message?: string) => void) => Promise<T>): Promise<T> {
    if (this.task) throw new FwiError('usage', `wait for the ${this.task.name} task to finish (or cancel it) first`);
    const abort = new AbortController();
    this.task = { name, abort };
    this.taskEvent(name, 'running', 0, 1, `${label}…`);
    try {
      const result = await work(abort.signal, (done, total, message) => this.taskEvent(name, 'running', done, total, message ?? `${label}: ${done} of ${total}`));
      return result;
    } catch (e) {
      const cancelled = abort.signal.aborted || (isFwiError(e) && e.code === 'cancelled');
      this.taskEvent(name, cancelled ? 'cancelled' : 'failed', 0, 1, cancelled ? `${label}: cancelled` : `${label} failed: ${errorMessage(e)}`);
      throw cancelled ? new FwiError('cancelled', `${label}: cancelled`) : e;
    } finally {
      this.task = null;
    }
  }

  async cancel(): Promise<void> {
    this.task?.abort.abort();
  }

  // ---- the GPU device ------------------------------------------------------------------------

  /** Reports a lost WebGPU device and continues the run from its last checkpoint on a new one. */
  private watchDevice(): void {
    const gpu = currentGpu();
    if (!gpu) return;
    const device = gpu.device;
    void device.lost.then(async (info) => {
      if (this.backend?.name !== 'webgpu' || currentGpu()?.device !== device) return;
      const why = info.message ? `${info.reason}: ${info.message}` : String(info.reason);
      const wasRunning = this.runState === 'running' || this.runState === 'paused';
      const wasPaused = this.runState === 'paused';
      const from = wasRunning ? this.lastCheckpoint : null;
      // Lost for lack of memory: the same batch would fail again, so the run stops, keeping its checkpoint.
      const memory = wasRunning ? await this.outOfMemoryLoss(info.message, gpu) : null;
      // The trainer on the dead device may still fail, emit or save: none of it may reach the page or storage.
      this.runGeneration += 1;
      this.recovering = true;
      this.emit({
        type: 'alert',
        message: memory
          ? `The GPU device was lost: it ran out of memory. ${memory.message}${from ? ` The last checkpoint (critic step ${from.meta.criticStep}) is kept.` : ''}`
          : `The GPU device was lost (${why}). Restarting the engine${from ? ` and resuming from the last checkpoint (critic step ${from.meta.criticStep})` : ''}.`,
      });
      try {
        await this.recoverFromDeviceLoss(wasRunning && !memory, wasPaused, memory ? null : from);
        if (memory) {
          this.runState = 'failed';
          this.emit({ type: 'state', state: 'failed', message: memory.message });
        }
      } catch (e) {
        this.runState = 'failed';
        this.emit({ type: 'state', state: 'failed', message: `could not recover from the lost GPU device: ${errorMessage(e)}` });
      } finally {
        this.recovering = false;
      }
    });
  }

  /** The memory error a lost device stands for (engine's lostDeviceOutOfMemory on this run's shapes), or null. */
  private async outOfMemoryLoss(message: string, gpu: GpuHandle): Promise<FwiError | null> {
    const train = await this.openSplit('train', { memoryMode: 'stream' }).catch(() => null);
    const config = this.lastCheckpoint?.meta.config ?? this.config;
    if (!train?.velocityShape) return null;
    const shape = { generatorWidths: config.generatorWidths, criticWidths: config.criticWidths, seismicShape: train.seismicShape, velocityShape: train.velocityShape };
    return lostDeviceOutOfMemory(message, gpu, shape, config.batchSize);
  }

  private async recoverFromDeviceLoss(wasRunning: boolean, wasPaused: boolean, from: Checkpoint | null): Promise<void> {
    const trainer = this.trainer;
    trainer?.stop();
    this.trainer = null;
    this.run = null;
    if (this.source?.kind === 'trainer') this.source = null;
    try {
      trainer?.dispose();
    } catch {
      // The dead device's buffers cannot be released; dropping the backend frees them.
    }
    this.backend = await restartBackend();
    this.emit({ type: 'backend', report: this.backend });
    this.watchDevice();
    if (from) {
      this.log(
        `Engine restarted on ${this.backend.name}${this.backend.adapter ? ` (${this.backend.adapter})` : ''}; ${wasPaused ? 'the run stays paused at' : 'resuming from'} critic step ${from.meta.criticStep}${wasPaused ? ': press Resume to continue' : ''}`,
      );
      await this.startRun(from, true, wasPaused);
    } else if (wasRunning) {
      this.runState = 'failed';
      this.emit({ type: 'state', state: 'failed', message: 'the GPU was lost before the first checkpoint; press Train to start again' });
    }
  }

  /**
   * True when `device` is lost now or within a moment: a read on a destroyed device can fail
   * before its `lost` promise settles, and such a failure belongs to the recovery, not the user.
   */
  private async lostSoon(device: GPUDevice | null): Promise<boolean> {
    if (!device) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lost = await Promise.race([device.lost.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DEVICE_LOST_GRACE_MS)))]);
    clearTimeout(timer);
    return lost;
  }

  async simulateDeviceLoss(): Promise<void> {
    if (!this.diagnostics) throw new FwiError('usage', 'simulateDeviceLoss is a diagnostics call: open the studio with ?diagnostics=1 to use it');
    const gpu = currentGpu();
    if (!gpu) throw new FwiError('usage', `the engine runs on ${this.backend?.name ?? 'no backend'}, not WebGPU: there is no GPU device to lose`);
    this.log('Diagnostics: destroying the WebGPU device to simulate its loss', 'warn');
    gpu.device.destroy();
  }

  /**
   * The forward model's kernel: tf.js ops on a real GPU; on an emulated one (SwiftShader) the
   * WebAssembly stencil on the CPU is many times faster than the same work through the emulator.
   */
  private forwardKernel(): ForwardKernel {
    return this.backend?.software ? 'js' : 'auto';
  }

  // ---- files and data -------------------------------------------------------------------------

  async addFiles(files: DroppedFile[]): Promise<void> {
    const byPath = new Map(this.files.map((f) => [f.path, f]));
    for (const f of files) byPath.set(f.path, { path: f.path, file: f.file });
    this.files = [...byPath.values()];
    await this.refreshData();
  }

  async removeFile(path: string): Promise<void> {
    this.files = this.files.filter((f) => f.path !== path);
    this.roles.delete(path);
    await this.refreshData();
  }

  async setListRole(path: string, role: ListRole): Promise<void> {
    this.roles.set(path, role);
    await this.refreshData();
  }

  private async refreshData(): Promise<void> {
    const version = ++this.dataVersion;
    const state = await buildDataState(this.files, this.roles, this.presetHint);
    if (version !== this.dataVersion) return; // a newer change is being worked out
    this.data = state;
    const check = filesToCheck(state);
    for (const row of state.report.files) if (check.has(row.path)) row.values = 'unchecked';
    this.emit({ type: 'data', report: state.report });
    void this.checkDataValues(state, version);
  }

  /** Reads the training and validation files' values in the background and marks those holding NaN or ±Infinity. */
  private async checkDataValues(state: DataState, version: number): Promise<void> {
    const rows = new Map(state.report.files.map((r) => [r.path, r]));
    for (const [path, { file, kind }] of filesToCheck(state)) {
      const row = rows.get(path)!;
      try {
        const r = await checkValues(file, path, kind);
        row.values = r.count ? r : 'finite';
      } catch (e) {
        row.problems.push(`its values could not be read: ${errorMessage(e)}`);
        row.values = undefined;
      }
      if (version !== this.dataVersion) return;
    }
    this.emit({ type: 'data', report: { ...state.report, files: state.report.files.map((r) => ({ ...r })) } });
  }

  /** The reports of the training files that hold NaN or ±Infinity (waits for their value check). */
  private async trainingNonFinite(): Promise<NonFiniteReport[]> {
    const found: NonFiniteReport[] = [];
    for (const [path, { file, kind, roles }] of filesToCheck(await this.dataState())) {
      if (!roles.has('train')) continue;
      const r = await checkValues(file, path, kind);
      if (r.count) found.push(r);
    }
    return found;
  }

  private async dataState(): Promise<DataState> {
    if (!this.data) await this.refreshData();
    return this.data!;
  }

  /** The seismic files of one annotation list (inference and its gathers). */
  private async openList(listPath: string, options: DatasetOptions = {}): Promise<Dataset> {
    const list = (await this.dataState()).lists.find((l) => l.path === listPath);
    if (!list) throw new FwiError('usage', `${listPath} is not a usable annotation list`);
    return openDataset(
      list.pairs.map((p) => ({ seismic: blobSource(p.seismic.file, p.seismic.path), velocity: null, label: `${listPath} line ${p.line}` })),
      options,
    );
  }

  private async openSplit(role: ListRole, options: DatasetOptions = {}): Promise<Dataset | null> {
    const pairs: ResolvedPair<Blob>[] = splitPairs((await this.dataState()).lists, role);
    if (pairs.length === 0) return null;
    return openDataset(
      pairs.map((p) => ({ seismic: blobSource(p.seismic.file, p.seismic.path), velocity: p.velocity ? blobSource(p.velocity.file, p.velocity.path) : null, label: `line ${p.line}` })),
      options,
    );
  }

  // ---- configuration --------------------------------------------------------------------------

  async setConfig(config: TrainConfig): Promise<void> {
    const { config: valid, errors } = validateConfig(config);
    const bad = Object.entries(errors);
    if (bad.length) throw new FwiError('config', bad.map(([k, m]) => `${k} ${m}`).join('; '));
    this.config = valid;
  }

  async batchTooLarge(config: TrainConfig): Promise<BatchFit | null> {
    const backend = this.backend?.name;
    // wasm's heap and WebGPU's adapter limits are known; webgl is not a training backend.
    if (backend !== 'wasm' && backend !== 'webgpu') return null;
    const limits = backendLimits(backend);
    // Shapes come from the .npy headers alone: opening the split reads no sample data. A list
    // that cannot be opened is an error the page shows, not a batch that fits.
    const train = await this.openSplit('train', { memoryMode: 'stream' });
    if (!train) return null;
    await train.close();
    if (!train.velocityShape) return null;
    const largest = largestBatchWithin({ generatorWidths: config.generatorWidths, criticWidths: config.criticWidths, seismicShape: train.seismicShape, velocityShape: train.velocityShape }, limits);
    return largest !== null && config.batchSize > largest ? { backend, batch: config.batchSize, largest } : null;
  }

  /** The configuration with the dataset's normalisation resolved ('auto' scans the training data). */
  private async resolvedConfig(train: Dataset | null, config = this.config): Promise<TrainConfig> {
    if (config.preset !== 'auto') return config;
    if (!train) throw new FwiError('config', 'the "auto" preset needs a training list to scan');
    const resolved = await resolvePreset('auto', { scan: () => train.scanRanges() });
    this.log(`Auto preset: data range [${resolved.transform.dataMin.toFixed(2)}, ${resolved.transform.dataMax.toFixed(2)}], velocity [${resolved.transform.labelMin}, ${resolved.transform.labelMax}] m/s (closest preset ${resolved.preset.name})`);
    const scanned = { ...config, transform: resolved.transform };
    if (config === this.config) {
      this.config = scanned;
      this.emit({ type: 'config-changed', config: scanned, reason: 'auto-preset' });
    }
    return scanned;
  }

  // ---- training -------------------------------------------------------------------------------

  private onTrainerEvent(event: TrainerEvent): void {
    // The trainer announces the configuration it runs with; the form already holds it.
    if (event.type === 'config') return;
    const h = this.history;
    switch (event.type) {
      case 'critic-step':
        appendCriticStep(h.critic, event);
        this.lastCriticStep = event.criticStep;
        break;
      case 'generator-step':
        appendGeneratorStep(h.generator, event, this.lastCriticStep);
        this.lastGeneratorStep = event.generatorStep;
        break;
      case 'validation':
        h.validation.push(event);
        break;
      case 'state':
        this.runState = event.state;
        break;
      case 'nonfinite-data':
        if (event.action === 'skip') for (const s of event.samples) this.log(`Skipping sample ${s.index} for the rest of the run: ${describeSample(s)}`, 'warn');
        break;
    }
    this.emit(event);
    if (event.type === 'generator-step') this.emit({ type: 'weights', source: `training run, generator step ${event.generatorStep}`, generatorStep: event.generatorStep });
  }

  /** A storage failure (quota, permission) the user must hear of: an alert the first time in a run, a warning after. */
  private storageFailure(message: string): void {
    if (this.storageAlerted === message) {
      this.log(message, 'warn');
      return;
    }
    this.storageAlerted = message;
    this.emit({ type: 'alert', message });
  }

  /** Saves each checkpoint of one generation's run to browser storage (and keeps it for a lost device). */
  private checkpointStore(generation: number): CheckpointSink {
    return { save: (checkpoint, reason) => (generation === this.runGeneration ? this.saveCheckpoint(checkpoint, reason) : Promise.resolve()) };
  }

  private async saveCheckpoint(checkpoint: Checkpoint, reason: CheckpointEvent['reason']): Promise<void> {
    this.lastCheckpoint = checkpoint;
    const info: SavedRunInfo = {
      savedAt: checkpoint.meta.savedAt,
      epoch: checkpoint.meta.position.epoch,
      criticStep: checkpoint.meta.criticStep,
      generatorStep: checkpoint.meta.generatorStep,
      epochs: checkpoint.meta.config.epochs,
      config: checkpoint.meta.config,
      files: this.runFiles.paths,
      lists: this.runFiles.lists,
      dataStored: this.runFiles.stored,
      unfinished: reason !== 'end' && checkpoint.meta.position.epoch < checkpoint.meta.config.epochs,
    };
    try {
      await vault.saveCheckpoint(encodeCheckpointBundle(checkpoint), info);
      await vault.saveHistory(truncateHistory(this.history, checkpoint.meta.criticStep, checkpoint.meta.generatorStep));
    } catch (e) {
      this.storageFailure(`Could not save the checkpoint to browser storage: ${errorMessage(e)}. The run goes on; a reload now would lose it (use Download checkpoint).`);
    }
  }

  async train(options: { skipNonFinite?: boolean } = {}): Promise<TrainStart> {
    if (this.run || this.recovering || this.starting) throw new FwiError('usage', 'a run is already in progress');
    this.starting = true;
    this.pauseAtStart = false;
    try {
      return await this.startTraining(options);
    } finally {
      this.starting = false;
    }
  }

  private async startTraining(options: { skipNonFinite?: boolean }): Promise<TrainStart> {
    const nonFinite = await this.trainingNonFinite();
    if (nonFinite.length && !options.skipNonFinite) return { started: false, nonFinite };
    this.skipNonFinite = options.skipNonFinite ?? false;
    if (nonFinite.length) {
      const samples = nonFinite.reduce((n, r) => n + r.samples.length, 0);
      this.log(`Training without the samples holding NaN or infinite values (${samples} sample rows in ${nonFinite.map((r) => r.file).join(', ')}): each is left out when its batch comes up.`, 'warn');
    }
    const resumeFrom = this.source?.kind === 'checkpoint' ? this.source.checkpoint : null;
    if (this.source?.kind === 'weights') this.log('Imported generator weights alone cannot continue training (the critic and optimiser states are missing): starting a new run. Import a checkpoint to continue one.', 'warn');
    await this.startRun(resumeFrom);
    return { started: true };
  }

  /**
   * Builds the trainer (fresh, or from a checkpoint) on the current splits and runs it in the background;
   * with `paused`, it holds before its first batch and the page hears 'paused', never 'running'.
   */
  private async startRun(checkpoint: Checkpoint | null, resumed = checkpoint !== null, paused = false): Promise<void> {
    const train = await this.openSplit('train');
    if (!train) throw new FwiError('usage', 'add a training list whose files resolve first');
    const val = await this.openSplit('validation');
    const config = checkpoint ? { ...checkpoint.meta.config, epochs: Math.max(checkpoint.meta.config.epochs, this.config.epochs) } : await this.resolvedConfig(train);
    if (train.length < config.batchSize) throw new FwiError('usage', `the training split has ${train.length} samples, fewer than one batch of ${config.batchSize}`);
    const data = await this.dataState();
    const used = new Set<string>();
    for (const l of data.lists) if (l.role === 'train' || l.role === 'validation') for (const p of l.pairs) [p.seismic, p.velocity].forEach((f) => f && used.add(f.path));
    const listRoles = data.lists.filter((l) => l.role === 'train' || l.role === 'validation').map((l) => ({ path: l.path, role: l.role }));
    const keep = this.files.filter((f) => used.has(f.path) || listRoles.some((l) => l.path === f.path));
    this.runFiles = { paths: keep.map((f) => f.path), lists: listRoles, stored: false };
    this.storageAlerted = null;
    this.trainer?.dispose();
    const generation = ++this.runGeneration;
    let failure: string | null = null;
    let holdAtStart = paused || this.pauseAtStart;
    this.pauseAtStart = false;
    // Events of an abandoned run (a lost device) are dropped; a failure is reported once the run
    // settles, when it is known whether the device was lost.
    const onEvent = (event: TrainerEvent): void => {
      if (generation !== this.runGeneration) return;
      if (holdAtStart && event.type === 'state' && event.state === 'running') {
        // The trainer turns 'running' before it asks for its first batch: a pause now holds it there.
        holdAtStart = false;
        this.trainer?.pause();
        return;
      }
      if (event.type === 'state' && event.state === 'failed') failure = event.message ?? 'training failed';
      else this.onTrainerEvent(event);
    };
    const store = this.checkpointStore(generation);
    this.trainer = checkpoint
      ? Trainer.fromCheckpoint(checkpoint, { train, val: val ?? undefined, onEvent, store, overrides: { epochs: config.epochs }, skipNonFinite: this.skipNonFinite })
      : new Trainer({ config, train, val: val ?? undefined, onEvent, store, skipNonFinite: this.skipNonFinite });
    // A lost device resumes from this run's own checkpoints, never from an earlier run's.
    this.lastCheckpoint = checkpoint;
    this.source = { kind: 'trainer', trainer: this.trainer };
    const criticStep = checkpoint?.meta.criticStep ?? 0;
    const generatorStep = checkpoint?.meta.generatorStep ?? 0;
    if (!checkpoint) this.history = emptyHistory();
    else this.history = truncateHistory(this.history, criticStep, generatorStep);
    this.lastCriticStep = criticStep;
    this.lastGeneratorStep = generatorStep;
    this.emit({ type: 'history', history: this.history });
    this.emit({ type: 'run-start', criticStep, generatorStep, resumed });
    if (checkpoint) this.emit({ type: 'weights', source: `training run (resumed), generator step ${generatorStep}`, generatorStep });
    const trainer = this.trainer;
    const device = currentGpu()?.device ?? null;
    const run = trainer
      .run()
      .catch((e: unknown) => {
        failure = errorMessage(e);
        return 'failed' as RunState;
      })
      .then(async (state) => {
        if (state !== 'failed' || generation !== this.runGeneration) return state;
        if (await this.lostSoon(device)) return state; // the device-loss handler resumes the run
        if (generation !== this.runGeneration) return state;
        this.runState = 'failed';
        this.emit({ type: 'state', state: 'failed', message: failure ?? 'training failed' });
        return state;
      })
      .finally(() => {
        if (this.run === run) this.run = null;
      });
    this.run = run;
    // Copy the dataset into browser storage alongside (small datasets only), so a reload can resume without it.
    void vault
      .storeDataset(keep)
      .then((stored) => {
        this.runFiles.stored = stored;
      })
      .catch((e) => this.storageFailure(`Could not keep the dataset in browser storage: ${errorMessage(e)}. A resumed run will ask for its files again.`));
  }

  async pause(): Promise<void> {
    // Train may still be checking the data (no trainer yet): the run then starts paused.
    if (this.starting) this.pauseAtStart = true;
    else this.trainer?.pause();
  }

  async resume(): Promise<void> {
    this.pauseAtStart = false;
    this.trainer?.resume();
  }

  async stop(): Promise<void> {
    this.trainer?.stop();
    await this.run;
  }

  // ---- the saved run ---------------------------------------------------------------------------

  /** Offers the saved run, or says why the saved run cannot be read (the page offers to discard it). */
  private async announceSavedRun(): Promise<void> {
    try {
      const info = await vault.savedRunInfo();
      this.emit({ type: 'saved-run', info: info && info.unfinished ? info : null, error: null });
    } catch (e) {
      this.emit({ type: 'saved-run', info: null, error: `the saved run could not be read: ${errorMessage(e)}` });
    }
  }

  async resumeSavedRun(): Promise<void> {
    if (this.run) throw new FwiError('usage', 'a run is already in progress');
    await this.runTask('resume', 'Resuming the saved run', async (_signal, progress) => {
      const info = await vault.savedRunInfo();
      const file = await vault.loadCheckpoint();
      if (!info || !file) throw new FwiError('io', 'no saved run was found in browser storage');
      progress(0, 3, 'Reading the saved dataset…');
      const stored = info.dataStored ? await vault.storedDataset(info.files) : [];
      if (stored.length > 0) {
        this.files = stored;
        this.presetHint = null;
      } else {
        const have = new Set(this.files.map((f) => f.path));
        const missing = info.files.filter((p) => !have.has(p));
        if (missing.length) throw new FwiError('usage', `the saved run needs its dataset: add ${missing.join(', ')} and press “Resume previous run” again`);
      }
      this.roles = new Map(info.lists.map((l) => [l.path, l.role]));
      await this.refreshData();
      progress(1, 3, 'Reading the checkpoint…');
      const checkpoint = decodeCheckpointBundle(new Uint8Array(await file.arrayBuffer()), 'saved checkpoint');
      let history: RunHistory | null = null;
      try {
        history = await vault.loadHistory();
      } catch (e) {
        // The checkpoint is intact: the run continues; only its past curves are missing.
        this.log(`The saved curves could not be read (${errorMessage(e)}): the run resumes without its earlier curves`, 'warn');
      }
      this.history = history ?? emptyHistory();
      this.config = checkpoint.meta.config;
      this.emit({ type: 'config-changed', config: checkpoint.meta.config, reason: 'resume' });
      this.lastCheckpoint = checkpoint;
      progress(2, 3, 'Starting…');
      await this.startRun(checkpoint, true);
      this.taskEvent('resume', 'done', 3, 3, `Resumed the saved run at critic step ${checkpoint.meta.criticStep}`);
    });
    this.emit({ type: 'saved-run', info: null, error: null });
  }

  async discardSavedRun(): Promise<void> {
    await vault.discardRun();
    this.emit({ type: 'saved-run', info: null, error: null });
  }

  // ---- weights: the generator behind Evaluate, inference and export ---------------------------------

  /** The generator tensors of the current weights, with the configuration they were trained with. */
  private async generatorTensors(): Promise<{ tensors: Map<string, SafeTensor>; config: TrainConfig; step: number; criticStep: number; source: string; name: string }> {
    const s = this.source;
    if (!s) throw new FwiError('usage', 'no weights yet: train, or import weights or a checkpoint');
    if (s.kind === 'trainer') {
      if (this.runState === 'running') throw new FwiError('usage', 'pause or stop the run first');
      const c = await s.trainer.checkpoint();
      return { tensors: c.generator, config: s.trainer.config, step: c.meta.generatorStep, criticStep: c.meta.criticStep, source: `training run, generator step ${c.meta.generatorStep}`, name: 'training run' };
    }
    if (s.kind === 'checkpoint') {
      const m = s.checkpoint.meta;
      return { tensors: s.checkpoint.generator, config: m.config, step: m.generatorStep, criticStep: m.criticStep, source: `checkpoint ${s.name}, generator step ${m.generatorStep}`, name: s.name };
    }
    const config = this.config.preset === 'auto' ? await this.resolvedConfig(await this.openSplit('train')) : this.config;
    // The form's choice is explicit: it wins, but a transform other than the stored one (or none stored) is said.
    const choice = chooseTransform(s.stored, { preset: config.preset, transform: config.transform }, config);
    if (choice.message) this.log(`${s.name}: ${choice.message}`, 'warn');
    else if (!s.stored) this.log(`${s.name} stores no normalisation (not written by this studio): assuming ${describeTransform(config.preset, config.transform)}`, 'warn');
    const step = s.stored?.generatorStep ?? 0;
    return { tensors: s.tensors, config, step, criticStep: s.stored?.criticStep ?? 0, source: `imported weights ${s.name}`, name: s.name };
  }

  async evaluate(options: { physicsSamples: number }): Promise<EvaluationReport> {
    return this.runTask('evaluate', 'Evaluating', async (signal, progress) => {
      const val = await this.openSplit('validation');
      if (!val) throw new FwiError('usage', 'add a validation list (with velocity files) to evaluate on');
      const g = await this.generatorTensors();
      const config = { ...g.config, batchSize: 16 };
      const trainer = generatorTrainer(g.tensors, config);
      try {
        progress(0, val.length, `Evaluating on ${val.length} validation samples…`);
        const m = await trainer.evaluate(val);
        const report: EvaluationReport = evaluationRecord(m, {
          time: new Date(),
          weights: { source: g.source, generatorStep: g.step, criticStep: g.criticStep },
          config: g.config,
          data: await evaluatedData(val, ...(await this.validationData())),
        });
        this.emit({ type: 'evaluation', report });
        this.taskEvent('evaluate', 'done', 1, 1, `Evaluated on ${m.samples} validation samples: MAE ${m.mae.toFixed(4)}, RMSE ${m.rmse.toFixed(4)}, SSIM ${m.ssim.toFixed(4)}`);
        const indices = physicsSampleIndices(val.length, options.physicsSamples);
        if (indices.length === 0) return report;
        this.taskEvent('physics', 'running', 0, 1, `Physics check: forward-modelling ${indices.length} sample${indices.length > 1 ? 's' : ''} and their references…`);
        try {
          const physics = await physicsCheck(await trainer.predictSamples(val, indices), {
            signal,
            kernel: this.forwardKernel(),
            onProgress: (f) => this.taskEvent('physics', 'running', f, 1, `Physics check: ${Math.round(f * 100)}%`),
          });
          const withPhysics: EvaluationReport = { ...report, physics };
          this.emit({ type: 'evaluation', report: withPhysics });
          const mean = physicsMeans(physics);
          this.taskEvent('physics', 'done', 1, 1, `Physics check: relative misfit ${mean.predicted.toFixed(3)} for the prediction (true model ${mean.truth.toFixed(3)}, smoothed ${mean.smoothed.toFixed(3)}, constant ${mean.constant.toFixed(3)})`);
          return withPhysics;
        } catch (e) {
          const cancelled = signal.aborted || (isFwiError(e) && e.code === 'cancelled');
          this.taskEvent('physics', cancelled ? 'cancelled' : 'failed', 0, 1, cancelled ? 'Physics check cancelled' : `Physics check failed: ${errorMessage(e)}`);
          return report;
        }
      } finally {
        trainer.dispose();
      }
    });
  }

  /** The validation split in words, and whether it is the synthetic demo dataset. */
  private async validationData(): Promise<[string, boolean]> {
    const lists = (await this.dataState()).lists.filter((l) => l.role === 'validation');
    const demo = this.demo !== null && lists.every((l) => l.path.startsWith('demo/'));
    const names = lists.map((l) => l.path).join(', ');
    return [demo ? `synthetic demo dataset (${names})` : `validation list${lists.length > 1 ? 's' : ''} ${names}`, demo];
  }

  async predict(listPath: string): Promise<Blob> {
    return this.runTask('predict', 'Inference', async (_signal, progress) => {
      const dataset = await this.openList(listPath);
      const g = await this.generatorTensors();
      const trainer = generatorTrainer(g.tensors, { ...g.config, batchSize: 16 });
      try {
        const sink = blobSink('application/octet-stream');
        await trainer.predict(dataset, sink, (done, total) => progress(done, total, `Inference: ${done} of ${total} samples`));
        this.taskEvent('predict', 'done', 1, 1, `Predicted ${dataset.length} velocity maps from ${listPath}`);
        return sink.blob();
      } finally {
        trainer.dispose();
        await dataset.close();
      }
    });
  }

  async exportWeights(): Promise<Blob> {
    const g = await this.generatorTensors();
    const bytes = generatorSafetensors(g.tensors, weightsMetadata('generator', g.config, { generatorStep: g.step, criticStep: g.criticStep }));
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  }

  private async currentCheckpoint(): Promise<Checkpoint> {
    const s = this.source;
    if (s?.kind === 'trainer') {
      if (this.runState === 'running') throw new FwiError('usage', 'pause or stop the run first');
      return s.trainer.checkpoint();
    }
    if (s?.kind === 'checkpoint') return s.checkpoint;
    throw new FwiError('usage', s ? 'imported generator weights are not a checkpoint (no critic or optimiser state): use Export weights' : 'no run to save yet');
  }

  async exportCheckpoint(): Promise<Blob> {
    return new Blob([encodeCheckpointBundle(await this.currentCheckpoint()) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  }

  async exportForeign(target: ForeignExport): Promise<ExportedFile[]> {
    const file = (name: string, bytes: Uint8Array): ExportedFile => ({ name, blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }) });
    if (target === 'pdparams' && this.source?.kind === 'weights') return [file('model_gen.pdparams', encodeNetworkPdparams('generator', this.source.tensors))];
    const checkpoint = await this.currentCheckpoint();
    if (target === 'pth') return [file('checkpoint.pth', encodeOpenFwiCheckpoint(checkpoint))];
    if (target === 'pdparams') return [file('model_gen.pdparams', encodeNetworkPdparams('generator', checkpoint.generator)), file('model_dis.pdparams', encodeNetworkPdparams('critic', checkpoint.critic))];
    const lists = (await this.dataState()).lists;
    const pairs = (role: ListRole) => splitPairs(lists, role).map((p) => ({ seismic: p.seismic.path, velocity: p.velocity?.path ?? null }));
    const seismic = new Map(lists.flatMap((l) => l.pairs.map((p) => [p.seismic.path, p.seismic.file] as const)));
    const sizes = await Promise.all([...seismic].map(async ([path, blob]) => (await openNpy(blobSource(blob, path))).shape[0]));
    const fileSize = sizes.length && sizes.every((n) => n === sizes[0]) ? sizes[0] : null;
    return [file('velocitygan-handover.zip', handOverBundle({ checkpoint, train: pairs('train'), val: pairs('validation'), fileSize }))];
  }

  async importWeights(file: File): Promise<ImportReport> {
    if (this.runState === 'running' || this.runState === 'paused') throw new FwiError('usage', 'stop the run before importing weights');
    return this.runTask('import', `Importing ${file.name}`, async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let report: ImportReport;
      if (isCheckpointBundle(bytes)) {
        const checkpoint = decodeCheckpointBundle(bytes, file.name);
        checkGeneratorWeights(checkpoint.generator, file.name);
        this.source = { kind: 'checkpoint', checkpoint, name: file.name };
        this.config = checkpoint.meta.config;
        this.emit({ type: 'config-changed', config: checkpoint.meta.config, reason: 'import' });
        report = {
          kind: 'checkpoint',
          name: file.name,
          generatorStep: checkpoint.meta.generatorStep,
          config: checkpoint.meta.config,
          message: `Imported checkpoint ${file.name} (${epochText(checkpoint.meta.position)}, generator step ${checkpoint.meta.generatorStep}): Evaluate it, or press Train to continue its run.`,
        };
      } else {
        const weights = readWeightsFile(bytes, file.name);
        const tensors = generatorOf(weights, file.name);
        const widths = checkGeneratorWeights(tensors, file.name);
        const stored = readStoredTraining(weights.metadata, file.name);
        this.source = { kind: 'weights', tensors, name: file.name, stored };
        const sameWidths = widths.every((w, i) => w === this.config.generatorWidths[i]);
        const before = this.config;
        if (!sameWidths) this.config = { ...this.config, widthPreset: 'custom', generatorWidths: widths as TrainConfig['generatorWidths'] };
        // The stored transform replaces the form's, so Evaluate scores the weights as they were trained.
        if (stored) this.config = { ...this.config, preset: stored.preset, transform: { ...stored.transform } };
        if (this.config !== before) this.emit({ type: 'config-changed', config: this.config, reason: 'import' });
        const normalisation = stored
          ? `trained with ${describeTransform(stored.preset, stored.transform)}, now the configuration's normalisation`
          : `no normalisation stored: assuming the configuration's ${describeTransform(this.config.preset, this.config.transform)}`;
        report = {
          kind: 'weights',
          name: file.name,
          generatorStep: stored?.generatorStep ?? null,
          config: null,
          message: `Imported generator weights ${file.name} (widths ${widths.join(', ')}; ${normalisation}): Evaluate them or run inference.`,
        };
      }
      this.trainer?.dispose();
      this.trainer = null;
      this.emit({ type: 'weights', source: report.kind === 'checkpoint' ? `checkpoint ${file.name}` : `imported weights ${file.name}`, generatorStep: report.generatorStep });
      this.taskEvent('import', 'done', 1, 1, report.message);
      return report;
    });
  }

  // ---- the demo dataset ---------------------------------------------------------------------------

  async makeDemoDataset(options: DemoOptions): Promise<void> {
    const size = DEMO_SIZES[options.size];
    if (!size) throw new FwiError('usage', `unknown demo size "${options.size}"`);
    await this.runTask('demo', 'Making the demo dataset', async (signal, progress) => {
      const total = size.train + size.val;
      const { files, summary } = await synthDatasetInMemory({
        family: options.family,
        train: size.train,
        val: size.val,
        perFile: size.perFile,
        seed: options.seed,
        signal,
        kernel: this.forwardKernel(),
        onProgress: (p) => progress(p.fraction, 1, `Forward-modelling the demo dataset: sample ${Math.min(p.samplesDone + 1, total)} of ${total} (${Math.round(p.fraction * 100)}%)`),
      });
      this.demo = files;
      this.presetHint = { name: summary.preset, reason: `the demo dataset imitates ${summary.preset} (${options.family} layers)` };
      const dropped = files.map((f) => ({ path: `demo/${f.name}`, file: new File([f.bytes as Uint8Array<ArrayBuffer>], f.name) }));
      await this.addFiles(dropped);
      // The benchmark defaults (batch 64, 500 epochs, full widths) do not fit a demo: suggest a quick run instead.
      const preset = getPreset(summary.preset);
      this.config = {
        ...applyWidthPreset(this.config, size.widths),
        preset: preset.name,
        transform: transformOf(preset),
        batchSize: size.batchSize,
        epochs: size.epochs,
        snapshotEvery: 1,
      };
      this.emit({ type: 'config-changed', config: this.config, reason: 'demo' });
      this.taskEvent(
        'demo',
        'done',
        1,
        1,
        `Demo dataset ready: ${size.train} training and ${size.val} validation samples of ${options.family} layers (${summary.preset}-like). The configuration now suits it (${size.widths} widths, batch ${size.batchSize}, ${size.epochs} epochs).`,
      );
    });
  }

  async demoZip(): Promise<Blob> {
    if (!this.demo) throw new FwiError('usage', 'make the demo dataset first');
    const sink = blobSink('application/zip');
    await writeZip(this.demo, sink);
    return sink.blob();
  }

  // ---- views ----------------------------------------------------------------------------------------

  async shotGather(index: number, list?: string): Promise<ShotGather | null> {
    // Streamed: one sample is read, not the whole file.
    const ds = list
      ? await this.openList(list, { memoryMode: 'stream' })
      : ((await this.openSplit('validation', { memoryMode: 'stream' })) ?? (await this.openSplit('train', { memoryMode: 'stream' })));
    if (!ds) return null;
    try {
      if (index < 0 || index >= ds.length) return null;
      const { seismic } = await ds.read([index]);
      const [shots, timeSamples, receivers] = ds.seismicShape;
      return Comlink.transfer({ index, seismic, shots, timeSamples, receivers }, [seismic.buffer as ArrayBuffer]);
    } finally {
      await ds.close();
    }
  }

  async evaluationSample(index: number): Promise<SnapshotEvent> {
    const val = await this.openSplit('validation', { memoryMode: 'stream' });
    if (!val) throw new FwiError('usage', 'add a validation list (with velocity files) to open its samples');
    try {
      if (!Number.isInteger(index) || index < 0 || index >= val.length) throw new FwiError('usage', `sample ${index + 1} is not among the ${val.length} validation samples`);
      const g = await this.generatorTensors();
      const evaluator = generatorTrainer(g.tensors, { ...g.config, batchSize: 1 });
      try {
        const { predicted, truth } = await evaluator.predictSamples(val, [index]);
        const maps: SnapshotEvent = { type: 'snapshot', epoch: 0, generatorStep: g.step, indices: [index], height: VELOCITY_SIZE, width: VELOCITY_SIZE, predicted, truth };
        return Comlink.transfer(maps, [predicted.buffer as ArrayBuffer, ...(truth ? [truth.buffer as ArrayBuffer] : [])]);
      } finally {
        evaluator.dispose();
      }
    } finally {
      await val.close();
    }
  }

}
