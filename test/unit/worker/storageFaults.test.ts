/**
 * The diagnostics' storage faults over the run store: switched off they change nothing; a limited
 * room refuses the write that does not fit as a full quota does (FwiError 'storage-full' naming
 * the file and the bytes); a held save stops after its checkpoint is written and read back, before
 * the switch, so a worker killed there leaves the previous checkpoint the latest, whole.
 */
import { describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { fileCheckpointStore } from '../../../src/engine/session/fileCheckpointStore.ts';
import { memoryRunFiles } from '../../../src/engine/session/runFiles.ts';
import { storageFaults } from '../../../src/worker/storageFaults.ts';
import { bundleOf, checkpointAt, runRecord } from '../session/storeFixtures.ts';

const OPTIONS = { layout: 'bundle', metricsFlushMs: 0 } as const;

describe('storage faults on demand', () => {
  it('passes everything on while no fault is switched on', async () => {
    const files = memoryRunFiles();
    const store = fileCheckpointStore(storageFaults(files).files, OPTIONS);
    await store.createRun(runRecord('r1'));
    await store.saveCheckpoint('r1', checkpointAt(1));
    await store.saveCheckpoint('r1', checkpointAt(2));
    expect([...files.files.keys()].sort()).toEqual(['r1/checkpoint.previous.safetensors', 'r1/checkpoint.safetensors', 'r1/run.json']);
  });

  it('refuses a write beyond the room left as a full quota, naming the file and its size; null lifts the limit', async () => {
    const files = memoryRunFiles();
    const faults = storageFaults(files);
    const store = fileCheckpointStore(faults.files, OPTIONS);
    await store.createRun(runRecord('r1'));
    faults.limitRoom(1000);
    const bytes = bundleOf(checkpointAt(1)).byteLength;
    const e = await store.saveCheckpoint('r1', checkpointAt(1)).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(FwiError);
    expect((e as FwiError).code).toBe('storage-full');
    expect((e as FwiError).message).toBe(`r1/checkpoint.partial.safetensors: could not write: browser storage is full (this write needed ${(bytes / 1e6).toFixed(1)} MB)`);
    expect(files.files.has('r1/checkpoint.partial.safetensors'), 'nothing of the refused write is kept').toBe(false);
    faults.limitRoom(null);
    await store.saveCheckpoint('r1', checkpointAt(1));
    expect((await fileCheckpointStore(files, OPTIONS).loadCheckpoint('r1'))!.checkpoint.meta.generatorStep).toBe(1);
  });

  it('holds a save after its checkpoint is written and verified, before the switch: the previous checkpoint stays the latest, whole', async () => {
    const files = memoryRunFiles();
    const faults = storageFaults(files);
    const store = fileCheckpointStore(faults.files, OPTIONS);
    await store.createRun(runRecord('r1'));
    await store.saveCheckpoint('r1', checkpointAt(1));
    await store.saveCheckpoint('r1', checkpointAt(2));
    const held = faults.holdNextSwitch();
    let saved = false;
    void store.saveCheckpoint('r1', checkpointAt(3)).then(() => (saved = true));
    await held;
    await new Promise((r) => setTimeout(r, 20));
    expect(saved, 'the held save never ends').toBe(false);
    expect(files.files.get('r1/checkpoint.partial.safetensors')).toEqual(new Uint8Array(bundleOf(checkpointAt(3))));
    expect(files.files.get('r1/checkpoint.safetensors')).toEqual(new Uint8Array(bundleOf(checkpointAt(2))));
    expect(files.files.get('r1/checkpoint.previous.safetensors')).toEqual(new Uint8Array(bundleOf(checkpointAt(1))));
    // What a new worker finds: the previous complete save, at most one checkpoint interval behind.
    const loaded = await fileCheckpointStore(files, OPTIONS).loadCheckpoint('r1');
    expect(loaded!.checkpoint.meta.generatorStep).toBe(2);
    expect(loaded!.fallback).toBeNull();
  });
});
