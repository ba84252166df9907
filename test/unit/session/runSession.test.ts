/**
 * The run session in Node with a fake clock and an in-memory store: the lifecycle (start paused,
 * pause and stop at each point of an iteration, pause inside validation), the failure policy
 * (NaN, lost device) and kept runs (reload, new run after stop). Every continuation is checked
 * against one uninterrupted reference run, number for number.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig, type TrainConfig } from '../../../src/engine/config.ts';
import type { Dataset } from '../../../src/engine/data/dataset.ts';
import { Evaluator } from '../../../src/engine/eval/evaluator.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { memoryCheckpointStore, type MemoryCheckpointStore, type MetricEvent } from '../../../src/engine/session/checkpointStore.ts';
import { RunSession, type DeviceLossInfo, type RunLocks, type RunSessionOptions, type SessionEvent, type SessionState } from '../../../src/engine/session/runSession.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { checkpointTensorBytes, encodeCheckpointBundle } from '../../../src/engine/train/checkpoint.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import { fileCheckpointStore } from '../../../src/engine/session/fileCheckpointStore.ts';
import { memoryRunFiles } from '../../../src/engine/session/runFiles.ts';
import { storageFaults } from '../../../src/worker/storageFaults.ts';
import { layeredDataset } from '../train/layeredDataset.ts';
import { damage } from './storeFixtures.ts';

// 4 training samples in batches of 2: per epoch a critic step on batch 1, a critic and a generator
// step on batch 2, then a validation over 3 samples (two passes: 2 + 1).
function tinyConfig(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 2, nCritic: 2, seed: 7, snapshotEvery: 1000, checkpointMinutes: 1, lrGenerator: 1e-3, lrCritic: 1e-3, ...over };
}

/** Byte equality of two arrays (vitest's toEqual walks a multi-megabyte array element by element, for minutes). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.byteLength > 0 && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Steps and validations of a history, as exact numbers. */
function numbers(events: MetricEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'critic-step') return [`D${e.criticStep}@${e.epoch}.${e.iteration} ${e.loss} ${e.gp} ${e.wasserstein}`];
    if (e.type === 'generator-step') return [`G${e.generatorStep}@${e.epoch}.${e.iteration} ${e.loss} ${e.l1} ${e.adv}`];
    if (e.type === 'validation') return [`V${e.epoch} ${e.loss} ${e.mae} ${e.rmse} ${e.ssim}`];
    return [];
  });
}

interface Harness {
  session: RunSession;
  store: MemoryCheckpointStore;
  events: SessionEvent[];
  states: SessionState[];
  /** The fake clock (ms); `tick()` moves it past the checkpoint interval. */
  tick(): void;
  restarts: number;
  on(f: (e: SessionEvent) => void): void;
}

function harness(store: MemoryCheckpointStore = memoryCheckpointStore(), ids = ['run-a', 'run-b', 'run-c'], options: Partial<RunSessionOptions> = {}): Harness {
  let now = 0;
  const listeners: ((e: SessionEvent) => void)[] = [];
  const h: Harness = {
    events: [],
    states: [],
    store,
    restarts: 0,
    tick: () => (now += 61_000),
    on: (f) => listeners.push(f),
    session: undefined as unknown as RunSession,
  };
  const queue = [...ids];
  h.session = new RunSession({
    store,
    clock: () => now,
    now: () => new Date(Date.UTC(2026, 10, 30, 7, 0, 0) + now),
    newId: () => queue.shift()!,
    restartBackend: async () => {
      h.restarts += 1;
    },
    ...options,
    onEvent: (e) => {
      h.events.push(e);
      if (e.type === 'session-state') h.states.push(e.state);
      for (const f of listeners) f(e);
    },
  });
  return h;
}

let train: Dataset;
let val: Dataset;
let reference: string[];
let referenceHistory: MetricEvent[];

beforeAll(async () => {
  await initBackend('wasm');
  train = await layeredDataset(0, 4);
  val = await layeredDataset(100, 3);
  const h = harness();
  await h.session.start({ config: tinyConfig(), data: { train, val } });
  expect(await h.session.finished()).toBe('finished');
  referenceHistory = await h.store.readMetrics('run-a');
  reference = numbers(referenceHistory);
}, 120_000);

describe('RunSession', () => {
  it('the reference run: two epochs of D, DG and a validation, a checkpoint at step 0 and at the end', () => {
    expect(reference.map((r) => r.split(' ')[0])).toEqual(['D1@0.0', 'D2@0.1', 'G1@0.1', 'V0', 'D3@1.0', 'D4@1.1', 'G2@1.1', 'V1']);
    const checkpoints = referenceHistory.filter((e) => e.type === 'checkpoint');
    expect(checkpoints.map((e) => e.type === 'checkpoint' && `${e.reason}@${e.criticStep}`)).toEqual(['start@0', 'end@4']);
  });

  it('starts paused: the step-0 checkpoint is saved, no step runs until Resume, then the run equals the reference', async () => {
    const h = harness();
    let stepsWhilePaused = -1;
    h.on((e) => {
      if (e.type === 'session-state' && e.state === 'paused') {
        stepsWhilePaused = h.events.filter((x) => x.type === 'critic-step').length;
        setTimeout(() => h.session.resume(), 30);
      }
    });
    const record = await h.session.start({ config: tinyConfig(), data: { train, val }, paused: true });
    expect(record.id).toBe('run-a');
    expect(await h.session.finished()).toBe('finished');
    expect(h.states).toEqual(['starting', 'paused', 'running', 'finished']);
    expect(stepsWhilePaused).toBe(0);
    expect(numbers(await h.store.readMetrics('run-a'))).toEqual(reference);
  }, 120_000);

  it('pauses at the next batch from each point of an iteration, says "pausing" at once, and carries on unchanged', async () => {
    const h = harness();
    const pausedAt: string[] = [];
    const stateAfterPause: SessionState[] = [];
    const pauseNow = () => {
      h.session.pause();
      stateAfterPause.push(h.session.state.state);
    };
    let pending = ['critic-step:1', 'generator-step:1', 'validation:0', 'checkpoint:start'];
    h.on((e) => {
      const key = e.type === 'critic-step' ? `critic-step:${e.criticStep}` : e.type === 'generator-step' ? `generator-step:${e.generatorStep}` : e.type === 'validation' ? `validation:${e.epoch}` : e.type === 'checkpoint' ? `checkpoint:${e.reason}` : '';
      if (pending.includes(key)) {
        pending = pending.filter((p) => p !== key);
        pauseNow();
      }
      if (e.type === 'session-state' && e.state === 'paused') {
        void h.session.exportCheckpoint().then((c) => {
          pausedAt.push(`${c.meta.position.epoch}.${c.meta.position.iteration} D${c.meta.criticStep} G${c.meta.generatorStep}`);
          h.session.resume();
        });
      }
    });
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('finished');
    expect(stateAfterPause).toEqual(['pausing', 'pausing', 'pausing', 'pausing']);
    // At the step-0 checkpoint: before batch 1. After critic step 1: before batch 2. After generator
    // step 1 (batch 2's second half): after the epoch's validation, before epoch 2.
    expect(pausedAt).toEqual(['0.0 D0 G0', '0.1 D1 G0', '1.0 D2 G1', '1.0 D2 G1']);
    expect(numbers(await h.store.readMetrics('run-a'))).toEqual(reference);
  }, 120_000);

  it('stops at each point of an iteration (mid-batch, after a batch, inside validation); each continuation equals the reference', async () => {
    const h = harness();
    const stopAt = (type: string, n: number) =>
      h.on((e) => {
        if (e.type === type && ((e.type === 'critic-step' && e.criticStep === n) || (e.type === 'generator-step' && e.generatorStep === n))) void h.session.stop();
      });
    stopAt('critic-step', 1);
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('stopped');
    expect((await h.store.readRecord('run-a')).latest).toMatchObject({ epoch: 0, iteration: 1, criticStep: 1, reason: 'stop' });

    // Stop inside the first validation: the first of its two passes has run.
    const passes = val.batches.bind(val);
    let stopInValidation = true;
    val.batches = (opts) => {
      const inner = passes(opts);
      return (async function* () {
        for await (const b of inner) {
          yield b;
          if (stopInValidation) {
            stopInValidation = false;
            void h.session.stop();
          }
        }
      })();
    };
    try {
      await h.session.continueRun('run-a', { data: { train, val } });
      expect(await h.session.finished()).toBe('stopped');
    } finally {
      val.batches = passes;
    }
    const record = await h.store.readRecord('run-a');
    expect(record.latest).toMatchObject({ epoch: 1, iteration: 0, criticStep: 2, generatorStep: 1, reason: 'stop' });
    expect((await h.store.loadCheckpoint('run-a'))!.checkpoint.meta.pendingValidation).toBe(0);

    stopAt('generator-step', 2);
    await h.session.continueRun('run-a', { data: { train, val } });
    expect(await h.session.finished()).toBe('stopped');
    await expect(h.session.continueRun('run-a', { data: { train, val } }).then(() => h.session.finished())).resolves.toBe('finished');
    expect(numbers(await h.store.readMetrics('run-a'))).toEqual(reference);
    expect(h.store.checkpointWrites('run-a')).toBe(5); // start, three stops, end
  }, 180_000);

  it('pause during validation takes effect within one pass, and the validation then completes unchanged', async () => {
    const h = harness();
    let passesBeforePause = -1;
    let passes = 0;
    const batches = val.batches.bind(val);
    val.batches = (opts) => {
      const inner = batches(opts);
      return (async function* () {
        for await (const b of inner) {
          passes += 1;
          if (passes === 1) h.session.pause();
          yield b;
        }
      })();
    };
    h.on((e) => {
      if (e.type === 'session-state' && e.state === 'paused') {
        passesBeforePause = passes;
        setTimeout(() => h.session.resume(), 10);
      }
    });
    try {
      await h.session.start({ config: tinyConfig(), data: { train, val } });
      expect(await h.session.finished()).toBe('finished');
    } finally {
      val.batches = batches;
    }
    expect(passesBeforePause).toBe(1);
    expect(numbers(await h.store.readMetrics('run-a'))).toEqual(reference);
  }, 120_000);
});

describe('RunSession failure policy', () => {
  it('after a NaN, Export and Evaluate use the last good checkpoint, running statistics included, byte for byte', async () => {
    // A critic learning rate of 1e30 turns finite data into an overflowing critic after its first
    // step: critic step 2's loss is not finite, after its forward pass moved G's running statistics.
    const h = harness();
    h.on((e) => e.type === 'critic-step' && e.criticStep === 1 && h.tick()); // an interval checkpoint after batch 1
    await h.session.start({ config: tinyConfig({ shuffle: false, lrCritic: 1e30 }), data: { train, val } });
    expect(await h.session.finished()).toBe('failed');
    const failed = h.events.filter((e) => e.type === 'session-state' && e.state === 'failed').at(-1)!;
    expect(failed.type === 'session-state' && failed.message).toMatch(/^training stopped: the (critic loss|mean D\(real\)|mean D\(fake\)|gradient penalty) is (NaN|-?Infinity) at critic step 2 /);
    expect(failed.type === 'session-state' && failed.message).toContain(
      "The weights in use are now the last good checkpoint's (epoch 1 after batch 1, critic step 1, generator step 0)",
    );
    expect(h.session.weights).toMatchObject({ kind: 'checkpoint', criticStep: 1, generatorStep: 0 });

    const stored = (await h.store.loadCheckpoint('run-a'))!.checkpoint;
    const exported = await h.session.exportCheckpoint();
    expect(sameBytes(encodeCheckpointBundle(exported), encodeCheckpointBundle(stored))).toBe(true);
    const { tensors } = await h.session.generatorWeights();
    const mean = tensors.get('convblock1.layers.1.running_mean')!.data as Float32Array;
    expect(Array.from(mean)).toEqual(Array.from(stored.generator.get('convblock1.layers.1.running_mean')!.data as Float32Array));
    expect(mean.every(Number.isFinite)).toBe(true);
    expect([...tensors.keys()].sort()).toEqual([...stored.generator.keys()].sort());
    for (const [k, t] of tensors) expect(sameBytes(t.data, stored.generator.get(k)!.data), k).toBe(true);

    const evaluation = await h.session.evaluate(val);
    const direct = Evaluator.fromWeights(stored.generator, stored.meta.config);
    const expected = await direct.evaluate(val);
    direct.dispose();
    expect(evaluation).toMatchObject({ ...expected, weights: { criticStep: 1 } });
    expect(Number.isFinite(evaluation.mae)).toBe(true);
    expect((await h.store.readRecord('run-a')).state).toBe('failed');
  }, 120_000);

  it('a device lost mid-step continues from the last good checkpoint, equal to the uninterrupted run', async () => {
    const h = harness();
    h.on((e) => {
      if (e.type === 'critic-step' && e.criticStep === 2) h.tick(); // an interval checkpoint after batch 2 of epoch 1
      // Lost between the critic and the generator step of epoch 2's second batch.
      if (e.type === 'critic-step' && e.criticStep === 4 && h.restarts === 0) void h.session.deviceLost({ reason: 'unknown', message: 'simulated driver reset' });
    });
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('finished');
    expect(h.restarts).toBe(1);
    expect(h.states).toEqual(['starting', 'running', 'recovering', 'starting', 'running', 'finished']);
    const alert = h.events.find((e) => e.type === 'run-alert');
    expect(alert?.type === 'run-alert' && alert.message).toContain(
      "The GPU device was lost (unknown: simulated driver reset). The weights in use are now the last good checkpoint's (the end of epoch 1, critic step 2, generator step 1)",
    );
    expect(h.events.filter((e) => e.type === 'run-start').map((e) => e.type === 'run-start' && `${e.criticStep}/${e.generatorStep}/${e.resumed}`)).toEqual(['0/0/false', '2/1/true']);
    expect(numbers(await h.store.readMetrics('run-a'))).toEqual(reference);
  }, 120_000);

  it('evaluation builds the generator alone: no critic, no optimiser moments', async () => {
    const h = harness();
    await h.session.start({ config: tinyConfig({ epochs: 1 }), data: { train, val }, paused: true });
    await h.session.stop();
    const c = tinyConfig();
    const g = createGenerator(c.generatorWidths, 1);
    const d = createCritic(c.criticWidths, 2);
    const generatorTensors = g.params.size + g.buffers.size;
    const criticTensors = d.params.size + d.buffers.size;
    g.dispose();
    d.dispose();
    const before = tf.memory().numTensors;
    const evaluator = await h.session.evaluator();
    expect(tf.memory().numTensors - before).toBe(generatorTensors);
    expect(criticTensors).toBeGreaterThan(0);
    await evaluator.evaluate(val);
    expect(tf.memory().numTensors - before).toBe(generatorTensors);
    evaluator.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('RunSession kept runs', () => {
  it('a reload at any point resumes the run it names, from step 0 at the earliest, equal to the uninterrupted run', async () => {
    const h = harness();
    const copies: { at: string; store: MemoryCheckpointStore }[] = [];
    h.on((e) => {
      if (e.type === 'run-record' && e.run.state === 'created' && !e.run.latest) copies.push({ at: 'created', store: h.store.copy() });
      if (e.type === 'critic-step' && e.criticStep === 1) {
        copies.push({ at: 'after D1', store: h.store.copy() });
        h.tick();
      }
      if (e.type === 'checkpoint' && e.reason === 'interval') copies.push({ at: 'after interval', store: h.store.copy() });
    });
    await h.session.start({ config: tinyConfig(), data: { train, val }, name: 'flat layers' });
    expect(await h.session.finished()).toBe('finished');
    expect(copies.map((c) => c.at)).toEqual(['created', 'after D1', 'after interval']);
    for (const { at, store } of copies) {
      const r = harness(store, ['never']);
      const { runs, unreadable } = await r.session.listRuns();
      expect(unreadable).toEqual([]);
      expect(runs.map((x) => `${x.id} ${x.name}`)).toEqual(['run-a flat layers']);
      const latest = runs[0].latest;
      expect(latest?.criticStep ?? 0, at).toBe(at === 'after interval' ? 1 : 0);
      await r.session.continueRun('run-a', { data: { train, val } });
      expect(await r.session.finished()).toBe('finished');
      expect(numbers(await store.readMetrics('run-a')), at).toEqual(reference);
    }
  }, 240_000);

  it('a damaged latest checkpoint is refused by name: the run continues from the one before, says so, and still equals the uninterrupted run', async () => {
    const h = harness();
    let copy: MemoryCheckpointStore | null = null;
    h.on((e) => {
      if (e.type === 'critic-step' && e.criticStep === 1) h.tick();
      if (e.type === 'checkpoint' && e.reason === 'interval') copy = h.store.copy();
    });
    await h.session.start({ config: tinyConfig(), data: { train, val }, name: 'flat layers' });
    expect(await h.session.finished()).toBe('finished');
    const store = copy! as MemoryCheckpointStore;
    expect((await store.readRecord('run-a')).latest).toMatchObject({ criticStep: 1, generatorStep: 0 });
    damage(store.files.files, 'bundle', 'run-a', 'checkpoint.safetensors');
    const r = harness(store, ['never']);
    await r.session.continueRun('run-a', { data: { train, val } });
    expect(await r.session.finished()).toBe('finished');
    const alerts = r.events.filter((e) => e.type === 'run-alert');
    expect(alerts).toEqual([
      {
        type: 'run-alert',
        runId: 'run-a',
        level: 'warn',
        message:
          'Run “flat layers”: checkpoint of generator step 0 (critic step 1) is damaged (run-a/checkpoint.safetensors: damaged: the generator weights do not match the checksum saved with them); ' +
          'using generator step 0 (critic step 0); the damaged one is kept as run-a/checkpoint.damaged.safetensors.',
      },
    ]);
    // The record followed the fallback before the run went on (its first record event after the alert says step 0).
    const firstRecord = r.events.find((e) => e.type === 'run-record');
    expect(firstRecord?.type === 'run-record' && firstRecord.run.latest).toMatchObject({ criticStep: 0, generatorStep: 0, reason: 'start' });
    expect(numbers(await store.readMetrics('run-a'))).toEqual(reference);
  }, 120_000);

  it('two tabs on one saved run: the second is told the run is open elsewhere and cannot continue, rename or delete it; neither corrupts it', async () => {
    // Two sessions over the same files (two tabs on one origin), sharing the host's locks (Web Locks).
    const taken = new Set<string>();
    const locks: RunLocks = {
      async acquire(id) {
        if (taken.has(id)) return null;
        taken.add(id);
        return () => taken.delete(id);
      },
    };
    const first = harness(memoryCheckpointStore(), ['run-a'], { locks });
    const second = harness(memoryCheckpointStore(first.store.files), ['never'], { locks });
    let refusals: string[] = [];
    first.on((e) => {
      if (e.type === 'generator-step' && e.generatorStep === 1) {
        void (async () => {
          const open = await second.session.isOpenElsewhere('run-a');
          const tries = [
            second.session.continueRun('run-a', { data: { train, val } }),
            second.session.renameRun('run-a', 'mine now'),
            second.session.deleteRun('run-a'),
          ];
          refusals = [`open elsewhere: ${open}`, ...(await Promise.all(tries.map((p) => p.then(() => 'done', (err: unknown) => (err as Error).message))))];
        })();
      }
    });
    await first.session.start({ config: tinyConfig(), data: { train, val }, name: 'flat layers' });
    expect(await first.session.finished()).toBe('finished');
    expect(refusals).toEqual([
      'open elsewhere: true',
      'run “flat layers” is open in another tab or window: continue it there, or close it there first',
      'run “flat layers” is open in another tab or window: rename it there',
      'run “flat layers” is open in another tab or window: continue it there, or close it there first',
    ]);
    // The run is whole and as the uninterrupted run made it; its lock is free again.
    expect(numbers(await second.store.readMetrics('run-a'))).toEqual(reference);
    expect((await second.store.readRecord('run-a')).name).toBe('flat layers');
    expect((await second.store.loadCheckpoint('run-a'))!.fallback).toBeNull();
    expect(await second.session.isOpenElsewhere('run-a')).toBe(false);
    expect(taken.size).toBe(0);
  }, 120_000);

  it('storage full during autosave: the run goes on, the user is told once what it needs, the unsaved checkpoint can be downloaded, and autosave resumes when there is room', async () => {
    const mem = memoryCheckpointStore();
    let full = false;
    const refuse = (what: string) => {
      if (full) throw new FwiError('storage-full', 'could not write: browser storage is full', `browser storage: runs/run-a/${what}`);
    };
    const store: MemoryCheckpointStore = {
      ...mem,
      async saveCheckpoint(id, c) {
        refuse('checkpoint.partial.safetensors');
        return mem.saveCheckpoint(id, c);
      },
      async appendMetrics(id, events) {
        refuse('metrics.jsonl');
        return mem.appendMetrics(id, events);
      },
    };
    const h = harness(store, ['run-a']);
    let downloaded: number | null = null;
    h.on((e) => {
      if (e.type === 'critic-step' && e.criticStep === 1) {
        full = true;
        h.tick();
      }
      if (e.type === 'critic-step' && e.criticStep === 2) {
        void h.session.exportCheckpoint().then((c) => {
          downloaded = c.meta.criticStep;
          full = false; // the user freed space
        });
      }
    });
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('finished');
    const alerts = h.events.flatMap((e) => (e.type === 'run-alert' ? [`${e.level}: ${e.message}`] : []));
    const stepZero = (await mem.copy().loadCheckpoint('run-a'))!.checkpoint;
    const mb = (checkpointTensorBytes(stepZero) / 1e6).toFixed(1);
    expect(alerts).toEqual([
      `error: Autosave stopped: browser storage: runs/run-a/metrics.jsonl: could not write: browser storage is full. Training goes on, but nothing more of this run is kept until there is room. A checkpoint of this run needs about ${mb} MB. Free space (delete runs you no longer need), or use Download checkpoint to keep the newest one.`,
      `warn: Autosave works again: the checkpoint at the end of epoch 2, critic step 4, generator step 2 is saved.`,
    ]);
    expect(Number(mb)).toBeGreaterThan(0);
    // Download while running gave the checkpoint autosave could not keep (after critic step 1).
    expect(downloaded).toBe(1);
    // The interval checkpoint that was not kept is not in the history; the final one is, and the record names it.
    const checkpoints = (await mem.readMetrics('run-a')).filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && `${e.reason}@${e.criticStep}`);
    expect(checkpoints).toEqual(['start@0', 'end@4']);
    expect((await mem.readRecord('run-a')).latest).toMatchObject({ reason: 'end', criticStep: 4 });
    expect((await mem.loadCheckpoint('run-a'))!.checkpoint.meta.criticStep).toBe(4);
  }, 120_000);

  it('storage full for every write (records and metrics too): the run goes on, its Stop settles, and the state names the newest checkpoint kept', async () => {
    const files = memoryRunFiles();
    const faults = storageFaults(files);
    const store: MemoryCheckpointStore = { ...fileCheckpointStore(faults.files, { layout: 'bundle' }), files, checkpointWrites: () => 0, copy: () => memoryCheckpointStore(files.copy()) };
    const h = harness(store, ['run-a']);
    h.on((e) => {
      if (e.type !== 'critic-step') return;
      h.tick();
      if (e.criticStep === 2) faults.limitRoom(0); // after the interval checkpoint of critic step 1
      if (e.criticStep === 3) void h.session.stop();
    });
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('stopped');
    const alerts = h.events.flatMap((e) => (e.type === 'run-alert' ? [`${e.level}: ${e.message}`] : []));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/^error: Autosave stopped: run-a\/(metrics\.jsonl: could not append to|run\.json\.partial: could not write): browser storage is full \(this write needed 0\.0 MB\)\. Training goes on/);
    expect(h.states.slice(-2)).toEqual(['stopping', 'stopped']);
    const stopped = h.events.filter((e) => e.type === 'session-state').at(-1);
    expect(stopped).toMatchObject({ state: 'stopped', message: 'stopped; browser storage is full, so the newest checkpoint kept is at epoch 1 after batch 1, critic step 1, generator step 0' });
    // What a reload finds: the run whole at the checkpoint kept before storage filled.
    expect((await memoryCheckpointStore(files.copy()).loadCheckpoint('run-a'))!.checkpoint.meta.criticStep).toBe(1);
  }, 120_000);

  it('New run after Stop keeps the stopped run intact and listed', async () => {
    const h = harness();
    h.on((e) => e.type === 'generator-step' && e.generatorStep === 1 && void h.session.stop());
    await h.session.start({ config: tinyConfig(), data: { train, val }, name: 'first' });
    expect(await h.session.finished()).toBe('stopped');
    const bytes = encodeCheckpointBundle((await h.store.loadCheckpoint('run-a'))!.checkpoint);
    const history = await h.store.readMetrics('run-a');
    await expect(h.session.start({ config: tinyConfig(), data: { train, val } })).resolves.toMatchObject({ id: 'run-b' });
    await h.session.stop();
    const { runs } = await h.session.listRuns();
    expect(runs.map((r) => `${r.id} ${r.state}`).sort()).toEqual(['run-a stopped', 'run-b stopped']);
    expect(sameBytes(encodeCheckpointBundle((await h.store.loadCheckpoint('run-a'))!.checkpoint), bytes)).toBe(true);
    expect(await h.store.readMetrics('run-a')).toEqual(history);
    await h.session.deleteRun('run-b');
    expect((await h.session.listRuns()).runs.map((r) => r.id)).toEqual(['run-a']);
  }, 120_000);
});

describe('RunSession default names', () => {
  it('runs started in the same minute are told apart: the second and third get #2 and #3', async () => {
    const h = harness();
    const config = tinyConfig({ epochs: 1 });
    for (let k = 0; k < 3; k++) {
      await h.session.start({ config, data: { train, val }, paused: true });
      expect(await h.session.stop()).toBe('stopped');
    }
    const base = `${config.preset}, ${config.widthPreset} widths, 2026-11-30 07:00`;
    const names = new Map((await h.session.listRuns()).runs.map((r) => [r.id, r.name]));
    expect([names.get('run-a'), names.get('run-b'), names.get('run-c')]).toEqual([base, `${base} #2`, `${base} #3`]);
  }, 120_000);
});

describe('RunSession host signals', () => {
  it('a continued run keeps its own skip-non-finite choice, also after a reload before the bad sample came up', async () => {
    // Sample 0's velocity holds an Infinity; the run is stopped at step 0, before any batch.
    const bad = await layeredDataset(0, 4, { velocity: [{ at: [0, 10, 20], value: Infinity }] });
    const h = harness();
    await h.session.start({ config: tinyConfig({ epochs: 1 }), data: { train: bad, val }, paused: true, skipNonFinite: true });
    expect(await h.session.stop()).toBe('stopped');
    expect((await h.store.readRecord('run-a')).skipNonFinite).toBe(true);
    const r = harness(h.store.copy(), ['never']);
    await r.session.continueRun('run-a', { data: { train: bad, val } });
    expect(await r.session.finished()).toBe('finished');
    const skips = r.events.filter((e) => e.type === 'nonfinite-data');
    expect(skips.map((e) => e.type === 'nonfinite-data' && `${e.action} ${e.samples.map((s) => `${s.file}#${s.row}`).join(' ')}`)).toEqual(['skip velocity_0.npy#0']);
  }, 120_000);

  it("'run-start' of a continued run carries its kept history up to the checkpoint", async () => {
    const h = harness();
    h.on((e) => e.type === 'generator-step' && e.generatorStep === 1 && void h.session.stop());
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('stopped');
    const r = harness(h.store.copy(), ['never']);
    let stopped = false;
    r.on((e) => {
      if (e.type === 'critic-step' && !stopped) {
        stopped = true;
        void r.session.stop();
      }
    });
    await r.session.continueRun('run-a', { data: { train, val } });
    await r.session.finished();
    const start = r.events.find((e) => e.type === 'run-start');
    expect(start?.type === 'run-start' && `${start.criticStep}/${start.generatorStep}/${start.resumed}`).toBe('2/1/true');
    const kept = start?.type === 'run-start' ? numbers(start.history) : [];
    // Epoch 1's two critic steps and its generator step; its validation was not reached before Stop.
    expect(kept).toEqual(reference.slice(0, 3));
  }, 120_000);

  it('a reopened run shows the maps its last snapshot showed, from its final checkpoint, value for value', async () => {
    const h = harness();
    await h.session.start({ config: tinyConfig({ epochs: 1, snapshotEvery: 1 }), data: { train, val } });
    expect(await h.session.finished()).toBe('finished');
    const last = h.events.filter((e) => e.type === 'snapshot').at(-1);
    const r = harness(h.store.copy(), ['never']);
    await r.session.openRun('run-a');
    const maps = await r.session.snapshot(val);
    expect(last?.type === 'snapshot' && maps).toBeTruthy();
    if (last?.type !== 'snapshot' || !maps) return;
    expect(maps.indices).toEqual([0, 1, 2]);
    expect(maps.indices).toEqual(last.indices);
    expect(maps.generatorStep).toBe(last.generatorStep);
    expect(sameBytes(maps.predicted, last.predicted)).toBe(true);
    expect(sameBytes(maps.truth!, last.truth!)).toBe(true);
  }, 120_000);

  it('a run failing on a lost device before the host heard of the loss recovers (the host asked), equal to the uninterrupted run', async () => {
    // Critic step 3's batch read fails, as a read on a destroyed GPU device does, before any loss signal.
    let lost = false;
    let reads = 0;
    const flaky = Object.create(train) as Dataset;
    flaky.batches = async function* (opts) {
      for await (const b of train.batches(opts)) {
        if (++reads === 3 && !lost) {
          lost = true;
          throw new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved.");
        }
        yield b;
      }
    };
    const asked: boolean[] = [];
    const h = harness(memoryCheckpointStore(), ['run-a'], {
      deviceLoss: async () => {
        asked.push(lost);
        return lost && h.restarts === 0 ? { reason: 'destroyed', message: 'Device was destroyed.' } : null;
      },
    });
    h.on((e) => e.type === 'critic-step' && e.criticStep === 2 && h.tick()); // a checkpoint at the end of epoch 1
    await h.session.start({ config: tinyConfig(), data: { train: flaky, val } });
    expect(await h.session.finished()).toBe('finished');
    expect(asked).toEqual([true]);
    expect(h.restarts).toBe(1);
    expect(h.states).toEqual(['starting', 'running', 'recovering', 'starting', 'running', 'finished']);
    expect(h.events.filter((e) => e.type === 'session-state' && e.state === 'failed')).toEqual([]);
    const alert = h.events.find((e) => e.type === 'run-alert');
    expect(alert?.type === 'run-alert' && alert.message).toContain('The GPU device was lost (destroyed: Device was destroyed.). The weights in use are now the last good checkpoint\'s (the end of epoch 1, critic step 2, generator step 1)');
    expect(numbers(await h.store.readMetrics('run-a'))).toEqual(reference);
  }, 120_000);

  it('a device lost for lack of memory fails the run with what to change, on the last good checkpoint, without retrying', async () => {
    const h = harness();
    h.on((e) => {
      if (e.type === 'critic-step' && e.criticStep === 1) h.tick();
      if (e.type === 'checkpoint' && e.reason === 'interval') void h.session.deviceLost({ reason: 'unknown', message: 'out of memory', outOfMemory: 'Lower the batch to 1.' });
    });
    await h.session.start({ config: tinyConfig(), data: { train, val } });
    expect(await h.session.finished()).toBe('failed');
    expect(h.restarts).toBe(1);
    expect(h.events.filter((e) => e.type === 'run-start')).toHaveLength(1);
    const failed = h.events.filter((e) => e.type === 'session-state' && e.state === 'failed').at(-1);
    expect(failed?.type === 'session-state' && failed.message).toBe(
      "The GPU device was lost: it ran out of memory. Lower the batch to 1. The weights in use are now the last good checkpoint's (epoch 1 after batch 1, critic step 1, generator step 0).",
    );
    expect(h.session.weights).toMatchObject({ kind: 'checkpoint', criticStep: 1 });
    expect((await h.store.readRecord('run-a')).state).toBe('failed');
  }, 120_000);
});
