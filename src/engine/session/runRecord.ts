/**
 * A run as it is kept: its id, the name the user gave it, its configuration, the identity of the
 * data it trains on, its state and its latest checkpoint. Records come back from storage (OPFS,
 * IndexedDB, a folder), so `parseRunRecord` validates them at that edge like any file.
 */
import { validateConfig, type TrainConfig } from '../config.ts';
import type { Dataset } from '../data/dataset.ts';
import { FwiError } from '../errors.ts';
import type { Checkpoint } from '../train/checkpoint.ts';
import type { CheckpointEvent, RunState } from '../train/events.ts';

export const RUN_RECORD_FORMAT = 'velocitygan-studio-run';
export const RUN_RECORD_VERSION = 1;

/** One data file as the run saw it. */
export interface DataFile {
  name: string;
  size: number;
}

/** What a run was trained on: file names and sizes, and a hash of their .npy headers (dtype, order, shape). */
export interface DataIdentity {
  train: DataFile[];
  val: DataFile[];
  /** SHA-256 (hex) of every file's header fields and size, training files first. */
  headerHash: string;
}

/** The checkpoint a run would continue from. */
export interface CheckpointInfo {
  /** 0-based epoch and batch of the next batch to train. */
  epoch: number;
  iteration: number;
  criticStep: number;
  generatorStep: number;
  reason: CheckpointEvent['reason'] | 'imported';
  savedAt: string;
}

/** Where a run's first weights came from. */
export type RunOrigin = { kind: 'new' } | { kind: 'checkpoint'; name: string; criticStep: number; generatorStep: number };

/** A run's state as kept: 'created' before its first checkpoint; 'running' or 'paused' in a record nobody runs means it was interrupted. */
export type RunRecordState = RunState | 'created';

export interface RunRecord {
  format: typeof RUN_RECORD_FORMAT;
  version: number;
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  config: TrainConfig;
  data: DataIdentity;
  origin: RunOrigin;
  state: RunRecordState;
  /** Why the run stopped or failed, as the user was told. */
  message?: string;
  /** The latest checkpoint in the store (the last good one: a checkpoint is never saved with non-finite weights). */
  latest: CheckpointInfo | null;
  /** The user chose to leave out samples holding NaN or ±Infinity (a continued run keeps the choice); absent means false. */
  skipNonFinite?: boolean;
}

/** True when a record names a run that can still train on (interrupted, paused, stopped or failed before its last epoch). */
export function isUnfinished(r: RunRecord): boolean {
  return r.state !== 'finished';
}

/** The checkpoint's position and steps as a record keeps them. */
export function checkpointInfo(c: Checkpoint, reason: CheckpointInfo['reason']): CheckpointInfo {
  const m = c.meta;
  return { epoch: m.position.epoch, iteration: m.position.iteration, criticStep: m.criticStep, generatorStep: m.generatorStep, reason, savedAt: m.savedAt };
}

/** Where a checkpoint stands, in the words the user sees: "epoch 2 after batch 1, critic step 4, generator step 2". */
export function describeCheckpoint(c: CheckpointInfo): string {
  const steps = `critic step ${c.criticStep}, generator step ${c.generatorStep}`;
  if (c.iteration > 0) return `epoch ${c.epoch + 1} after batch ${c.iteration}, ${steps}`;
  return c.epoch === 0 ? 'step 0, before the first batch' : `the end of epoch ${c.epoch}, ${steps}`;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The identity of a run's data: names and sizes of its files and a SHA-256 of their headers. */
export async function dataIdentity(train: Dataset, val?: Dataset | null): Promise<DataIdentity> {
  const files = (d: Dataset | null | undefined): DataFile[] =>
    (d?.files ?? []).flatMap((f) => [f.seismic, ...(f.velocity ? [f.velocity] : [])]).map((npy) => ({ name: npy.name, size: npy.source.size }));
  const headers = [train, ...(val ? [val] : [])]
    .flatMap((d) => d.files.flatMap((f) => [f.seismic, ...(f.velocity ? [f.velocity] : [])]))
    .map((npy) => `${npy.descr}|${npy.fortranOrder}|${npy.shape.join('x')}|${npy.source.size}`)
    .join('\n');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(headers));
  return { train: files(train), val: files(val), headerHash: hex(digest) };
}

/** Null when `now` is the same data as `then` (sizes and headers; files may have moved), else what differs, in words. */
export function dataDifference(then: DataIdentity, now: DataIdentity): string | null {
  if (then.headerHash === now.headerHash) return null;
  const list = (files: DataFile[]) => files.map((f) => `${f.name} (${f.size} bytes)`).join(', ') || 'none';
  return `the run was trained on ${list(then.train)} (validation ${list(then.val)}); the data given now is ${list(now.train)} (validation ${list(now.val)})`;
}

/** Checks a stored record; throws FwiError('config') naming `file` and what is wrong. */
export function parseRunRecord(text: string, file: string): RunRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('config', `the saved run could not be read: not valid JSON (${(e as Error).message})`, file);
  }
  const r = raw as Partial<RunRecord> | null;
  if (typeof r !== 'object' || r === null || r.format !== RUN_RECORD_FORMAT) throw new FwiError('config', `the saved run could not be read: not a run record (format is ${JSON.stringify(r?.format)})`, file);
  if (r.version !== RUN_RECORD_VERSION) throw new FwiError('config', `the saved run could not be read: run record version ${r.version} is not supported (this build reads ${RUN_RECORD_VERSION})`, file);
  const wrong: string[] = [];
  const str = (k: keyof RunRecord) => typeof r[k] === 'string' || wrong.push(k);
  (['id', 'name', 'createdAt', 'updatedAt'] as const).forEach(str);
  if (!['created', 'running', 'paused', 'stopped', 'finished', 'failed'].includes(r.state as string)) wrong.push('state');
  const d = r.data;
  const fileList = (x: unknown) => Array.isArray(x) && x.every((f) => typeof f?.name === 'string' && Number.isInteger(f?.size));
  if (typeof d !== 'object' || d === null || !fileList(d.train) || !fileList(d.val) || typeof d.headerHash !== 'string') wrong.push('data');
  const o = r.origin;
  if (typeof o !== 'object' || o === null || (o.kind !== 'new' && o.kind !== 'checkpoint')) wrong.push('origin');
  const l = r.latest;
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (l !== null && (typeof l !== 'object' || l === undefined || ![l.epoch, l.iteration, l.criticStep, l.generatorStep].every(whole) || typeof l.savedAt !== 'string')) wrong.push('latest');
  if (r.message !== undefined && typeof r.message !== 'string') wrong.push('message');
  if (r.skipNonFinite !== undefined && typeof r.skipNonFinite !== 'boolean') wrong.push('skipNonFinite');
  if (wrong.length) throw new FwiError('config', `the saved run could not be read: it lacks a valid ${wrong.join(', ')}`, file);
  const { config, errors } = validateConfig(r.config);
  const bad = Object.entries(errors);
  if (bad.length) throw new FwiError('config', `the saved run could not be read: its configuration is invalid: ${bad.map(([k, v]) => `${k} ${v}`).join('; ')}`, file);
  return { ...(r as RunRecord), config };
}
