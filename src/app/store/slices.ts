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
import type { CheckpointEvent, ProgressEvent, SnapshotEvent, ValidationEvent } from '../../engine/train/events.ts';
import type { CriticSeries, GeneratorSeries } from '../../engine/train/lossColumns.ts';
import type {
  AlertOffer,
  BackendReport,
  BatchFit,
  DataReport,
  EvaluationReport,
  ImportReport,
  ResumeOffer,
  RunHistory,
  RunRecord,
  SessionState,
  ShotGather,
  TaskEvent,
  UnreadableFile,
  WeightsInfo,
} from '../../worker/protocol.ts';

export interface DataSlice {
  data: DataReport | null;
  /** Supplied files the run holds for because the browser refuses to read them (offered for Re-attach files). */
  unreadableFiles: UnreadableFile[];
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

/** A failure the user must see now; `runId` is the run it belongs to (null: none). */
export interface Alert {
  id: number;
  message: string;
  runId: string | null;
  /** What the alert offers to do (a button beside it). */
  offer?: AlertOffer;
}

/** What Train (or Continue) asked to do when it was held back on files with NaN or ±Infinity, to do again with those samples left out. */
export type HeldStart = { kind: 'train' } | { kind: 'continue'; runId: string; epochs?: number };

export interface RunSlice {
  /** The session's state ('pausing' from the moment Pause is pressed, 'paused' once the run holds). */
  runState: SessionState;
  runMessage: string | null;
  progress: ProgressEvent | null;
  log: LogEntry[];
  /**
   * Failures the user must see now (role="alert"), dismissed one by one. They belong to a run:
   * a run that starts (not one that resumes) clears every other run's alerts, and a message
   * already raised for the shown run (`alertsRaised`) is never raised again.
   */
  alerts: Alert[];
  /** Every alert message raised since the shown run started, dismissed ones included. */
  alertsRaised: string[];
  tasks: Partial<Record<TaskEvent['task'], TaskEvent>>;
  /** Which weights Evaluate and Export use (the run, a kept checkpoint, an imported file); null before any. */
  weights: WeightsInfo | null;
  /** Train was held back: the training files hold NaN or ±Infinity and the user has to choose. */
  trainHeld: { reports: NonFiniteReport[]; start: HeldStart } | null;
  /** The shown run's latest critic and generator steps (from its events). */
  steps: { critic: number; generator: number };
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

/**
 * Kept runs, as browser storage holds them: the run list, the resume offer, and compare runs.
 *
 * - `runs` holds every kept run's record (`RunRecord`, engine/session/runRecord.ts: id, name,
 *   config, data identity, state, latest checkpoint), newest first. It is kept current by the
 *   worker's events: created, renamed, checkpointed, continued and deleted runs all arrive.
 * - `runHistories[id]` is a run's curves (`RunHistory`: critic and generator loss columns and its
 *   validations), loaded on demand with `loadRunHistory(id)` in commands.ts and kept until the run
 *   is deleted. The shown run's live curves are `losses`/`validation` (MetricsSlice), not here.
 * - `shownRunId` is the run the page shows: the one training, or a reopened one.
 */
export interface RunsSlice {
  runs: RunRecord[];
  /** Kept runs whose record cannot be read, with why (offered for Discard). */
  unreadableRuns: { id: string; message: string }[];
  shownRunId: string | null;
  runHistories: Record<string, RunHistory>;
  /** The run a reload interrupted, offered for Resume (null when none). */
  resumeOffer: ResumeOffer | null;
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
  RunsSlice;
