/**
 * The run store over the real origin private file system, bundled by opfsStore.spec.ts into the
 * page: saves, fallback from a damaged checkpoint, records replaced by rename, appends, and the
 * copy-then-remove rename of browsers without `FileSystemHandle.move`. Returns what it saw.
 */
import { defaultConfig } from '../../src/engine/config.ts';
import { errorMessage } from '../../src/engine/errors.ts';
import { fileCheckpointStore } from '../../src/engine/session/fileCheckpointStore.ts';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from '../../src/engine/session/runRecord.ts';
import { decodeCheckpointBundle, type Checkpoint } from '../../src/engine/train/checkpoint.ts';
import { opfsFiles } from '../../src/worker/opfsFiles.ts';

function checkpointAt(seed: Uint8Array, step: number): Checkpoint {
  const c = decodeCheckpointBundle(seed, 'seed');
  c.meta.generatorStep = step;
  c.meta.criticStep = 5 * step;
  return c;
}

const record = (name: string, updatedAt: string): RunRecord => ({
  format: RUN_RECORD_FORMAT,
  version: RUN_RECORD_VERSION,
  id: 'run-a',
  name,
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt,
  config: defaultConfig(),
  data: { train: [], val: [], headerHash: '' },
  origin: { kind: 'new' },
  state: 'created',
  latest: null,
});

export async function probe(seed: Uint8Array): Promise<Record<string, unknown>> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('probe-runs', { recursive: true }).catch(() => undefined);
  const files = opfsFiles(await root.getDirectoryHandle('probe-runs', { create: true }));
  const store = fileCheckpointStore(files, { layout: 'bundle' });
  const out: Record<string, unknown> = { hasMove: 'move' in FileSystemFileHandle.prototype };
  await store.createRun(record('first', '2026-11-30T10:00:00.000Z'));
  for (const s of [1, 2, 3]) await store.saveCheckpoint('run-a', checkpointAt(seed, s));
  out.names = (await files.list('run-a')).map((e) => `${e.kind}:${e.name}`).sort();
  out.loaded = (await store.loadCheckpoint('run-a'))?.checkpoint.meta.generatorStep;
  await store.saveRecord(record('second', '2026-11-30T10:01:00.000Z'));
  await store.saveRecord(record('third', '2026-11-30T10:02:00.000Z'));
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
  // Without `move` (older browsers): renames copy, then remove.
  const move = Object.getOwnPropertyDescriptor(FileSystemFileHandle.prototype, 'move');
  if (move) delete (FileSystemFileHandle.prototype as { move?: unknown }).move;
  try {
    await store.saveCheckpoint('run-a', checkpointAt(seed, 4));
    await store.saveRecord(record('fourth', '2026-11-30T10:03:00.000Z'));
  } catch (e) {
    out.withoutMoveError = errorMessage(e);
  } finally {
    if (move) Object.defineProperty(FileSystemFileHandle.prototype, 'move', move);
  }
  const again = fileCheckpointStore(files, { layout: 'bundle' });
  out.withoutMove = `${(await again.loadCheckpoint('run-a'))?.checkpoint.meta.generatorStep} ${(await again.readRecord('run-a')).name}`;
  out.namesAfter = (await files.list('run-a')).map((e) => e.name).sort();
  await store.deleteRun('run-a');
  out.afterDelete = (await store.listRuns()).runs.length;
  await root.removeEntry('probe-runs', { recursive: true });
  return out;
}
