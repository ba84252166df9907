/**
 * The studio store's slices: one interface per concern, so components subscribe to what they
 * show with selectors and a change in one concern re-renders only its readers. The store holds
 * state only; the worker computes, `applyEvents` folds its events in, `commands` sends requests
 * and puts what they answer (a shot gather, a batch check, an import report) here too, so every
 * result reaches components through the store.
 *
 * Loss columns: the revision lives inside the selected object. `losses` is replaced by a new
 * object, with the next revision, whenever a batch of events adds points; the column arrays in
 * it grow in place (copying every column per batch would cost O(run length) each time), and only
 * ever by appending, so a reader that holds an older `losses` still sees a prefix of the same run.
 * A resume that cuts points, or a new run, makes new arrays. Readers select `s.losses` and need
 * no separate counter.
 */
import type { ConfigErrors, TrainConfig } from '../../engine/config.ts';
import type { NonFiniteReport } from '../../engine/data/nonFinite.ts';
import type { CheckpointEvent, ProgressEvent, RunState, SnapshotEvent, ValidationEvent } from '../../engine/train/events.ts';
import type { CriticSeries, GeneratorSeries } from '../../engine/train/lossColumns.ts';
import type { BackendReport, BatchFit, DataReport, EvaluationReport, ImportReport, SavedRunInfo, ShotGather, TaskEvent } from '../../worker/protocol.ts';

export interface DataSlice {
  data: DataReport | null;
}

export interface ConfigSlice {
  /** The configuration as the form holds it (may be invalid while the user types). */
  config: TrainConfig;
  configErrors: ConfigErrors;
}

export interface LogEntry {
  time: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface RunSlice {
  runState: RunState | 'idle';
  runMessage: string | null;
  progress: ProgressEvent | null;
  log: LogEntry[];
  /** Failures the user must see now (role="alert"); dismissed one by one. */
  alerts: { id: number; message: string }[];
  tasks: Partial<Record<TaskEvent['task'], TaskEvent>>;
  /** Where the generator's current weights came from; null before any training or import. */
  weightsSource: string | null;
  /** Train was held back: the training files hold NaN or ±Infinity and the user has to choose. */
  trainHeld: NonFiniteReport[] | null;
  generatorStep: number | null;
  /** The last import's outcome (what the file turned out to be); null before any. */
  importReport: ImportReport | null;
  /**
   * Whether the configured batch fits the backend's heap, for the configuration it was checked
   * with: `fit` is the refusal (null: fits, or no known limit); `error` says why the check itself
   * failed (an unreadable training list), which Train shows instead of assuming it fits.
   */
  batchCheck: { fit: BatchFit | null; error: string | null } | null;
}

/** The loss columns and their revision (see the note at the top of this file). */
export interface LossSeries {
  critic: CriticSeries;
  generator: GeneratorSeries;
  revision: number;
}

export interface MetricsSlice {
  losses: LossSeries;
  validation: ValidationEvent[];
}

export interface SnapshotsSlice {
  snapshots: SnapshotEvent[];
  /** The snapshot the user looks at; null follows the latest. */
  snapshotCursor: number | null;
  /** Which of a snapshot's fixed samples is shown. */
  sampleCursor: number;
  /** The input seismic of the sample the shot-gather view asked for last; null when there is none. */
  shotGather: ShotGather | null;
}

export interface EvaluationSlice {
  evaluation: EvaluationReport | null;
}

/**
 * A sample opened from the evaluation's table or from an inference result: the maps and the shot
 * gather show it instead of the training snapshots until the user goes back.
 */
export interface OpenedSample {
  source: 'evaluation' | 'inference';
  /** 0-based index in its set: the validation split, or the inference list. */
  index: number;
  /** Samples in that set (Previous / Next step through them). */
  count: number;
  /** The inference list whose seismic the gather shows; null for the validation split. */
  list: string | null;
  /** The sample's predicted (and, with labels, true) map, as a one-sample snapshot. */
  maps: SnapshotEvent;
}

/** The last inference result, kept to browse in the map viewer (the .npy as predicted, read a row at a time). */
export interface InferenceResult {
  list: string;
  npy: Blob;
  samples: number;
  generatorStep: number | null;
}

export interface ViewerSlice {
  opened: OpenedSample | null;
  inference: InferenceResult | null;
}

export interface BackendSlice {
  backend: BackendReport | null;
  backendError: string | null;
}

export interface PersistenceSlice {
  savedRun: SavedRunInfo | null;
  /** Why the run saved in browser storage cannot be read (the offer then is to discard it). */
  savedRunError: string | null;
  resumeOfferDismissed: boolean;
  lastCheckpoint: CheckpointEvent | null;
}

export type StudioState = DataSlice &
  ConfigSlice &
  RunSlice &
  MetricsSlice &
  SnapshotsSlice &
  EvaluationSlice &
  ViewerSlice &
  BackendSlice &
  PersistenceSlice;
