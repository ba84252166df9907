/**
 * The file store's protocol over files in memory, in both layouts (the CLI's folders, the
 * browser's bundles): it keeps the last two checkpoints, refuses a damaged one by name and falls
 * back to the one before (saying which), never switches to a checkpoint that does not read back
 * whole, passes a full disk through with the previous checkpoint untouched, and writes records and
 * metrics so that a torn write is never read as data. Also the CLI's folder store on a real disk.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { checkpointSlotName, fileCheckpointStore, type CheckpointLayout } from '../../../src/engine/session/fileCheckpointStore.ts';
import type { MetricEvent } from '../../../src/engine/session/checkpointStore.ts';
import { memoryRunFiles, type RunFiles } from '../../../src/engine/session/runFiles.ts';
import { CHECKPOINT_FILES } from '../../../src/engine/train/checkpoint.ts';
import { runFolders } from '../../../src/cli/runFolders.ts';
import { bundleOf, checkpointAt, damage, firstGeneratorKey, flipTensorByte, runRecord } from './storeFixtures.ts';

const step = (n: number) => `generator step ${n} (critic step ${5 * n})`;

describe.each(['bundle', 'folder'] as CheckpointLayout[])('the file store, %s layout', (layout) => {
  const latest = checkpointSlotName(layout, 'latest');
  const previous = checkpointSlotName(layout, 'previous');
  const damagedSlot = checkpointSlotName(layout, 'damaged');

  async function storeWithSaves(...steps: number[]) {
    const files = memoryRunFiles();
    const store = fileCheckpointStore(files, { layout });
    await store.createRun(runRecord('run-a'));
    for (const s of steps) await store.saveCheckpoint('run-a', checkpointAt(s));
    return { files, store };
  }

  const topNames = async (files: RunFiles) => (await files.list('run-a')).map((e) => e.name).sort();

  it('keeps the last two checkpoints and nothing else: the latest loads, the one before is whole', async () => {
    const { files, store } = await storeWithSaves(1, 2, 3);
    expect(await topNames(files)).toEqual([latest, previous, 'run.json'].sort());
    const loaded = (await store.loadCheckpoint('run-a'))!;
    expect(loaded.fallback).toBeNull();
    expect(bundleOf(loaded.checkpoint).equals(bundleOf(checkpointAt(3)))).toBe(true);
    // A fresh store over the same files (a reload) reads the same.
    const reloaded = (await fileCheckpointStore(files, { layout }).loadCheckpoint('run-a'))!;
    expect(reloaded.checkpoint.meta.generatorStep).toBe(3);
  });

  it('refuses a damaged latest by name, falls back to the one before and says so; the next save keeps that good one', async () => {
    const { files, store } = await storeWithSaves(1, 2);
    damage(files.files, layout, 'run-a', latest);
    const loaded = (await store.loadCheckpoint('run-a'))!;
    expect(bundleOf(loaded.checkpoint).equals(bundleOf(checkpointAt(1)))).toBe(true);
    const file = layout === 'bundle' ? `run-a/${latest}` : `run-a/${latest}`;
    expect(loaded.fallback).toBe(
      `checkpoint of ${step(2)} is damaged (${file}: damaged: the generator weights do not match the checksum saved with them); using ${step(1)}; the damaged one is kept as run-a/${damagedSlot}`,
    );
    // The good one is the latest now; a second load has nothing to fall back from.
    expect(await topNames(files)).toEqual([latest, damagedSlot, 'run.json'].sort());
    expect((await store.loadCheckpoint('run-a'))!.fallback).toBeNull();
    await store.saveCheckpoint('run-a', checkpointAt(3));
    const prev = fileCheckpointStore(files, { layout });
    expect((await prev.loadCheckpoint('run-a'))!.checkpoint.meta.generatorStep).toBe(3);
    damage(files.files, layout, 'run-a', latest);
    expect((await prev.loadCheckpoint('run-a'))!.checkpoint.meta.generatorStep).toBe(1);
  });

  it('with both damaged, refuses the run\'s checkpoints by name, both of them', async () => {
    const { files, store } = await storeWithSaves(1, 2);
    damage(files.files, layout, 'run-a', latest);
    damage(files.files, layout, 'run-a', previous);
    const err = await store.loadCheckpoint('run-a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FwiError);
    expect((err as FwiError).code).toBe('checkpoint-damaged');
    expect((err as FwiError).message).toBe(
      `run-a: no whole checkpoint is left: checkpoint of ${step(2)} is damaged (run-a/${latest}: damaged: the generator weights do not match the checksum saved with them); ` +
        `checkpoint of ${step(1)} is damaged (run-a/${previous}: damaged: the generator weights do not match the checksum saved with them)`,
    );
  });

  it('never switches to a checkpoint that does not read back whole: the save fails by name, the previous stays the latest', async () => {
    const { files, store } = await storeWithSaves(1);
    // Storage that returns other bytes than it was given (a bad disk, a browser bug) for the generator.
    const lying: RunFiles = {
      ...files,
      async read(p) {
        const b = await files.read(p);
        if (!b || !p.includes('partial')) return b;
        if (layout === 'bundle') return flipTensorByte(b, `generator.${firstGeneratorKey}`);
        return p.endsWith(`/${CHECKPOINT_FILES.generator}`) ? flipTensorByte(b, firstGeneratorKey) : b;
      },
    };
    const store2 = fileCheckpointStore(lying, { layout });
    const err = await store2.saveCheckpoint('run-a', checkpointAt(2)).catch((e: unknown) => e);
    expect((err as FwiError).code).toBe('checkpoint-damaged');
    expect((err as FwiError).message).toBe(
      `run-a/${checkpointSlotName(layout, 'partial')}: the checkpoint of ${step(2)} did not read back whole (run-a/${checkpointSlotName(layout, 'partial')}: damaged: the generator weights do not match the checksum saved with them); the previous checkpoint is kept`,
    );
    expect(await topNames(files)).toEqual([latest, 'run.json'].sort());
    expect((await store.loadCheckpoint('run-a'))!.checkpoint.meta.generatorStep).toBe(1);
  });

  it('a full disk fails the save with FwiError("storage-full"), leaves no partial and the previous checkpoint untouched', async () => {
    const { files, store } = await storeWithSaves(1, 2);
    const full: RunFiles = {
      ...files,
      async write(p, bytes) {
        if (p.includes('partial')) {
          await files.write(p, bytes.subarray(0, 100)); // what fitted
          throw new FwiError('storage-full', 'could not write: the disk is full (ENOSPC)', p);
        }
        return files.write(p, bytes);
      },
    };
    const err = await fileCheckpointStore(full, { layout }).saveCheckpoint('run-a', checkpointAt(3)).catch((e: unknown) => e);
    expect((err as FwiError).code).toBe('storage-full');
    expect(await topNames(files)).toEqual([latest, previous, 'run.json'].sort());
    expect((await store.loadCheckpoint('run-a'))!.checkpoint.meta.generatorStep).toBe(2);
  });
});

describe('records and metrics in the file store', () => {
  const event = (n: number): MetricEvent => ({ type: 'generator-step', epoch: 0, iteration: n, generatorStep: n, loss: n / 10, l1: 0.5, l2: 0.25, adv: -n, elapsed: n });

  it('a record is written beside and renamed: what is left after a write is the whole old or new record', async () => {
    const files = memoryRunFiles();
    const store = fileCheckpointStore(files, { layout: 'bundle' });
    await store.createRun(runRecord('r'));
    await store.saveRecord(runRecord('r', { name: 'renamed', updatedAt: '2026-11-30T10:05:00.000Z' }));
    expect([...files.files.keys()]).toEqual(['r/run.json']);
    expect((await store.readRecord('r')).name).toBe('renamed');
    // A partial left by a crash is not a record and does not hide the record.
    files.files.set('r/run.json.partial', new TextEncoder().encode('{"format":"velocitygan-st'));
    expect((await store.readRecord('r')).name).toBe('renamed');
    expect((await store.listRuns()).runs.map((r) => r.name)).toEqual(['renamed']);
    await expect(store.createRun(runRecord('r'))).rejects.toThrow('a run "r" exists already (r); a new run never replaces an old one');
  });

  it('a torn last metrics line (an append cut short) is not read, and the next append first removes it', async () => {
    const files = memoryRunFiles();
    const store = fileCheckpointStore(files, { layout: 'bundle' });
    await store.createRun(runRecord('r'));
    await store.appendMetrics('r', [event(1), event(2)]);
    const whole = files.files.get('r/metrics.jsonl')!;
    const line3 = new TextEncoder().encode(JSON.stringify({ ...event(3), epoch: 1 }) + '\n');
    files.files.set('r/metrics.jsonl', Buffer.concat([whole, line3.subarray(0, 30)]));
    const reload = fileCheckpointStore(files, { layout: 'bundle' });
    expect((await reload.readMetrics('r')).map((e) => (e as { generatorStep: number }).generatorStep)).toEqual([1, 2]);
    await reload.appendMetrics('r', [event(4)]);
    const lines = new TextDecoder().decode(files.files.get('r/metrics.jsonl')!).split('\n');
    expect(lines.length).toBe(4); // three events and the empty string after the last line break
    expect((await reload.readMetrics('r')).map((e) => (e as { generatorStep: number }).generatorStep)).toEqual([1, 2, 4]);
    // A damaged line in the middle is an error naming the file and line, never skipped.
    files.files.set('r/metrics.jsonl', new TextEncoder().encode(`${lines[0]}\n{oops\n${lines[2]}\n`));
    await expect(reload.readMetrics('r')).rejects.toThrow(/^r\/metrics\.jsonl: line 2 is not JSON/);
  });

  it('with metricsFlushMs, events wait in memory (and are read from there) until the interval passes or a checkpoint is saved', async () => {
    const files = memoryRunFiles();
    let now = 0;
    const store = fileCheckpointStore(files, { layout: 'bundle', metricsFlushMs: 5000, clock: () => now });
    await store.createRun(runRecord('r'));
    await store.appendMetrics('r', [event(1)]);
    now = 4999;
    await store.appendMetrics('r', [event(2)]);
    expect(files.files.get('r/metrics.jsonl')).toBeUndefined();
    expect((await store.readMetrics('r')).length).toBe(2);
    now = 5000;
    await store.appendMetrics('r', [event(3)]);
    expect(new TextDecoder().decode(files.files.get('r/metrics.jsonl')!).split('\n').length).toBe(4);
    await store.appendMetrics('r', [event(4)]);
    await store.saveCheckpoint('r', checkpointAt(1));
    expect((await fileCheckpointStore(files, { layout: 'bundle' }).readMetrics('r')).length).toBe(4);
  });
});

describe("the CLI's run folders", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fwi-runfolders-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('keep checkpoint/ (PyTorch files) and checkpoint.previous/, config.json and metrics.csv beside the store\'s files', async () => {
    const store = runFolders(root);
    await store.createRun(runRecord('flat-a'));
    await store.saveCheckpoint('flat-a', checkpointAt(1));
    await store.saveCheckpoint('flat-a', checkpointAt(2));
    await store.appendMetrics('flat-a', [{ type: 'generator-step', epoch: 0, iteration: 1, generatorStep: 1, loss: 0.5, l1: 0.5, l2: 0.25, adv: -1, elapsed: 2 }]);
    const dir = path.join(root, 'flat-a');
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint', 'checkpoint.previous', 'config.json', 'metrics.csv', 'metrics.jsonl', 'run.json']);
    expect(fs.readdirSync(path.join(dir, 'checkpoint')).sort()).toEqual(Object.values(CHECKPOINT_FILES).sort());
    expect(fs.readFileSync(path.join(dir, 'metrics.csv'), 'utf8').split('\n')[1]).toBe('generator,1,1,,1,0.5,,,,,0.5,0.25,-1,,,,,,,,,,');
    // A damaged latest on disk: refused by its path, the previous one used.
    const g = path.join(dir, 'checkpoint', CHECKPOINT_FILES.generator);
    fs.writeFileSync(g, flipTensorByte(new Uint8Array(fs.readFileSync(g)), firstGeneratorKey));
    const loaded = (await runFolders(root).loadCheckpoint('flat-a'))!;
    expect(loaded.checkpoint.meta.generatorStep).toBe(1);
    expect(loaded.fallback).toBe(
      `checkpoint of ${step(2)} is damaged (${path.join(dir, 'checkpoint')}: damaged: the generator weights do not match the checksum saved with them); using ${step(1)}; the damaged one is kept as ${path.join(dir, 'checkpoint.damaged')}`,
    );
  });
});
