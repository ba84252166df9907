/**
 * The run store over the real origin private file system, bundled by opfsStore.spec.ts into the
 * page: saves, fallback from a damaged checkpoint, records replaced by rename, appends, and the
 * copy-then-remove rename of browsers without `FileSystemHandle.move`. Returns what it saw.
 */
import { errorMessage } from '../../src/engine/errors.ts';
import { fileCheckpointStore } from '../../src/engine/session/fileCheckpointStore.ts';
import { opfsFiles } from '../../src/worker/opfsFiles.ts';
import { checkpointAt, exerciseBundleStore, probeRecord } from './storeProbeSteps.ts';

export async function probe(seed: Uint8Array): Promise<Record<string, unknown>> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('probe-runs', { recursive: true }).catch(() => undefined);
  const files = opfsFiles(await root.getDirectoryHandle('probe-runs', { create: true }));
  const out: Record<string, unknown> = { hasMove: 'move' in FileSystemFileHandle.prototype };
  const store = await exerciseBundleStore(files, seed, ['second', 'third'], out);
  // Without `move` (older browsers): renames copy, then remove.
  const move = Object.getOwnPropertyDescriptor(FileSystemFileHandle.prototype, 'move');
  if (move) delete (FileSystemFileHandle.prototype as { move?: unknown }).move;
  try {
    await store.saveCheckpoint('run-a', checkpointAt(seed, 4));
    await store.saveRecord(probeRecord('fourth', 3));
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
