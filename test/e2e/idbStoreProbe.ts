/**
 * The run store over IndexedDB (src/worker/idbFiles.ts, used where the browser has no OPFS), in
 * real Chromium, bundled by idbStore.spec.ts into the page: the engine's file store keeps the last
 * two checkpoints, replaces records by rename, appends, falls back from a damaged checkpoint by
 * name, renames a folder whole, and deletes a run. Returns what it saw.
 */
import { errorMessage } from '../../src/engine/errors.ts';
import { idbFiles, openIdbDatabase } from '../../src/worker/idbFiles.ts';
import { exerciseBundleStore } from './storeProbeSteps.ts';

export async function probe(seed: Uint8Array): Promise<Record<string, unknown>> {
  const files = idbFiles(await openIdbDatabase('probe-runs'));
  const out: Record<string, unknown> = {};
  const store = await exerciseBundleStore(files, seed, ['second'], out);
  out.root = (await files.list('')).map((e) => `${e.kind}:${e.name}`);
  // A folder renames whole, and never onto one that exists.
  const names = async (p: string) => (await files.list(p)).map((e) => e.name).sort().join(' ');
  const before = await names('run-a');
  await files.rename('run-a', 'run-b');
  out.renamed = `${(await names('run-b')) === before} ${(await files.list('run-a')).length} ${before.split(' ').length}`;
  await files.write('run-c/x', new Uint8Array([1]));
  out.ontoExisting = await files.rename('run-b', 'run-c').then(() => 'renamed', (e: unknown) => errorMessage(e));
  await files.rename('run-b', 'run-a');
  await store.deleteRun('run-a');
  out.afterDelete = `${(await store.listRuns()).runs.length} ${(await files.list('run-a')).length}`;
  await files.remove('run-c');
  out.left = (await files.list('')).length;
  return out;
}
