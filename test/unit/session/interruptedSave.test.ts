/**
 * Interrupted writes at every stage of the store's protocol: a files primitive that dies at its
 * n-th operation (a write or append dies half-way, leaving the first half of its bytes; any other
 * operation dies before it happens), for every n of a save, in both layouts. What a reload (a new
 * store over the same files) finds must always be a whole checkpoint: the newest complete one,
 * with the one before it kept. The same for the first save of a run, a record save and the
 * metrics written with a checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { checkpointSlotName, fileCheckpointStore, type CheckpointLayout } from '../../../src/engine/session/fileCheckpointStore.ts';
import type { MetricEvent } from '../../../src/engine/session/checkpointStore.ts';
import { memoryRunFiles, type MemoryRunFiles, type RunFiles } from '../../../src/engine/session/runFiles.ts';
import { bundleOf, checkpointAt, runRecord } from './storeFixtures.ts';

class Crash extends Error {}

interface Op {
  kind: keyof Omit<RunFiles, 'where'>;
  path: string;
  to?: string;
}

/** `files` as seen by a process that dies at operation `crashAt` (never when undefined); `log` lists the operations. */
function dying(files: MemoryRunFiles, crashAt?: number): RunFiles & { log: Op[] } {
  const log: Op[] = [];
  const step = (op: Op) => {
    log.push(op);
    return log.length - 1 === crashAt;
  };
  return {
    log,
    where: files.where,
    async read(p) {
      if (step({ kind: 'read', path: p })) throw new Crash();
      return files.read(p);
    },
    async list(p) {
      if (step({ kind: 'list', path: p })) throw new Crash();
      return files.list(p);
    },
    async write(p, bytes) {
      if (step({ kind: 'write', path: p })) {
        await files.write(p, bytes.subarray(0, bytes.length >> 1));
        throw new Crash();
      }
      return files.write(p, bytes);
    },
    async append(p, bytes) {
      if (step({ kind: 'append', path: p })) {
        await files.append(p, bytes.subarray(0, bytes.length >> 1));
        throw new Crash();
      }
      return files.append(p, bytes);
    },
    async remove(p) {
      if (step({ kind: 'remove', path: p })) throw new Crash();
      return files.remove(p);
    },
    async rename(from, to) {
      if (step({ kind: 'rename', path: from, to })) throw new Crash();
      return files.rename(from, to);
    },
  };
}

const event = (n: number): MetricEvent => ({ type: 'generator-step', epoch: 0, iteration: n, generatorStep: n, loss: n / 10, l1: 0.5, l2: 0.25, adv: -n, elapsed: n });
const steps = (events: MetricEvent[]) => events.map((e) => (e as { generatorStep: number }).generatorStep);

describe.each(['bundle', 'folder'] as CheckpointLayout[])('a save interrupted at every step, %s layout', (layout) => {
  const slot = (s: Parameters<typeof checkpointSlotName>[1]) => `run-a/${checkpointSlotName(layout, s)}`;
  const options = { layout, metricsFlushMs: 60_000, clock: () => 0 };

  /** A run with checkpoints at generator steps 1 and 2 and metrics events 1 and 2. */
  async function twoSaved(): Promise<MemoryRunFiles> {
    const files = memoryRunFiles();
    const store = fileCheckpointStore(files, { layout });
    await store.createRun(runRecord('run-a'));
    await store.appendMetrics('run-a', [event(1), event(2)]);
    await store.saveCheckpoint('run-a', checkpointAt(1));
    await store.saveCheckpoint('run-a', checkpointAt(2));
    return files;
  }

  /** Saves checkpoint 3 (with metrics event 3 held until then) on files that die at `crashAt`. */
  async function saveThird(files: MemoryRunFiles, crashAt?: number): Promise<Op[]> {
    const f = dying(files, crashAt);
    const store = fileCheckpointStore(f, options);
    try {
      await store.appendMetrics('run-a', [event(3)]);
      await store.saveCheckpoint('run-a', checkpointAt(3));
    } catch (e) {
      if (!(e instanceof Crash)) throw e;
    }
    return f.log;
  }

  it('always leaves a whole checkpoint, the newest complete one, and the one before it', async () => {
    const ops = await saveThird(await twoSaved());
    // The protocol, as it ran: metrics first, then write beside, read back, switch, clean up.
    const stageOf = (i: number): string => {
      const op = ops[i];
      const switchAt = ops.findIndex((o) => o.kind === 'rename' && o.path === slot('partial'));
      if (op.kind === 'append' || (i < switchAt && op.path.endsWith('metrics.jsonl'))) return 'metrics';
      if (op.kind === 'write') return 'mid-write (truncated)';
      const firstWrite = ops.findIndex((o) => o.kind === 'write');
      const lastWrite = ops.map((o) => o.kind).lastIndexOf('write');
      if (i < firstWrite) return 'before write';
      if (i > lastWrite && (op.kind === 'read' || op.kind === 'list') && op.path.startsWith(slot('partial'))) return 'after write, before verify';
      if (i > lastWrite && i < switchAt) return 'after verify, before switch';
      if (i === switchAt) return 'switching';
      return 'after switch, before removing the old';
    };
    const stages = new Set(ops.map((_, i) => stageOf(i)));
    expect([...stages]).toEqual(
      expect.arrayContaining(['before write', 'mid-write (truncated)', 'after write, before verify', 'after verify, before switch', 'switching', 'after switch, before removing the old']),
    );
    // From the rename that moves the latest aside, the new checkpoint is complete (verified) and is what a reload finds.
    const committed = ops.findIndex((o) => o.kind === 'rename' && o.path === slot('latest'));
    expect(committed).toBeGreaterThan(0);

    const found: string[] = [];
    for (let i = 0; i < ops.length; i++) {
      const files = await twoSaved();
      await saveThird(files, i);
      const reloaded = fileCheckpointStore(files, { layout });
      const loaded = (await reloaded.loadCheckpoint('run-a'))!;
      const want = i > committed ? 3 : 2;
      found.push(`${i} ${stageOf(i)}: ${loaded.checkpoint.meta.generatorStep}`);
      expect(loaded.fallback, `crash at op ${i} (${stageOf(i)})`).toBeNull();
      expect(bundleOf(loaded.checkpoint).equals(bundleOf(checkpointAt(want))), `crash at op ${i} (${stageOf(i)}) loads step ${want}`).toBe(true);
      // The one before is kept, whole: with the latest damaged (cut short), the store falls back to it.
      const damaged = files.copy();
      for (const p of [...damaged.files.keys()]) if (p === slot('latest') || p.startsWith(`${slot('latest')}/`)) damaged.files.set(p, damaged.files.get(p)!.subarray(0, 16));
      const before = (await fileCheckpointStore(damaged, { layout }).loadCheckpoint('run-a'))!;
      expect(before.fallback).toMatch(new RegExp(`is damaged \\(.*\\); using generator step ${want - 1} \\(critic step ${5 * (want - 1)}\\)`));
      expect(bundleOf(before.checkpoint).equals(bundleOf(checkpointAt(want - 1))), `crash at op ${i}: the one before`).toBe(true);
      // The history has whole lines only: events 1 and 2, and 3 once its append completed.
      expect(steps(await reloaded.readMetrics('run-a')), `crash at op ${i}`).toEqual(i > ops.findIndex((o) => o.kind === 'append') ? [1, 2, 3] : [1, 2]);
      // And the run goes on: the next save leaves exactly the last two.
      await reloaded.saveCheckpoint('run-a', checkpointAt(4));
      expect((await files.list('run-a')).map((e) => e.name).sort()).toEqual([checkpointSlotName(layout, 'latest'), checkpointSlotName(layout, 'previous'), 'metrics.jsonl', 'run.json'].sort());
      expect((await fileCheckpointStore(files, { layout }).loadCheckpoint('run-a'))!.checkpoint.meta.generatorStep).toBe(4);
    }
    expect(found.length).toBe(ops.length);
  });

  it('the first save of a run, interrupted anywhere, leaves no checkpoint or the whole one', async () => {
    const f0 = memoryRunFiles();
    await fileCheckpointStore(f0, { layout }).createRun(runRecord('run-a'));
    const ops = dying(f0.copy());
    await fileCheckpointStore(ops, { layout }).saveCheckpoint('run-a', checkpointAt(0));
    const switchAt = ops.log.findIndex((o) => o.kind === 'rename' && o.path === slot('partial'));
    for (let i = 0; i < ops.log.length; i++) {
      const files = f0.copy();
      await fileCheckpointStore(dying(files, i), { layout })
        .saveCheckpoint('run-a', checkpointAt(0))
        .catch((e: unknown) => {
          if (!(e instanceof Crash)) throw e;
        });
      const loaded = await fileCheckpointStore(files, { layout }).loadCheckpoint('run-a');
      // Once the partial is written whole, a reload completes the switch itself.
      const lastWrite = ops.log.map((o) => o.kind).lastIndexOf('write');
      if (i > lastWrite) expect(loaded?.checkpoint.meta.generatorStep, `crash at op ${i} of ${switchAt}`).toBe(0);
      else expect(loaded, `crash at op ${i}`).toBeNull();
    }
  });

  it('a record save interrupted anywhere leaves the whole old record or the whole new one', async () => {
    const f0 = memoryRunFiles();
    await fileCheckpointStore(f0, { layout }).createRun(runRecord('run-a'));
    const renamed = runRecord('run-a', { name: 'renamed', updatedAt: '2026-11-30T11:00:00.000Z' });
    const ops = dying(f0.copy());
    await fileCheckpointStore(ops, { layout }).saveRecord(renamed);
    const renameAt = ops.log.findIndex((o) => o.kind === 'rename');
    for (let i = 0; i < ops.log.length; i++) {
      const files = f0.copy();
      await fileCheckpointStore(dying(files, i), { layout })
        .saveRecord(renamed)
        .catch((e: unknown) => {
          if (!(e instanceof Crash)) throw e;
        });
      expect((await fileCheckpointStore(files, { layout }).readRecord('run-a')).name, `crash at op ${i}`).toBe(i > renameAt ? 'renamed' : 'run run-a');
    }
  });
});
