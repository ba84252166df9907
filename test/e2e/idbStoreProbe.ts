/**
 * The run store over IndexedDB (src/worker/idbFiles.ts, used where the browser has no OPFS), in
 * real Chromium, bundled by idbStore.spec.ts into the page: the engine's file store keeps the last
 * two checkpoints, replaces records by rename, appends, falls back from a damaged checkpoint by
 * name, renames a folder whole, and deletes a run. Returns what it saw.
 */
import { defaultConfig } from '../../src/engine/config.ts';
import { errorMessage } from '../../src/engine/errors.ts';
import { fileCheckpointStore } from '../../src/engine/session/fileCheckpointStore.ts';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from '../../src/engine/session/runRecord.ts';
import { decodeCheckpointBundle, type Checkpoint } from '../../src/engine/train/checkpoint.ts';
import { idbFiles, openIdbDatabase } from '../../src/worker/idbFiles.ts';

function checkpointAt(seed: Uint8Array, step: number): Checkpoint {
  const c = decodeCheckpointBundle(seed, 'seed');
  c.meta.generatorStep = step;
  c.meta.criticStep = 5 * step;
  return c;
}

const record = (name: string): RunRecord => ({
  format: RUN_RECORD_FORMAT,
  version: RUN_RECORD_VERSION,
  id: 'run-a',
  name,
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:00:00.000Z',
  config: defaultConfig(),
  data: { train: [], val: [], headerHash: '' },
  origin: { kind: 'new' },
  state: 'created',
  latest: null,
});

export async function probe(seed: Uint8Array): Promise<Record<string, unknown>> {
  const files = idbFiles(await openIdbDatabase('probe-runs'));
  const store = fileCheckpointStore(files, { layout: 'bundle' });
  const out: Record<string, unknown> = {};
  await store.createRun(record('first'));
  for (const s of [1, 2, 3]) await store.saveCheckpoint('run-a', checkpointAt(seed, s));
  out.names = (await files.list('run-a')).map((e) => `${e.kind}:${e.name}`).sort();
  out.root = (await files.list('')).map((e) => `${e.kind}:${e.name}`);
  out.loaded = (await store.loadCheckpoint('run-a'))?.checkpoint.meta.generatorStep;
  await store.saveRecord(record('second'));
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
