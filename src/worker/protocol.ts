/**
 * The studio's worker protocol: the only way the page and the engine talk. Commands go in as a
 * few typed calls (Comlink); everything the engine has to say comes back as a typed, throttled
 * event stream delivered in batches to the one callback the page registers with `connect`.
 * Both sides import this file; it holds types only (no engine code reaches the page).
 */
import type { TrainConfig } from '../engine/config.ts';
import type { EvaluationRecord } from '../engine/eval/evaluationRecord.ts';
import type { MemoryMode } from '../engine/data/dataset.ts';
import type { NonFiniteReport } from '../engine/data/nonFinite.ts';
import type { CriticSeries, GeneratorSeries } from '../engine/train/lossColumns.ts';
import type { ConfigEvent, SnapshotEvent, TrainerEvent, ValidationEvent } from '../engine/train/events.ts';

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

/** A long task's progress (demo generation, evaluation, prediction, physics check, import). */
export interface TaskEvent {
  type: 'task';
  task: 'demo' | 'evaluate' | 'predict' | 'physics' | 'import' | 'resume';
  state: 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  message: string;
}

/** A saved run in browser storage that can be resumed. */
export interface SavedRunInfo {
  savedAt: string;
  epoch: number;
  criticStep: number;
  generatorStep: number;
  epochs: number;
  config: TrainConfig;
  /** Dataset files the run trained on, as paths; whether the studio kept copies of them. */
  files: string[];
  /** The annotation lists and their roles, to rebuild the splits. */
  lists: { path: string; role: ListRole }[];
  dataStored: boolean;
  /** True when the run had not reached its last epoch. */
  unfinished: boolean;
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
export interface RunHistory {
  critic: CriticSeries;
  generator: GeneratorSeries;
  validation: ValidationEvent[];
}

/** Why the worker changed the configuration the form holds (it never echoes the form's own). */
export type ConfigChange = 'demo' | 'import' | 'resume' | 'auto-preset';

export type StudioEvent =
  /** The trainer's own announcement of its configuration stays in the worker: the form owns the config. */
  | Exclude<TrainerEvent, ConfigEvent>
  /** The worker changed the configuration (a demo dataset, an imported checkpoint, a resumed run, a scanned 'auto' preset). */
  | { type: 'config-changed'; config: TrainConfig; reason: ConfigChange }
  | { type: 'backend'; report: BackendReport }
  | { type: 'data'; report: DataReport }
  | TaskEvent
  | { type: 'evaluation'; report: EvaluationReport }
  /** The run saved in browser storage that can be resumed, or why the saved run cannot be read. */
  | { type: 'saved-run'; info: SavedRunInfo | null; error: string | null }
  | { type: 'weights'; source: string | null; generatorStep: number | null }
  /** The curves of a resumed run up to its checkpoint, replacing what the page shows. */
  | { type: 'history'; history: RunHistory }
  /** A run (re)starts at this critic step: the page drops curve points after it (0: a fresh run). */
  | { type: 'run-start'; criticStep: number; generatorStep: number; resumed: boolean }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; time: number }
  | { type: 'alert'; message: string };

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
   * Registers the page's event sink; resolves once a backend runs, with which one. `diagnostics`
   * (the page's `?diagnostics=1`) enables the calls meant for testing the studio itself.
   */
  connect(sink: (events: StudioEvent[]) => void, options: { prefer?: StudioBackend; diagnostics?: boolean }): Promise<BackendReport>;
  addFiles(files: DroppedFile[]): Promise<void>;
  removeFile(path: string): Promise<void>;
  setListRole(path: string, role: ListRole): Promise<void>;
  setConfig(config: TrainConfig): Promise<void>;
  /** Null when `config`'s batch fits the backend's memory (or it has no known limit, or no training list resolves yet). */
  batchTooLarge(config: TrainConfig): Promise<BatchFit | null>;
  /**
   * Starts training: from scratch, or on from the imported checkpoint when one was imported. If
   * the training files hold NaN or ±Infinity and `skipNonFinite` is not set, nothing starts and
   * the reports come back for the page to ask the user; with it, such samples are left out.
   */
  train(options?: { skipNonFinite?: boolean }): Promise<TrainStart>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
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
  resumeSavedRun(): Promise<void>;
  discardSavedRun(): Promise<void>;
  /**
   * Diagnostics only (refused unless connected with `diagnostics`): destroys the WebGPU device,
   * as a driver reset or a GPU removal would, so the recovery from a lost device can be tried.
   */
  simulateDeviceLoss(): Promise<void>;
}
