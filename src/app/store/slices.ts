/**
 * The studio store's slices: one interface per concern, so components subscribe to what they
 * show with selectors and a change in one concern re-renders only its readers. The store holds
 * state only; the worker computes, `applyEvents` folds its events in, `commands` sends requests.
 */
import type { ConfigErrors, TrainConfig } from '../../engine/config.ts';
import type { NonFiniteReport } from '../../engine/data/nonFinite.ts';
import type { CheckpointEvent, ProgressEvent, RunState, SnapshotEvent, ValidationEvent } from '../../engine/train/events.ts';
import type { CriticSeries, GeneratorSeries } from '../../engine/train/lossColumns.ts';
import type { BackendReport, DataReport, EvaluationReport, SavedRunInfo, TaskEvent } from '../../worker/protocol.ts';

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
}

export interface MetricsSlice {
  /** Appended in place as steps arrive (a batch costs its own points, not a copy of the run). */
  critic: CriticSeries;
  generator: GeneratorSeries;
  /** Bumped whenever critic or generator changed, in place or replaced: what readers subscribe to. */
  seriesRevision: number;
  validation: ValidationEvent[];
}

export interface SnapshotsSlice {
  snapshots: SnapshotEvent[];
  /** The snapshot the user looks at; null follows the latest. */
  snapshotCursor: number | null;
  /** Which of a snapshot's fixed samples is shown. */
  sampleCursor: number;
}

export interface EvaluationSlice {
  evaluation: EvaluationReport | null;
}

export interface BackendSlice {
  backend: BackendReport | null;
  backendError: string | null;
}

export interface PersistenceSlice {
  savedRun: SavedRunInfo | null;
  resumeOfferDismissed: boolean;
  lastCheckpoint: CheckpointEvent | null;
}

export type StudioState = DataSlice &
  ConfigSlice &
  RunSlice &
  MetricsSlice &
  SnapshotsSlice &
  EvaluationSlice &
  BackendSlice &
  PersistenceSlice;
