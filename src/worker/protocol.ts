/**
 * The studio's worker protocol: the only way the page and the engine talk. Commands go in as a
 * few typed calls (Comlink); everything the engine has to say comes back as a typed, throttled
 * event stream delivered in batches to the one callback the page registers with `connect`.
 * Both sides import this file; it holds types only (no engine code reaches the page).
 */
import type { TrainConfig } from '../engine/config.ts';
import type { EvaluationRecord } from '../engine/eval/evaluationRecord.ts';
import type { SnapshotEvent } from '../engine/train/events.ts';
import type { MemoryMode } from '../engine/data/dataset.ts';
import type { NonFiniteReport } from '../engine/data/nonFinite.ts';
import type { RunRecord } from '../engine/session/runRecord.ts';
import type { RunEvent, SessionState, WeightsInfo } from '../engine/session/runSession.ts';
import type { LossHistory } from '../engine/train/lossColumns.ts';

export type { RunRecord, SessionState, WeightsInfo };

export type StudioBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Which tf.js backend runs the engine, on what adapter, and why faster ones were passed over. */
export interface BackendReport {
  name: StudioBackend;
  /** The WebGPU adapter's self-description (vendor, architecture, device), or null off WebGPU. */
  adapter: string | null;
  /** True when the WebGPU adapter is a software renderer (SwiftShader, llvmpipe): a GPU emulated on the CPU. */
  software: boolean;
  /** Every faster backend that was tried and failed, with the reason in words. */
  fallbacks: { backend: StudioBackend; reason: string }[];
}

/** A file the user dropped or picked, with its path inside the dropped folder (or its name). */
export interface DroppedFile {
  file: File;
  path: string;
}

/** A supplied file the browser refuses to read now (moved, deleted or changed on disk since it was added), with its reason. */
export interface UnreadableFile {
  path: string;
  size: number;
  reason: string;
}

/** What an annotation list is used for; the studio guesses from the name, the user may change it. */
export type ListRole = 'train' | 'validation' | 'inference' | 'unused';

/** One row of the data panel: a file, what it is, and every problem found with it. */
export interface FileRow {
  path: string;
  size: number;
  kind: 'seismic' | 'velocity' | 'npy' | 'annotation' | 'other';
  /** The array's shape for .npy files whose header could be read. */
  shape: number[] | null;
  dtype: string | null;
  /** Role of an annotation list; null for other files. */
  role: ListRole | null;
  /** Seismic/velocity pairs (or seismic-only lines) an annotation list resolved to. */
  pairs: { seismic: string; velocity: string | null; samples: number }[];
  /** Samples the list (or the .npy) holds. */
  samples: number | null;
  problems: string[];
  /**
   * For a .npy named by a training or validation list: its values checked for NaN and ±Infinity
   * ('finite'), the report of those found, or 'unchecked' while the check runs (or for other files).
   */
  values?: 'unchecked' | 'finite' | NonFiniteReport;
}

/** What one role's annotation lists add up to, ready to train on (or why not). */
export interface SplitSummary {
  role: Exclude<ListRole, 'unused'>;
  lists: string[];
  samples: number;
  files: number;
  bytes: number;
  /** 'preload' when the split is read into memory whole, 'stream' when rows are read from the files per batch (the dataset's rule). */
  memoryMode: MemoryMode;
  labelled: boolean;
}

/** The data panel's whole state, sent again after every change. */
export interface DataReport {
  files: FileRow[];
  splits: SplitSummary[];
  totalBytes: number;
  /** The OpenFWI preset the data looks like, with why; null when nothing fits. */
  detectedPreset: { name: string; reason: string } | null;
  /** True when a train split and a validation split are both usable. */
  ready: boolean;
  /** Problems that stop training but belong to no single file. */
  problems: string[];
}

/**
 * Results of evaluating the generator on the validation split: the engine's evaluation record
 * (scores overall and per sample, the weights and their step, the configuration, the data's
 * identity, and the physics check with its reference models once it has run).
 */
export type EvaluationReport = EvaluationRecord;

/** A long task's progress (demo generation, evaluation, prediction, physics check, import, continuing a run). */
export interface TaskEvent {
  type: 'task';
  task: 'demo' | 'evaluate' | 'predict' | 'physics' | 'import' | 'resume';
  state: 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  message: string;
}

/**
 * After a reload: the kept run that was training (or paused) when the page went away, exactly the
 * one "Resume" continues, with the data it needs.
 */
export interface ResumeOffer {
  run: RunRecord;
  /** The dataset files the run trained on (paths as they were added) and the annotation lists with their roles. */
  files: string[];
  lists: { path: string; role: ListRole }[];
  /** True when browser storage kept copies of those files, so the run can continue without them being added again. */
  dataStored: boolean;
}

/** Options for the synthetic demo dataset; 'tiny' is for a quick look (and the browser tests). */
export interface DemoOptions {
  size: 'tiny' | 'small' | 'standard';
  family: 'flat' | 'curve' | 'fault';
  seed: number;
}

/** What an imported weights or checkpoint file turned out to be. */
export interface ImportReport {
  kind: 'weights' | 'checkpoint';
  name: string;
  generatorStep: number | null;
  /** The imported checkpoint's configuration, which the studio adopts. */
  config: TrainConfig | null;
  message: string;
}

/** Foreign formats the studio exports: OpenFWI's checkpoint.pth, PaddleScience's .pdparams, the hand-over bundle. */
export type ForeignExport = 'pth' | 'pdparams' | 'handover';

/** A file to download, named as its target tool expects it. */
export interface ExportedFile {
  name: string;
  blob: Blob;
}

/** The input seismic of one sample, for the shot-gather view. */
export interface ShotGather {
  index: number;
  /** (5, nt, receivers) float32, raw amplitudes. */
  seismic: Float32Array;
  shots: number;
  timeSamples: number;
  receivers: number;
}

/** A run's curves as columns (what the page's metrics slice holds). */
export type RunHistory = LossHistory;

/** Why the worker changed the configuration the form holds (it never echoes the form's own). */
export type ConfigChange = 'demo' | 'import' | 'resume' | 'auto-preset' | 'open';

export type StudioEvent =
  /** The trainer's events (steps, progress, validation, snapshots, checkpoints, skipped samples), each with its run's id; its configuration stays in the worker: the form owns the config. */
  | Exclude<RunEvent, { type: 'config' }>
  /** The session's state; `message` says why a run stopped or failed. */
  | { type: 'session-state'; state: SessionState; runId: string | null; message?: string }
  /** A run (re)starts at these steps: the page drops curve points after them (0: a fresh run) and the run's alerts of earlier runs. */
  | { type: 'run-start'; runId: string; criticStep: number; generatorStep: number; resumed: boolean }
  /** A run's curves up to now (a continued or reopened run), replacing what the page shows. */
  | { type: 'history'; runId: string; history: RunHistory }
  /** Every kept run in browser storage, newest first, and those whose record cannot be read (with why). */
  | { type: 'runs'; runs: RunRecord[]; unreadable: { id: string; message: string }[] }
  /** A kept run was created or changed (state, name, latest checkpoint). */
  | { type: 'run-record'; run: RunRecord }
  | { type: 'run-deleted'; id: string }
  /** The run the page shows now (training, continued or reopened); null for none. */
  | { type: 'run-shown'; runId: string | null }
  /** Which weights Evaluate and Export use now. */
  | { type: 'weights-source'; weights: WeightsInfo | null }
  /** The run a reload interrupted, offered for Resume; null when there is none (or it was continued). */
  | { type: 'resume-offer'; offer: ResumeOffer | null }
  /** The worker changed the configuration (a demo dataset, an imported checkpoint, a resumed or reopened run, a scanned 'auto' preset). */
  | { type: 'config-changed'; config: TrainConfig; reason: ConfigChange }
  | { type: 'backend'; report: BackendReport }
  | { type: 'data'; report: DataReport }
  | TaskEvent
  | { type: 'evaluation'; report: EvaluationReport }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; time: number }
  /** Something the user must see now; `runId` when it concerns a run (it goes when the run's alerts are cleared). */
  | { type: 'alert'; message: string; runId: string | null; offer?: AlertOffer }
  /** The run holds because these supplied files cannot be read (re-attach them to continue); empty once it does not. */
  | { type: 'unreadable-files'; files: UnreadableFile[] };

/** The page's view of the worker. Results that take time also arrive as events. */
/** A batch the backend's heap cannot hold at the configured widths (wasm's 4 GiB), found before training. */
export interface BatchFit {
  backend: StudioBackend;
  batch: number;
  /** The largest batch whose training step fits (0 if none). */
  largest: number;
}

/** What `train` did: started, or held back because the training files hold non-finite values. */
export type TrainStart = { started: true } | { started: false; nonFinite: NonFiniteReport[] };

export interface StudioApi {
  /**
   * Registers the page's event sink; resolves once a backend runs, with which one. The kept runs
   * and the resume offer follow as events. `diagnostics` (the page's `?diagnostics=1`) enables the
   * calls meant for testing the studio itself.
   */
  connect(sink: (events: StudioEvent[]) => void, options: { prefer?: StudioBackend; diagnostics?: boolean }): Promise<BackendReport>;
  addFiles(files: DroppedFile[]): Promise<void>;
  removeFile(path: string): Promise<void>;
  setListRole(path: string, role: ListRole): Promise<void>;
  setConfig(config: TrainConfig): Promise<void>;
  /** Null when `config`'s batch fits the backend's memory (or it has no known limit, or no training list resolves yet). */
  batchTooLarge(config: TrainConfig): Promise<BatchFit | null>;
  /**
   * Starts a new run with the configuration set last (an imported checkpoint: a new run starting
   * at it). It never replaces or deletes a kept run. If the training files hold NaN or ±Infinity
   * and `skipNonFinite` is not set, nothing starts and the reports come back for the page to ask
   * the user; with it, such samples are left out (and the run keeps that choice).
   */
  train(options?: { skipNonFinite?: boolean; name?: string }): Promise<TrainStart>;
  /**
   * Trains a kept run on from its latest checkpoint: after a reload (the resume offer), or a
   * stopped, failed or finished run given `epochs` in total. Its data is the files added now, or
   * the copies browser storage kept of them.
   */
  continueRun(id: string, options?: { epochs?: number; skipNonFinite?: boolean }): Promise<TrainStart>;
  /** Pauses at the next batch (or between two passes of a validation); 'pausing' is reported at once. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops after the current batch; resolves once the checkpoint is saved. */
  stop(): Promise<void>;
  /** Shows a kept run (its curves, and its latest checkpoint as the weights to evaluate or export); not while a run trains. */
  openRun(id: string): Promise<void>;
  renameRun(id: string, name: string): Promise<void>;
  /** Deletes a kept run (not the one training), with its checkpoint, history and dataset copies no other run uses. */
  deleteRun(id: string): Promise<void>;
  /** A kept run's curves (compare runs); the page puts them in the store. */
  runHistory(id: string): Promise<RunHistory>;
  evaluate(options: { physicsSamples: number }): Promise<EvaluationReport>;
  /** Predicted velocities (m/s) for every sample of an annotation list, as a `(n, 1, 70, 70)` .npy. */
  predict(listPath: string): Promise<Blob>;
  exportWeights(): Promise<Blob>;
  exportCheckpoint(): Promise<Blob>;
  /** The run (or imported weights) in another tool's format. */
  exportForeign(target: ForeignExport): Promise<ExportedFile[]>;
  importWeights(file: File): Promise<ImportReport>;
  makeDemoDataset(options: DemoOptions): Promise<void>;
  /** The demo dataset as a zip of .npy files and annotation lists. */
  demoZip(): Promise<Blob>;
  /** Cancels the running long task (demo generation, evaluation, prediction). */
  cancel(): Promise<void>;
  /** One sample's input seismic: of the validation split (else the training split), or of `list` when given. */
  shotGather(index: number, list?: string): Promise<ShotGather | null>;
  /** One validation sample's predicted and true velocity maps with the current weights, as a one-sample snapshot. */
  evaluationSample(index: number): Promise<SnapshotEvent>;
  /**
   * Diagnostics only (refused unless connected with `diagnostics`): destroys the WebGPU device,
   * as a driver reset or a GPU removal would, so the recovery from a lost device can be tried.
   */
  simulateDeviceLoss(): Promise<void>;
  /**
   * Puts picked files in place of supplied files of the same name that the browser stopped letting
   * the run read; each must be the same file (size, a .npy's shape and dtype) or none is taken. A run
   * held for them continues from the batch it stopped at.
   */
  reattachFiles(files: DroppedFile[]): Promise<void>;
  /** Diagnostics only: from now on browser storage refuses writes beyond `roomBytes` more, as a full quota does (null: no limit). */
  simulateStorageFull(roomBytes: number | null): Promise<void>;
  /** Diagnostics only: resolves once the next checkpoint is written and verified; its switch then never happens (kill the worker now). */
  holdNextCheckpointSwitch(): Promise<void>;
}

/** What an alert offers to do: download the checkpoint autosave could not keep, or restart a stopped engine. */
export type AlertOffer = 'download-checkpoint' | 'restart-engine';
