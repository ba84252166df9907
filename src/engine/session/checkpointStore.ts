/**
 * Where the run session keeps runs: each run's record, its latest checkpoint and its metrics
 * history. One implementation, `fileCheckpointStore` (fileCheckpointStore.ts), over a small files
 * primitive (runFiles.ts): a Node folder for the CLI (src/cli/runFolders.ts), the origin private
 * file system in the worker (src/worker/opfsFiles.ts), and memory (`memoryCheckpointStore` here,
 * for tests: the same bytes a persistent store writes).
 *
 * Contract, for every implementation:
 * - `createRun` refuses an id that exists: a new run never replaces an old one. `deleteRun` is the
 *   only way a run goes.
 * - `saveCheckpoint` is atomic: afterwards `loadCheckpoint` returns the new checkpoint; if it
 *   fails, the previous one is still there, whole (write the new one beside it, verify, switch).
 *   The one before the latest is kept too. The session saves the record (with `latest`) only
 *   after `saveCheckpoint` resolved.
 * - `loadCheckpoint` verifies what it reads (checksums): a damaged latest checkpoint is refused by
 *   name and the one before is returned, with `fallback` saying so for the user.
 * - Anything read back (`readRecord`, `listRuns`, `loadCheckpoint`, `readMetrics`) is validated;
 *   failures are FwiErrors naming the run and the problem, never a silent default.
 */
import type { Checkpoint } from '../train/checkpoint.ts';
import type { TrainerEvent } from '../train/events.ts';
import { fileCheckpointStore } from './fileCheckpointStore.ts';
import type { RunRecord } from './runRecord.ts';
import { memoryRunFiles, type MemoryRunFiles } from './runFiles.ts';

/** What a run's metrics history keeps: every trainer event but the pictures and progress ticks. */
export type MetricEvent = Exclude<TrainerEvent, { type: 'snapshot' | 'progress' }>;

/** Runs the store holds, newest first, and those whose record could not be read. */
export interface RunListing {
  runs: RunRecord[];
  unreadable: { id: string; message: string }[];
}

/** A checkpoint read back from a store. */
export interface LoadedCheckpoint {
  checkpoint: Checkpoint;
  /**
   * Null when this is the latest checkpoint saved; else why it is not, for the user: "checkpoint
   * of generator step 40 (critic step 200) is damaged (…); using generator step 30 (…)".
   */
  fallback: string | null;
}

export interface CheckpointStore {
  listRuns(): Promise<RunListing>;
  /** FwiError when there is no such run or its record cannot be read. */
  readRecord(id: string): Promise<RunRecord>;
  /** Stores a new run's record; FwiError('usage') if the id is taken. */
  createRun(record: RunRecord): Promise<void>;
  /** Replaces an existing run's record. */
  saveRecord(record: RunRecord): Promise<void>;
  /** Replaces the run's latest checkpoint, atomically (the one it replaces is kept as the previous). */
  saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void>;
  /** The run's newest whole checkpoint, or null before its first; FwiError('checkpoint-damaged') when none is whole. */
  loadCheckpoint(id: string): Promise<LoadedCheckpoint | null>;
  appendMetrics(id: string, events: MetricEvent[]): Promise<void>;
  readMetrics(id: string): Promise<MetricEvent[]>;
  /** Replaces the history (a run continued from a checkpoint older than its last events drops those events). */
  replaceMetrics(id: string, events: MetricEvent[]): Promise<void>;
  deleteRun(id: string): Promise<void>;
}

/**
 * The history a run continued from `checkpoint` keeps: everything up to the checkpoint's steps,
 * the validations of the epochs before its position, and the log events (config, state,
 * checkpoint) up to the checkpoint's own event.
 */
export function metricsUpTo(events: MetricEvent[], checkpoint: Checkpoint): MetricEvent[] {
  const m = checkpoint.meta;
  const kept: MetricEvent[] = [];
  let reached = false;
  for (const e of events) {
    if (e.type === 'critic-step' && e.criticStep > m.criticStep) continue;
    if (e.type === 'generator-step' && e.generatorStep > m.generatorStep) continue;
    if (e.type === 'validation' && (e.epoch >= m.position.epoch || e.epoch === m.pendingValidation)) continue;
    if (e.type === 'checkpoint' && (e.criticStep > m.criticStep || e.generatorStep > m.generatorStep)) continue;
    // Log events after the checkpoint's own belong to the stretch that is dropped.
    if ((e.type === 'state' || e.type === 'config') && reached) continue;
    kept.push(e);
    if (e.type === 'checkpoint' && e.criticStep === m.criticStep && e.generatorStep === m.generatorStep) reached = true;
  }
  return kept;
}

export interface MemoryCheckpointStore extends CheckpointStore {
  /** How many checkpoints the run has had saved. */
  checkpointWrites(id: string): number;
  /** An independent store holding what this one holds now (what a reload would find). */
  copy(): MemoryCheckpointStore;
  /** The files under it (tests damage them). */
  readonly files: MemoryRunFiles;
}

/** The file store over files in memory (bundle layout; metrics written at once), counting checkpoint saves. */
export function memoryCheckpointStore(files: MemoryRunFiles = memoryRunFiles(), writes: ReadonlyMap<string, number> = new Map()): MemoryCheckpointStore {
  const store = fileCheckpointStore(files, { layout: 'bundle' });
  const counts = new Map(writes);
  return {
    ...store,
    files,
    async saveCheckpoint(id, checkpoint) {
      await store.saveCheckpoint(id, checkpoint);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },
    checkpointWrites: (id) => counts.get(id) ?? 0,
    copy: () => memoryCheckpointStore(files.copy(), counts),
  };
}
