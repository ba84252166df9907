/**
 * The studio's worker: `StudioApi` over the engine's RunSession. The session owns runs (start,
 * pause, continue, stop, kept runs), the weights Evaluate and Export use, and the failure policy;
 * this adapter keeps only what belongs to the browser: the File handles the user supplied, the
 * browser run store and dataset copies (injected), the WebGPU device and its `lost` promise (a
 * lost device is passed to the session as a typed signal), and the event stream to the page in
 * batches.
 */
import * as Comlink from 'comlink';
import { applyWidthPreset, defaultConfig, validateConfig, type TrainConfig } from '../engine/config.ts';
import { openDataset, type Dataset } from '../engine/data/dataset.ts';
import { describeSample } from '../engine/data/nonFinite.ts';
import { getPreset, resolvePreset, transformOf } from '../engine/data/presets.ts';
import { DEMO_DATASET, synthDatasetInMemory, type DatasetFile } from '../engine/data/synthDataset.ts';
import { errorMessage, FwiError, isFwiError } from '../engine/errors.ts';
import { blobSink, blobSource } from '../engine/io/byteSource.ts';
import { openNpy } from '../engine/io/npy.ts';
import { writeZip } from '../engine/io/zip.ts';
import { encodeNetworkPdparams } from '../engine/model/paddleWeights.ts';
import { chooseTransform, describeTransform, readStoredTraining, weightsMetadata, type StoredTraining } from '../engine/model/weightsMetadata.ts';
import { generatorOf, readWeightsFile, type WeightsFile } from '../engine/model/weightsFile.ts';
import { isOpenFwiTrainingCheckpoint, openFwiImport } from '../engine/train/openfwiResume.ts';
import { batchesPerEpoch } from '../engine/train/schedule.ts';
import type { ForwardKernel } from '../engine/physics/forwardModel.ts';
import { physicsCheck, physicsMeans, physicsSampleIndices } from '../engine/eval/physicsCheck.ts';
import { evaluatedData, evaluationRecord } from '../engine/eval/evaluationRecord.ts';
import { VELOCITY_SIZE } from '../engine/eval/evaluator.ts';
import type { SnapshotEvent } from '../engine/train/events.ts';
import type { CheckpointStore } from '../engine/session/checkpointStore.ts';
import { dataIdentity, describeCheckpoint, isUnfinished, type RunRecord } from '../engine/session/runRecord.ts';
import { RunSession, type DeviceLossInfo, type SessionEvent } from '../engine/session/runSession.ts';
import { decodeCheckpointBundle, encodeCheckpointBundle, isCheckpointBundle, type Checkpoint } from '../engine/train/checkpoint.ts';
import { handOverBundle } from '../engine/train/handOver.ts';
import { historyOfMetrics } from '../engine/train/lossColumns.ts';
import type { GpuHandle } from '../engine/train/backend.ts';
import { backendLimits, largestBatchWithin, lostDeviceOutOfMemory, type MemoryShape } from '../engine/train/memoryBudget.ts';
import { encodeOpenFwiCheckpoint } from '../engine/train/openfwiCheckpoint.ts';
import { chooseBackend, currentGpu, restartBackend } from './backendChoice.ts';
import type { DatasetCopies } from './datasetCopies.ts';
import { splitPairs } from './dataReport.ts';
import { EventBatcher } from './eventBatcher.ts';
import { checkGeneratorWeights, generatorSafetensors } from './generatorWeights.ts';
import type {
  AlertOffer,
  BackendReport,
  BatchFit,
  DemoOptions,
  DroppedFile,
  EvaluationReport,
  ExportedFile,
  ForeignExport,
  ImportReport,
  ListRole,
  RunHistory,
  ShotGather,
  StudioApi,
  StudioBackend,
  StudioEvent,
  TaskEvent,
  TrainStart,
  UnreadableFile,
} from './protocol.ts';
import type { StorageFaults } from './storageFaults.ts';
import { SuppliedData } from './suppliedData.ts';
import { webRunLocks } from './webLocks.ts';

/** Demo sizes: samples, samples per file, and a configuration that trains on them in minutes. */
const DEMO_SIZES: Record<DemoOptions['size'], { train: number; val: number; perFile: number; widths: 'tiny' | 'small' | 'half'; batchSize: number; epochs: number }> = {
  tiny: { train: 4, val: 2, perFile: 4, widths: 'tiny', batchSize: 2, epochs: 2 },
  small: { train: 24, val: 8, perFile: 8, widths: 'small', batchSize: 4, epochs: 10 },
  standard: { train: DEMO_DATASET.train, val: DEMO_DATASET.val, perFile: DEMO_DATASET.perFile, widths: 'half', batchSize: 8, epochs: 20 },
};

/** Where the studio keeps runs: the run store and copies of their datasets (null where the browser cannot keep them). */
export interface StudioStorage {
  runs: CheckpointStore;
  copies: DatasetCopies | null;
  /** The run store's files with faults on demand (diagnostics only). */
  faults?: StorageFaults;
}

export class Studio implements StudioApi {
  private batcher: EventBatcher | null = null;
  private backend: BackendReport | null = null;
  private readonly data = new SuppliedData((report) => this.emit({ type: 'data', report }));
  private config: TrainConfig = defaultConfig();
  private session: RunSession | null = null;
  private storage: StudioStorage | null = null;
  private diagnostics = false;
  /** The shapes of the run training now, to tell a device lost for lack of memory from a driver reset. */
  private runShape: { shape: MemoryShape; batch: number } | null = null;
  /** Steps of the run shown, from its events: the step a live source's exports are named after. */
  private steps = { critic: 0, generator: 0 };
  /** Supplied files the run holds for, as the page was told (it cannot read them). */
  private unreadable: UnreadableFile[] = [];
  /** The run a reload interrupted, offered until it is continued or deleted. */
  private offeredRunId: string | null = null;
  /** What imported generator weights say about their training (the normalisation choice). */
  private imported: { name: string; stored: StoredTraining | null } | null = null;
  private task: { name: TaskEvent['task']; abort: AbortController } | null = null;
  private demo: DatasetFile[] | null = null;

  /** `openStorage` opens the browser's run store; where it fails, runs are kept in memory only and the page is told why. */
  constructor(private readonly openStorage: () => Promise<StudioStorage>, private readonly memoryStorage: () => StudioStorage) {}

  // ---- connection and events --------------------------------------------------------------

  async connect(sink: (events: StudioEvent[]) => void, options: { prefer?: StudioBackend; diagnostics?: boolean }): Promise<BackendReport> {
    this.diagnostics = options.diagnostics === true;
    this.batcher = new EventBatcher((events, transfer) => {
      void Promise.resolve(sink(Comlink.transfer(events, transfer))).catch(() => undefined);
    });
    this.backend = await chooseBackend(options.prefer);
    try {
      this.storage = await this.openStorage();
    } catch (e) {
      this.storage = this.memoryStorage();
      this.alert(`Runs cannot be kept in browser storage (${errorMessage(e)}): they are kept until this tab closes. Use Download checkpoint to keep one.`, null);
    }
    this.session = new RunSession({
      store: this.storage.runs,
      onEvent: (e) => this.onSessionEvent(e),
      restartBackend: () => this.restartEngine(),
      deviceLoss: () => this.deviceLoss(),
      // Two tabs on one saved run: the second is refused; a dropped file that goes away pauses the run until it is re-attached.
      locks: webRunLocks() ?? undefined,
      holdOnUnreadableData: true,
    });
    this.watchDevice();
    void this.announceRuns(true);
    return this.backend;
  }

  private emit(event: StudioEvent): void {
    this.batcher?.push(event);
  }

  private log(message: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.emit({ type: 'log', level, message, time: Date.now() });
  }

  private alert(message: string, runId: string | null, offer?: AlertOffer): void {
    this.emit(offer ? { type: 'alert', message, runId, offer } : { type: 'alert', message, runId });
  }

  private get runs(): RunSession {
    if (!this.session) throw new FwiError('usage', 'the engine is not started yet');
    return this.session;
  }

  private onSessionEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'config':
        return; // the form owns the configuration
      case 'critic-step':
        this.steps.critic = e.criticStep;
        break;
      case 'generator-step':
        this.steps.generator = e.generatorStep;
        break;
      case 'nonfinite-data':
        if (e.action === 'skip') for (const s of e.samples) this.log(`Skipping sample ${s.index} for the rest of the run: ${describeSample(s)}`, 'warn');
        break;
      case 'run-start': {
        const { history, ...start } = e;
        this.steps = { critic: e.criticStep, generator: e.generatorStep };
        if (e.resumed) this.emit({ type: 'history', runId: e.runId, history: historyOfMetrics(history) });
        this.emit(start);
        this.emit({ type: 'run-shown', runId: e.runId });
        return;
      }
      case 'run-alert':
        this.alert(e.message, e.runId, e.offer);
        return;
      case 'session-state':
        if (!['starting', 'running', 'pausing', 'paused', 'stopping', 'recovering'].includes(e.state)) this.runShape = null;
        // A run that holds with a reason may hold for data files it cannot read: the page offers to re-attach them.
        if (e.state === 'paused' && e.message) void this.data.unreadable().then((files) => this.setUnreadable(files));
        else if (e.state !== 'paused' && this.unreadable.length) this.setUnreadable([]);
        break;
    }
    this.emit(e);
  }

  /** Sends the kept runs; on connect, offers the newest run a reload interrupted and puts its configuration in the form. */
  private async announceRuns(offer: boolean): Promise<void> {
    let listing;
    try {
      listing = await this.runs.listRuns();
    } catch (e) {
      this.alert(`The kept runs could not be listed: ${errorMessage(e)}`, null);
      return;
    }
    this.emit({ type: 'runs', runs: listing.runs, unreadable: listing.unreadable });
    if (!offer) return;
    const interrupted = listing.runs.find((r) => r.state === 'running' || r.state === 'paused' || r.state === 'created');
    if (!interrupted || !isUnfinished(interrupted)) return;
    if (await this.runs.isOpenElsewhere(interrupted.id)) {
      this.alert(`Run “${interrupted.name}” is open in another tab or window: continue it there (or close it there, then reload here).`, interrupted.id);
      return;
    }
    const manifest = await this.storage!.copies?.manifest(interrupted.data.headerHash).catch((e: unknown) => {
      this.log(`The dataset kept for run “${interrupted.name}” could not be read: ${errorMessage(e)}`, 'warn');
      return null;
    });
    this.offeredRunId = interrupted.id;
    this.config = interrupted.config;
    this.emit({ type: 'config-changed', config: interrupted.config, reason: 'resume' });
    this.emit({
      type: 'resume-offer',
      offer: {
        run: interrupted,
        files: manifest?.files ?? [...interrupted.data.train, ...interrupted.data.val].map((f) => f.name),
        lists: manifest?.lists ?? [],
        dataStored: manifest?.stored ?? false,
      },
    });
  }

  /** Runs one long task at a time, with progress, cancellation and its outcome as task events. */
  private async runTask<T>(name: TaskEvent['task'], label: string, work: (signal: AbortSignal, progress: (done: number, total: number, message?: string) => void) => Promise<T>): Promise<T> {
    if (this.task) throw new FwiError('usage', `wait for the ${this.task.name} task to finish (or cancel it) first`);
    const abort = new AbortController();
    this.task = { name, abort };
    const event = (state: TaskEvent['state'], done: number, total: number, message: string) => this.emit({ type: 'task', task: name, state, done, total, message });
    event('running', 0, 1, `${label}…`);
    try {
      return await work(abort.signal, (done, total, message) => event('running', done, total, message ?? `${label}: ${done} of ${total}`));
    } catch (e) {
      const cancelled = abort.signal.aborted || (isFwiError(e) && e.code === 'cancelled');
      event(cancelled ? 'cancelled' : 'failed', 0, 1, cancelled ? `${label}: cancelled` : `${label} failed: ${errorMessage(e)}`);
      throw cancelled ? new FwiError('cancelled', `${label}: cancelled`) : e;
    } finally {
      this.task = null;
    }
  }

  private taskDone(task: TaskEvent['task'], message: string): void {
    this.emit({ type: 'task', task, state: 'done', done: 1, total: 1, message });
  }

  async cancel(): Promise<void> {
    this.task?.abort.abort();
  }

  // ---- the GPU device ------------------------------------------------------------------------

  /** Passes the loss of the WebGPU device under the engine to the session, saying whether it ran out of memory. */
  private watchDevice(): void {
    const gpu = currentGpu();
    if (!gpu) return;
    const device = gpu.device;
    void device.lost.then((info) => {
      if (currentGpu()?.device !== device) return; // a device the engine already replaced
      void this.runs.deviceLost(this.lossInfo(info, gpu));
    });
  }

  private lossInfo(info: GPUDeviceLostInfo, gpu: GpuHandle): DeviceLossInfo {
    const memory = this.runShape ? lostDeviceOutOfMemory(info.message, gpu, this.runShape.shape, this.runShape.batch) : null;
    return { reason: String(info.reason), message: info.message, ...(memory ? { outOfMemory: memory.message } : {}) };
  }

  /**
   * The session's question when a run fails: is the WebGPU device lost? Asked of the device itself:
   * mapping a new buffer succeeds on a live device and is refused on a lost one, whose `lost`
   * promise then gives the reason (a read on a destroyed device fails before that promise settles).
   */
  private async deviceLoss(): Promise<DeviceLossInfo | null> {
    const gpu = currentGpu();
    if (!gpu) return null;
    let alive: boolean;
    try {
      const probe = gpu.device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ });
      alive = await probe.mapAsync(GPUMapMode.READ).then(
        () => true,
        () => false,
      );
      probe.destroy();
    } catch {
      alive = false; // the device refuses even to make a buffer
    }
    return alive ? null : this.lossInfo(await gpu.device.lost, gpu);
  }

  /** The session's `restartBackend`: WebGPU started afresh (or the next backend down), watched again. */
  private async restartEngine(): Promise<void> {
    this.backend = await restartBackend();
    this.emit({ type: 'backend', report: this.backend });
    this.watchDevice();
    this.log(`Engine restarted on ${this.backend.name}${this.backend.adapter ? ` (${this.backend.adapter})` : ''}`);
  }

  async simulateDeviceLoss(): Promise<void> {
    if (!this.diagnostics) throw new FwiError('usage', 'simulateDeviceLoss is a diagnostics call: open the studio with ?diagnostics=1 to use it');
    const gpu = currentGpu();
    if (!gpu) throw new FwiError('usage', `the engine runs on ${this.backend?.name ?? 'no backend'}, not WebGPU: there is no GPU device to lose`);
    this.log('Diagnostics: destroying the WebGPU device to simulate its loss', 'warn');
    gpu.device.destroy();
  }

  async simulateStorageFull(roomBytes: number | null): Promise<void> {
    const faults = this.diagnosticFaults('simulateStorageFull');
    this.log(roomBytes === null ? 'Diagnostics: browser storage has room again' : `Diagnostics: browser storage refuses writes beyond ${roomBytes} more bytes`, 'warn');
    faults.limitRoom(roomBytes);
  }

  async holdNextCheckpointSwitch(): Promise<void> {
    await this.diagnosticFaults('holdNextCheckpointSwitch').holdNextSwitch();
  }

  private diagnosticFaults(call: string): StorageFaults {
    if (!this.diagnostics) throw new FwiError('usage', `${call} is a diagnostics call: open the studio with ?diagnostics=1 to use it`);
    const faults = this.storage?.faults;
    if (!faults) throw new FwiError('usage', 'runs are not kept in browser storage here: there is no storage to fault');
    return faults;
  }

  /** The forward model's kernel: tf.js ops on a real GPU; on an emulated one (SwiftShader) the WebAssembly stencil on the CPU is many times faster. */
  private forwardKernel(): ForwardKernel {
    return this.backend?.software ? 'js' : 'auto';
  }

  // ---- files, data and configuration ------------------------------------------------------------

  async addFiles(files: DroppedFile[]): Promise<void> {
    await this.data.add(files);
  }

  async reattachFiles(files: DroppedFile[]): Promise<void> {
    const held = this.unreadable.length > 0;
    const paths = await this.data.reattach(files);
    this.log(`Re-attached ${paths.join(', ')}: the same size and shape as before`);
    const still = await this.data.unreadable();
    this.setUnreadable(still);
    if (held && !still.length) this.runs.resume();
  }

  private setUnreadable(files: UnreadableFile[]): void {
    this.unreadable = files;
    this.emit({ type: 'unreadable-files', files });
  }

  async removeFile(path: string): Promise<void> {
    await this.data.remove(path);
  }

  async setListRole(path: string, role: ListRole): Promise<void> {
    await this.data.setRole(path, role);
  }

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
    // Shapes come from the .npy headers alone; a list that cannot be opened is an error the page shows, not a batch that fits.
    const train = await this.data.openSplit('train', { memoryMode: 'stream' });
    if (!train) return null;
    await train.close();
    if (!train.velocityShape) return null;
    const largest = largestBatchWithin(memoryShape(config, train), backendLimits(backend));
    return largest !== null && config.batchSize > largest ? { backend, batch: config.batchSize, largest } : null;
  }

  /** The configuration with the dataset's normalisation resolved ('auto' scans the training data). */
  private async resolvedConfig(train: Dataset | null): Promise<TrainConfig> {
    const config = this.config;
    if (config.preset !== 'auto') return config;
    if (!train) throw new FwiError('config', 'the "auto" preset needs a training list to scan');
    const resolved = await resolvePreset('auto', { scan: () => train.scanRanges() });
    this.log(`Auto preset: data range [${resolved.transform.dataMin.toFixed(2)}, ${resolved.transform.dataMax.toFixed(2)}], velocity [${resolved.transform.labelMin}, ${resolved.transform.labelMax}] m/s (closest preset ${resolved.preset.name})`);
    this.config = { ...config, transform: resolved.transform };
    this.emit({ type: 'config-changed', config: this.config, reason: 'auto-preset' });
    return this.config;
  }

  /** The training and validation splits a run trains on. */
  private async runData(): Promise<{ train: Dataset; val: Dataset | null }> {
    const train = await this.data.openSplit('train');
    if (!train) throw new FwiError('usage', 'add a training list whose files resolve first');
    return { train, val: await this.data.openSplit('validation') };
  }

  // ---- runs -------------------------------------------------------------------------------------

  async train(options: { skipNonFinite?: boolean; name?: string } = {}): Promise<TrainStart> {
    const nonFinite = await this.data.trainingNonFinite();
    if (nonFinite.length && !options.skipNonFinite) return { started: false, nonFinite };
    if (nonFinite.length) {
      const samples = nonFinite.reduce((n, r) => n + r.samples.length, 0);
      this.log(`Training without the samples holding NaN or infinite values (${samples} sample rows in ${nonFinite.map((r) => r.file).join(', ')}): each is left out when its batch comes up.`, 'warn');
    }
    const skipNonFinite = nonFinite.length > 0;
    const { train, val } = await this.runData();
    const source = this.runs.weights;
    let record: RunRecord;
    if (source?.kind === 'imported-checkpoint') {
      // An imported checkpoint trains on as a new run that starts at it.
      const checkpoint = await this.runs.exportCheckpoint();
      this.checkFits(checkpoint.meta.config, train);
      this.runShape = { shape: memoryShape(checkpoint.meta.config, train), batch: checkpoint.meta.config.batchSize };
      const epochs = Math.max(checkpoint.meta.config.epochs, this.config.epochs);
      record = await this.runs.startFromCheckpoint(checkpoint, { name: options.name ?? source.name, data: { train, val }, settings: { epochs }, skipNonFinite });
    } else {
      if (source?.kind === 'imported-weights') this.log('Imported generator weights alone cannot continue training (the critic and optimiser states are missing): starting a new run. Import a checkpoint to continue one.', 'warn');
      const config = await this.resolvedConfig(train);
      this.checkFits(config, train);
      this.runShape = { shape: memoryShape(config, train), batch: config.batchSize };
      record = await this.runs.start({ config, data: { train, val }, name: options.name, skipNonFinite });
    }
    void this.keepDataset(record);
    return { started: true };
  }

  async continueRun(id: string, options: { epochs?: number; skipNonFinite?: boolean } = {}): Promise<TrainStart> {
    const record = (await this.runs.listRuns()).runs.find((r) => r.id === id);
    if (!record) throw new FwiError('usage', `there is no kept run "${id}"`);
    const data = await this.runTask('resume', `Continuing run “${record.name}”`, async (_signal, progress) => {
      progress(0, 2, 'Finding the run’s dataset…');
      await this.useRunDataset(record);
      progress(1, 2, 'Checking the data…');
      const nonFinite = record.skipNonFinite || options.skipNonFinite ? [] : await this.data.trainingNonFinite();
      if (nonFinite.length) return { nonFinite };
      const { train, val } = await this.runData();
      const config = { ...record.config, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) };
      this.checkFits(config, train);
      this.runShape = { shape: memoryShape(config, train), batch: config.batchSize };
      this.config = config;
      this.emit({ type: 'config-changed', config, reason: 'resume' });
      // The checkpoint it continues from, as loading found it (a save the listing did not know of, or a fallback).
      const { latest } = await this.runs.continueRun(id, { data: { train, val }, settings: options.epochs !== undefined ? { epochs: options.epochs } : undefined, skipNonFinite: options.skipNonFinite });
      this.taskDone('resume', `Continuing run “${record.name}” from ${latest ? describeCheckpoint(latest) : 'step 0'}`);
      return { nonFinite: [] };
    });
    if (data.nonFinite.length) return { started: false, nonFinite: data.nonFinite };
    if (this.offeredRunId === id) {
      this.offeredRunId = null;
      this.emit({ type: 'resume-offer', offer: null });
    }
    return { started: true };
  }

  /** Makes the run's own dataset the supplied data: the files added now if they are it, else the copies browser storage kept. */
  private async useRunDataset(record: RunRecord): Promise<void> {
    const train = await this.data.openSplit('train', { memoryMode: 'stream' });
    const val = await this.data.openSplit('validation', { memoryMode: 'stream' });
    const same = train !== null && (await dataIdentity(train, val)).headerHash === record.data.headerHash;
    await Promise.all([train?.close(), val?.close()]);
    if (same) return;
    const kept = await this.storage!.copies?.read(record.data.headerHash);
    if (!kept) {
      const files = [...record.data.train, ...record.data.val].map((f) => `${f.name} (${f.size} bytes)`).join(', ');
      throw new FwiError('usage', `run “${record.name}” needs the dataset it was trained on: add ${files} with their annotation lists, then continue it again`);
    }
    await this.data.replace(kept.files, kept.lists);
  }

  /** Copies a new run's dataset into browser storage (small datasets only), so a reload can continue it without the files. */
  private async keepDataset(record: RunRecord): Promise<void> {
    const copies = this.storage?.copies;
    if (!copies) return;
    try {
      const { files, lists } = await this.data.trainingFiles();
      await copies.keep(record.data.headerHash, files, lists);
    } catch (e) {
      this.alert(`Could not keep the dataset in browser storage: ${errorMessage(e)}. Continuing run “${record.name}” after a reload will ask for its files again.`, record.id);
    }
  }

  /** FwiError('usage') when the training split cannot fill one batch. */
  private checkFits(config: TrainConfig, train: Dataset): void {
    if (train.length < config.batchSize) throw new FwiError('usage', `the training split has ${train.length} samples, fewer than one batch of ${config.batchSize}`);
  }

  async pause(): Promise<void> {
    this.runs.pause();
  }

  async resume(): Promise<void> {
    this.runs.resume();
  }

  async stop(): Promise<void> {
    await this.runs.stop();
  }

  async openRun(id: string): Promise<void> {
    const record = await this.runs.openRun(id);
    this.emit({ type: 'history', runId: id, history: await this.runHistory(id) });
    this.emit({ type: 'run-shown', runId: id });
    this.config = record.config;
    this.emit({ type: 'config-changed', config: record.config, reason: 'open' });
    const c = record.latest!;
    this.steps = { critic: c.criticStep, generator: c.generatorStep };
    // Its maps: the checkpoint's predictions of the validation samples a run shows, where validation data is loaded.
    const val = await this.data.openSplit('validation');
    const maps = val ? await this.runs.snapshot(val).finally(() => val.close()) : null;
    if (maps) this.emit({ ...maps, runId: id });
  }

  async renameRun(id: string, name: string): Promise<void> {
    await this.runs.renameRun(id, name);
  }

  async deleteRun(id: string): Promise<void> {
    const listing = await this.runs.listRuns();
    const record = listing.runs.find((r) => r.id === id);
    await this.runs.deleteRun(id);
    if (this.offeredRunId === id) {
      this.offeredRunId = null;
      this.emit({ type: 'resume-offer', offer: null });
    }
    // The dataset copy goes with the last run that trained on it.
    const hash = record?.data.headerHash;
    if (hash && !listing.runs.some((r) => r.id !== id && r.data.headerHash === hash)) {
      await this.storage!.copies?.remove(hash).catch((e: unknown) => this.log(`The dataset kept for the deleted run could not be removed: ${errorMessage(e)}`, 'warn'));
    }
    await this.announceRuns(false);
  }

  async runHistory(id: string): Promise<RunHistory> {
    return historyOfMetrics(await this.runs.metrics(id));
  }

  // ---- weights: evaluate, infer, export, import ------------------------------------------------

  /** Imported generator weights take the form's configuration (its normalisation wins, and is said when it differs from the stored one). */
  private async syncImportedConfig(): Promise<void> {
    if (this.runs.weights?.kind !== 'imported-weights' || !this.imported) return;
    const config = await this.resolvedConfig(await this.data.openSplit('train', { memoryMode: 'stream' }));
    const { name, stored } = this.imported;
    const choice = chooseTransform(stored, { preset: config.preset, transform: config.transform }, config);
    if (choice.message) this.log(`${name}: ${choice.message}`, 'warn');
    else if (!stored) this.log(`${name} stores no normalisation (not written by this studio): assuming ${describeTransform(config.preset, config.transform)}`, 'warn');
    this.runs.setImportedWeightsConfig(config);
  }

  async evaluate(options: { physicsSamples: number }): Promise<EvaluationReport> {
    return this.runTask('evaluate', 'Evaluating', async (signal, progress) => {
      const val = await this.data.openSplit('validation');
      if (!val) throw new FwiError('usage', 'add a validation list (with velocity files) to evaluate on');
      await this.syncImportedConfig();
      const evaluator = await this.runs.evaluator();
      const weights = this.runs.weights!;
      try {
        progress(0, val.length, `Evaluating on ${val.length} validation samples…`);
        const m = await evaluator.evaluate(val);
        const report: EvaluationReport = evaluationRecord(m, {
          time: new Date(),
          weights: { source: weights.description, generatorStep: weights.generatorStep ?? this.steps.generator, criticStep: weights.criticStep ?? this.steps.critic },
          config: evaluator.config,
          data: await evaluatedData(val, ...(await this.validationData())),
        });
        this.emit({ type: 'evaluation', report });
        this.taskDone('evaluate', `Evaluated on ${m.samples} validation samples: MAE ${m.mae.toFixed(4)}, RMSE ${m.rmse.toFixed(4)}, SSIM ${m.ssim.toFixed(4)}`);
        const indices = physicsSampleIndices(val.length, options.physicsSamples);
        if (indices.length === 0) return report;
        this.emit({ type: 'task', task: 'physics', state: 'running', done: 0, total: 1, message: `Physics check: forward-modelling ${indices.length} sample${indices.length > 1 ? 's' : ''} and their references…` });
        try {
          const physics = await physicsCheck(await evaluator.predictSamples(val, indices), {
            signal,
            kernel: this.forwardKernel(),
            onProgress: (f) => this.emit({ type: 'task', task: 'physics', state: 'running', done: f, total: 1, message: `Physics check: ${Math.round(f * 100)}%` }),
          });
          const withPhysics: EvaluationReport = { ...report, physics };
          this.emit({ type: 'evaluation', report: withPhysics });
          const mean = physicsMeans(physics);
          this.taskDone('physics', `Physics check: relative misfit ${mean.predicted.toFixed(3)} for the prediction (true model ${mean.truth.toFixed(3)}, smoothed ${mean.smoothed.toFixed(3)}, constant ${mean.constant.toFixed(3)})`);
          return withPhysics;
        } catch (e) {
          const cancelled = signal.aborted || (isFwiError(e) && e.code === 'cancelled');
          this.emit({ type: 'task', task: 'physics', state: cancelled ? 'cancelled' : 'failed', done: 0, total: 1, message: cancelled ? 'Physics check cancelled' : `Physics check failed: ${errorMessage(e)}` });
          return report;
        }
      } finally {
        evaluator.dispose();
      }
    });
  }

  /** The validation split in words, and whether it is the synthetic demo dataset. */
  private async validationData(): Promise<[string, boolean]> {
    const lists = (await this.data.current()).lists.filter((l) => l.role === 'validation');
    const demo = this.demo !== null && lists.every((l) => l.path.startsWith('demo/'));
    const names = lists.map((l) => l.path).join(', ');
    return [demo ? `synthetic demo dataset (${names})` : `validation list${lists.length > 1 ? 's' : ''} ${names}`, demo];
  }

  async predict(listPath: string): Promise<Blob> {
    return this.runTask('predict', 'Inference', async (_signal, progress) => {
      const dataset = await this.data.openList(listPath);
      await this.syncImportedConfig();
      const evaluator = await this.runs.evaluator();
      try {
        const sink = blobSink('application/octet-stream');
        await evaluator.predict(dataset, sink, (done, total) => progress(done, total, `Inference: ${done} of ${total} samples`));
        this.taskDone('predict', `Predicted ${dataset.length} velocity maps from ${listPath}`);
        return sink.blob();
      } finally {
        evaluator.dispose();
        await dataset.close();
      }
    });
  }

  async exportWeights(): Promise<Blob> {
    await this.syncImportedConfig();
    const { tensors, config, weights } = await this.runs.generatorWeights();
    const steps = { generatorStep: weights.generatorStep ?? this.steps.generator, criticStep: weights.criticStep ?? this.steps.critic };
    const stored = weights.kind === 'imported-weights' ? this.imported?.stored : null;
    if (stored) Object.assign(steps, { generatorStep: stored.generatorStep, criticStep: stored.criticStep });
    return blob(generatorSafetensors(tensors, weightsMetadata('generator', config, steps)));
  }

  async exportCheckpoint(): Promise<Blob> {
    return blob(encodeCheckpointBundle(await this.runs.exportCheckpoint()));
  }

  async exportForeign(target: ForeignExport): Promise<ExportedFile[]> {
    const file = (name: string, bytes: Uint8Array): ExportedFile => ({ name, blob: blob(bytes) });
    if (target === 'pdparams' && this.runs.weights?.kind === 'imported-weights') return [file('model_gen.pdparams', encodeNetworkPdparams('generator', (await this.runs.generatorWeights()).tensors))];
    const checkpoint = await this.runs.exportCheckpoint();
    if (target === 'pth') return [file('checkpoint.pth', encodeOpenFwiCheckpoint(checkpoint))];
    if (target === 'pdparams') return [file('model_gen.pdparams', encodeNetworkPdparams('generator', checkpoint.generator)), file('model_dis.pdparams', encodeNetworkPdparams('critic', checkpoint.critic))];
    const lists = (await this.data.current()).lists;
    const pairs = (role: ListRole) => splitPairs(lists, role).map((p) => ({ seismic: p.seismic.path, velocity: p.velocity?.path ?? null }));
    const seismic = new Map(lists.flatMap((l) => l.pairs.map((p) => [p.seismic.path, p.seismic.file] as const)));
    const sizes = await Promise.all([...seismic].map(async ([path, b]) => (await openNpy(blobSource(b, path))).shape[0]));
    const fileSize = sizes.length && sizes.every((n) => n === sizes[0]) ? sizes[0] : null;
    return [file('velocitygan-handover.zip', handOverBundle({ checkpoint, train: pairs('train'), val: pairs('validation'), fileSize }))];
  }

  async importWeights(file: File): Promise<ImportReport> {
    return this.runTask('import', `Importing ${file.name}`, async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const report = isCheckpointBundle(bytes) ? this.adoptCheckpoint(decodeCheckpointBundle(bytes, file.name), file.name) : await this.adoptFile(readWeightsFile(bytes, file.name), file.name);
      this.taskDone('import', report.message);
      return report;
    });
  }

  /**
   * A checkpoint (both networks, optimisers, configuration, steps) becomes the weights source and
   * the form's configuration; Train then continues it as a new run (RunSession.startFromCheckpoint).
   */
  private adoptCheckpoint(checkpoint: Checkpoint, name: string): ImportReport {
    checkGeneratorWeights(checkpoint.generator, name);
    this.runs.useImportedCheckpoint(checkpoint, name);
    this.imported = null;
    this.config = checkpoint.meta.config;
    this.emit({ type: 'config-changed', config: checkpoint.meta.config, reason: 'import' });
    const m = checkpoint.meta;
    const where = describeCheckpoint({ epoch: m.position.epoch, iteration: m.position.iteration, criticStep: m.criticStep, generatorStep: m.generatorStep, reason: 'imported', savedAt: m.savedAt });
    return { kind: 'checkpoint', name, generatorStep: m.generatorStep, config: m.config, message: `Imported checkpoint ${name} (${where}): Evaluate it, or press Train to continue it as a new run.` };
  }

  /**
   * A weights file: OpenFWI's checkpoint.pth with its optimiser states is a checkpoint to continue
   * (placed in its epoch by the training data's batches when that data is here; its warnings go
   * to the log), anything else generator weights.
   */
  private async adoptFile(weights: WeightsFile, name: string): Promise<ImportReport> {
    if (!isOpenFwiTrainingCheckpoint(weights)) return this.adoptWeights(weights, name);
    let samples: number | null = null;
    try {
      const train = await this.data.openSplit('train', { memoryMode: 'stream' });
      samples = train?.length ?? null;
      await train?.close();
    } catch (e) {
      this.log(`${name}: the training data could not be read (${errorMessage(e)}), so the run starts at the first batch of the epoch after the checkpoint's`, 'warn');
    }
    const imported = openFwiImport(weights, name, {
      assumed: { preset: this.config.preset, transform: this.config.transform },
      iterationsPerEpoch: (batch) => (samples === null ? null : batchesPerEpoch(samples, batch)),
    })!;
    for (const w of imported.warnings) this.log(`${name}: ${w}`, 'warn');
    return { ...this.adoptCheckpoint(imported.checkpoint, name), message: imported.message };
  }

  /** Generator weights alone: the source, at their own widths, with their stored normalisation when they have one. */
  private adoptWeights(weights: WeightsFile, name: string): ImportReport {
    const tensors = generatorOf(weights, name);
    const widths = checkGeneratorWeights(tensors, name);
    const stored = readStoredTraining(weights.metadata, name);
    const before = this.config;
    if (!widths.every((w, i) => w === this.config.generatorWidths[i])) this.config = { ...this.config, widthPreset: 'custom', generatorWidths: widths };
    // The stored transform replaces the form's, so Evaluate scores the weights as they were trained.
    if (stored) this.config = { ...this.config, preset: stored.preset, transform: { ...stored.transform } };
    this.runs.useImportedWeights(tensors, name, this.config);
    this.imported = { name, stored };
    if (this.config !== before) this.emit({ type: 'config-changed', config: this.config, reason: 'import' });
    const normalisation = stored
      ? `trained with ${describeTransform(stored.preset, stored.transform)}, now the configuration's normalisation`
      : `no normalisation stored: assuming the configuration's ${describeTransform(this.config.preset, this.config.transform)}`;
    return { kind: 'weights', name, generatorStep: stored?.generatorStep ?? null, config: null, message: `Imported generator weights ${name} (widths ${widths.join(', ')}; ${normalisation}): Evaluate them or run inference.` };
  }

  // ---- the demo dataset and views ------------------------------------------------------------------

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
      this.data.presetHint = { name: summary.preset, reason: `the demo dataset imitates ${summary.preset} (${options.family} layers)` };
      await this.data.add(files.map((f) => ({ path: `demo/${f.name}`, file: new File([f.bytes as Uint8Array<ArrayBuffer>], f.name) })));
      // The benchmark defaults (batch 64, 500 epochs, full widths) do not fit a demo: suggest a quick run instead.
      const preset = getPreset(summary.preset);
      this.config = { ...applyWidthPreset(this.config, size.widths), preset: preset.name, transform: transformOf(preset), batchSize: size.batchSize, epochs: size.epochs, snapshotEvery: 1 };
      this.emit({ type: 'config-changed', config: this.config, reason: 'demo' });
      this.taskDone(
        'demo',
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

  async shotGather(index: number, list?: string): Promise<ShotGather | null> {
    // Streamed: one sample is read, not the whole file.
    const ds = list
      ? await this.data.openList(list, { memoryMode: 'stream' })
      : ((await this.data.openSplit('validation', { memoryMode: 'stream' })) ?? (await this.data.openSplit('train', { memoryMode: 'stream' })));
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
    const val = await this.data.openSplit('validation', { memoryMode: 'stream' });
    if (!val) throw new FwiError('usage', 'add a validation list (with velocity files) to open its samples');
    try {
      if (!Number.isInteger(index) || index < 0 || index >= val.length) throw new FwiError('usage', `sample ${index + 1} is not among the ${val.length} validation samples`);
      await this.syncImportedConfig();
      const evaluator = await this.runs.evaluator();
      try {
        const { predicted, truth } = await evaluator.predictSamples(val, [index]);
        const generatorStep = this.runs.weights?.generatorStep ?? this.steps.generator;
        const maps: SnapshotEvent = { type: 'snapshot', epoch: 0, generatorStep, indices: [index], height: VELOCITY_SIZE, width: VELOCITY_SIZE, predicted, truth };
        return Comlink.transfer(maps, [predicted.buffer as ArrayBuffer, ...(truth ? [truth.buffer as ArrayBuffer] : [])]);
      } finally {
        evaluator.dispose();
      }
    } finally {
      await val.close();
    }
  }
}

function blob(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}

/** The shapes the memory budget needs: the configuration's widths and the split's sample shapes. */
function memoryShape(config: TrainConfig, train: Dataset): MemoryShape {
  return { generatorWidths: config.generatorWidths, criticWidths: config.criticWidths, seismicShape: train.seismicShape, velocityShape: train.velocityShape ?? [1, 70, 70] };
}
