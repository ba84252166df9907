/**
 * Where the run session keeps runs: each run's record, its latest checkpoint and its metrics
 * history. Implementations: a folder per run for the CLI (src/cli/runFolders.ts), OPFS/IndexedDB
 * in the worker, and `memoryCheckpointStore` here (tests; it round-trips everything through the
 * same bytes a persistent store writes).
 *
 * Contract, for every implementation:
 * - `createRun` refuses an id that exists: a new run never replaces an old one. `deleteRun` is the
 *   only way a run goes.
 * - `saveCheckpoint` is atomic: afterwards `loadCheckpoint` returns the new checkpoint; if it
 *   fails, the previous one is still there, whole (write the new one beside it, verify, switch).
 *   The session saves the record (with `latest`) only after `saveCheckpoint` resolved.
 * - Anything read back (`readRecord`, `listRuns`, `loadCheckpoint`, `readMetrics`) is validated;
 *   failures are FwiErrors naming the run and the problem, never a silent default.
 */
import { FwiError } from '../errors.ts';
import { decodeCheckpointBundle, encodeCheckpointBundle, type Checkpoint } from '../train/checkpoint.ts';
import type { TrainerEvent } from '../train/events.ts';
import { parseRunRecord, type RunRecord } from './runRecord.ts';

/** What a run's metrics history keeps: every trainer event but the pictures and progress ticks. */
export type MetricEvent = Exclude<TrainerEvent, { type: 'snapshot' | 'progress' }>;

/** Runs the store holds, newest first, and those whose record could not be read. */
export interface RunListing {
  runs: RunRecord[];
  unreadable: { id: string; message: string }[];
}

export interface CheckpointStore {
  listRuns(): Promise<RunListing>;
  /** FwiError when there is no such run or its record cannot be read. */
  readRecord(id: string): Promise<RunRecord>;
  /** Stores a new run's record; FwiError('usage') if the id is taken. */
  createRun(record: RunRecord): Promise<void>;
  /** Replaces an existing run's record. */
  saveRecord(record: RunRecord): Promise<void>;
  /** Replaces the run's latest checkpoint, atomically. */
  saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void>;
  /** The run's latest checkpoint, or null before its first. */
  loadCheckpoint(id: string): Promise<Checkpoint | null>;
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

interface StoredRun {
  record: string;
  checkpoint: Uint8Array | null;
  writes: number;
  metrics: string[];
}

export interface MemoryCheckpointStore extends CheckpointStore {
  /** How many checkpoints the run has had saved. */
  checkpointWrites(id: string): number;
  /** An independent store holding what this one holds now (what a reload would find). */
  copy(): MemoryCheckpointStore;
}

/** A store in memory that keeps what a persistent store would: record JSON and checkpoint bundles, re-read on every load. */
export function memoryCheckpointStore(from: Map<string, StoredRun> = new Map()): MemoryCheckpointStore {
  const runs = new Map([...from].map(([id, r]) => [id, { ...r, metrics: [...r.metrics] }]));
  const get = (id: string) => {
    const run = runs.get(id);
    if (!run) throw new FwiError('io', `there is no run "${id}"`);
    return run;
  };
  return {
    async listRuns() {
      const listing: RunListing = { runs: [], unreadable: [] };
      for (const [id, run] of runs) {
        try {
          listing.runs.push(parseRunRecord(run.record, `run ${id}`));
        } catch (e) {
          listing.unreadable.push({ id, message: (e as Error).message });
        }
      }
      listing.runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      return listing;
    },
    async readRecord(id) {
      return parseRunRecord(get(id).record, `run ${id}`);
    },
    async createRun(record) {
      if (runs.has(record.id)) throw new FwiError('usage', `a run "${record.id}" exists already; a new run never replaces an old one`);
      runs.set(record.id, { record: JSON.stringify(record), checkpoint: null, writes: 0, metrics: [] });
    },
    async saveRecord(record) {
      get(record.id).record = JSON.stringify(record);
    },
    async saveCheckpoint(id, checkpoint) {
      const run = get(id);
      run.checkpoint = encodeCheckpointBundle(checkpoint);
      run.writes += 1;
    },
    async loadCheckpoint(id) {
      const bytes = get(id).checkpoint;
      return bytes ? decodeCheckpointBundle(bytes, `run ${id} checkpoint`) : null;
    },
    async appendMetrics(id, events) {
      get(id).metrics.push(...events.map((e) => JSON.stringify(e)));
    },
    async readMetrics(id) {
      return get(id).metrics.map((line) => JSON.parse(line) as MetricEvent);
    },
    async replaceMetrics(id, events) {
      get(id).metrics = events.map((e) => JSON.stringify(e));
    },
    async deleteRun(id) {
      get(id);
      runs.delete(id);
    },
    checkpointWrites(id) {
      return get(id).writes;
    },
    copy() {
      return memoryCheckpointStore(runs);
    },
  };
}
