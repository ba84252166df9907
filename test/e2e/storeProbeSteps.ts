/**
 * What the browser store probes (opfsStoreProbe.ts, idbStoreProbe.ts) check alike, over any files
 * primitive: the engine's file store in the bundle layout keeps the last two checkpoints, replaces
 * a record by rename, appends, and falls back from a damaged latest checkpoint by name. Writes what
 * it saw into `out` and returns the store for the primitive's own checks.
 */
import { defaultConfig } from '../../src/engine/config.ts';
import { fileCheckpointStore, type FileCheckpointStore } from '../../src/engine/session/fileCheckpointStore.ts';
import type { RunFiles } from '../../src/engine/session/runFiles.ts';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from '../../src/engine/session/runRecord.ts';
import { decodeCheckpointBundle, type Checkpoint } from '../../src/engine/train/checkpoint.ts';

/** The seed checkpoint placed at generator step `step` (critic step 5·step). */
export function checkpointAt(seed: Uint8Array, step: number): Checkpoint {
  const c = decodeCheckpointBundle(seed, 'seed');
  c.meta.generatorStep = step;
  c.meta.criticStep = 5 * step;
  return c;
}

/** Run "run-a"'s record named `name`, updated `minute` minutes after it was created. */
export function probeRecord(name: string, minute: number): RunRecord {
  return {
    format: RUN_RECORD_FORMAT,
    version: RUN_RECORD_VERSION,
    id: 'run-a',
    name,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000Z`,
    config: defaultConfig(),
    data: { train: [], val: [], headerHash: '' },
    origin: { kind: 'new' },
    state: 'created',
    latest: null,
  };
}

/**
 * Creates run "run-a" named "first", saves checkpoints of steps 1–3, then replaces its record once
 * per name in `renames`, appends twice and damages the latest checkpoint. `out` gets names, loaded,
 * record, appended, fallbackStep and fallback.
 */
export async function exerciseBundleStore(files: RunFiles, seed: Uint8Array, renames: string[], out: Record<string, unknown>): Promise<FileCheckpointStore> {
  const store = fileCheckpointStore(files, { layout: 'bundle' });
  await store.createRun(probeRecord('first', 0));
  for (const s of [1, 2, 3]) await store.saveCheckpoint('run-a', checkpointAt(seed, s));
  out.names = (await files.list('run-a')).map((e) => `${e.kind}:${e.name}`).sort();
  out.loaded = (await store.loadCheckpoint('run-a'))?.checkpoint.meta.generatorStep;
  for (const [i, name] of renames.entries()) await store.saveRecord(probeRecord(name, i + 1));
  out.record = (await fileCheckpointStore(files, { layout: 'bundle' }).readRecord('run-a')).name;
  await files.append('run-a/log.txt', new TextEncoder().encode('ab'));
  await files.append('run-a/log.txt', new TextEncoder().encode('cd'));
  out.appended = new TextDecoder().decode((await files.read('run-a/log.txt'))!);
  // Damage the latest: cut it short.
  const latest = (await files.read('run-a/checkpoint.safetensors'))!;
  await files.write('run-a/checkpoint.safetensors', latest.subarray(0, latest.length - 10));
  const fallback = (await fileCheckpointStore(files, { layout: 'bundle' }).loadCheckpoint('run-a'))!;
  out.fallbackStep = fallback.checkpoint.meta.generatorStep;
  out.fallback = fallback.fallback;
  return store;
}
