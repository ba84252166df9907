import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig, type TrainConfig } from '../../../src/engine/config.ts';
import { memorySink, bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { decodeCheckpointBundle, encodeCheckpointBundle, memoryCheckpointStore } from '../../../src/engine/train/checkpoint.ts';
import type { RunState, TrainerEvent } from '../../../src/engine/train/events.ts';
import { INFERENCE_BATCH_MAX, Trainer } from '../../../src/engine/train/trainer.ts';
import { layeredDataset } from './layeredDataset.ts';

// Every trainer test runs on wasm: the same loop on the cpu backend is ~10× slower at these
// sizes (its element-wise kernels dominate), and wasm is what the CLI picks by default.
const backendName = 'wasm' as const;

function tinyConfig(over: Partial<TrainConfig>): TrainConfig {
  return { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 2, nCritic: 2, seed: 3, snapshotEvery: 1000, checkpointMinutes: 1e6, ...over };
}

type StepEvent = Extract<TrainerEvent, { type: 'critic-step' | 'generator-step' }>;
const isStep = (e: TrainerEvent): e is StepEvent => e.type === 'critic-step' || e.type === 'generator-step';

describe('Trainer', () => {
  it('resumed from a checkpoint bundle gives the same losses as the uninterrupted run, without leaking tensors', async () => {
    const train = await layeredDataset(0, 6);
    const config = tinyConfig({ lrGenerator: 1e-3, lrCritic: 1e-3 });

    const whole: StepEvent[] = [];
    const tensorsAtCriticStep: number[] = [];
    const states: RunState[] = [];
    let a: Trainer | null = null;
    a = new Trainer({
      config,
      train,
      backendName,
      onEvent: (e) => {
        if (isStep(e)) whole.push(e);
        if (e.type === 'critic-step') tensorsAtCriticStep.push(tf.memory().numTensors);
        if (e.type === 'state') states.push(e.state);
        // Pause mid-run and resume shortly after: the run must carry on unchanged.
        if (e.type === 'critic-step' && e.criticStep === 2) {
          a!.pause();
          setTimeout(() => a!.resume(), 20);
        }
      },
    });
    expect(await a.run()).toBe('finished');
    a.dispose();
    expect(states).toEqual(['running', 'paused', 'running', 'finished']);
    // 2 epochs × 3 batches: a critic step on each, a generator step on batches 2 and 3 of each epoch.
    expect(whole.map((e) => (e.type === 'critic-step' ? 'D' : 'G')).join('')).toBe('DDGDGDDGDG');
    expect(new Set(tensorsAtCriticStep.slice(1)).size).toBe(1);

    const store = memoryCheckpointStore();
    const first: StepEvent[] = [];
    const b: Trainer = new Trainer({
      config,
      train,
      backendName,
      store,
      onEvent: (e) => {
        if (isStep(e)) first.push(e);
        if (e.type === 'critic-step' && e.criticStep === 4) b.stop();
      },
    });
    expect(await b.run()).toBe('stopped');
    b.dispose();
    expect(store.saves).toEqual(['stop']);
    const saved = store.latest!;
    expect(saved.meta.position).toEqual({ epoch: 1, iteration: 1 });

    const restored = decodeCheckpointBundle(encodeCheckpointBundle(saved));
    const rest: StepEvent[] = [];
    const c = Trainer.fromCheckpoint(restored, { train, backendName, onEvent: (e) => isStep(e) && rest.push(e) });
    expect(await c.run()).toBe('finished');
    c.dispose();

    const resumed = [...first, ...rest];
    expect(resumed.map((e) => `${e.type}@${e.epoch}.${e.iteration}`)).toEqual(whole.map((e) => `${e.type}@${e.epoch}.${e.iteration}`));
    resumed.forEach((e, i) => {
      const w = whole[i];
      expect(e.loss).toBeCloseTo(w.loss, 5);
      if (e.type === 'critic-step' && w.type === 'critic-step') expect(e.gp).toBeCloseTo(w.gp, 5);
      if (e.type === 'generator-step' && w.type === 'generator-step') expect(e.l1).toBeCloseTo(w.l1, 6);
    });
  }, 120_000);

  it('follows the PaddleScience schedule: n_critic critic batches, then a generator batch', async () => {
    const steps: string[] = [];
    const trainer = new Trainer({
      config: tinyConfig({ schedule: 'paddle', nCritic: 3, shuffle: false, epochs: 1 }),
      train: await layeredDataset(0, 10),
      backendName,
      onEvent: (e) => isStep(e) && steps.push(`${e.type === 'critic-step' ? 'D' : 'G'}${e.iteration}`),
    });
    expect(await trainer.run()).toBe('finished');
    trainer.dispose();
    expect(steps).toEqual(['D0', 'D1', 'D2', 'G3', 'D4']);
  }, 60_000);

  it('stops on a NaN loss, names the step and the quantity, and keeps the last good checkpoint', async () => {
    // Sample 4 carries a NaN: with batches in order it is in batch 3 of epoch 1.
    const train = await layeredDataset(0, 6, 4);
    const store = memoryCheckpointStore();
    const states: { state: RunState; message?: string }[] = [];
    const trainer = new Trainer({
      config: tinyConfig({ shuffle: false, checkpointMinutes: 1e-9 }),
      train,
      backendName,
      store,
      onEvent: (e) => e.type === 'state' && states.push({ state: e.state, message: e.message }),
    });
    expect(await trainer.run()).toBe('failed');
    trainer.dispose();
    const last = states.at(-1)!;
    expect(last.state).toBe('failed');
    expect(last.message).toContain('the critic loss is NaN at critic step 3 (epoch 1, batch 3 of 3)');
    expect(last.message).toContain('the last good checkpoint (epoch 1, critic step 2, generator step 1) is kept');
    expect(store.saves).toEqual(['interval', 'interval']);
    expect(store.latest!.meta.criticStep).toBe(2);
    for (const t of store.latest!.generator.values()) {
      if (t.data instanceof Float32Array) expect(t.data.every(Number.isFinite)).toBe(true);
    }
  }, 60_000);

  it('lowers the validation L1 of a tiny net on learnable layered data, and predictions agree with the metrics', async () => {
    const train = await layeredDataset(0, 8);
    const val = await layeredDataset(100, 4);
    const validations: number[] = [];
    const snapshots: TrainerEvent[] = [];
    const trainer = new Trainer({
      config: tinyConfig({ epochs: 8, nCritic: 1, lrGenerator: 3e-3, lrCritic: 3e-3, snapshotEvery: 10 }),
      train,
      val,
      backendName,
      onEvent: (e) => {
        if (e.type === 'validation') validations.push(e.mae);
        if (e.type === 'snapshot') snapshots.push(e);
      },
    });
    const before = await trainer.evaluate(val);
    expect(await trainer.run()).toBe('finished');
    const after = await trainer.evaluate(val);
    expect(validations).toHaveLength(8);
    expect(validations.at(-1)).toBeCloseTo(after.mae, 10);
    expect(after.mae).toBeLessThan(0.7 * before.mae);
    expect(after.maeMs).toBeCloseTo(after.mae * 1500, 6);

    // 8 epochs × 4 generator steps: snapshots at generator steps 10, 20 and 30 of samples 0..3.
    expect(snapshots.map((s) => s.type === 'snapshot' && s.generatorStep)).toEqual([10, 20, 30]);
    expect(snapshots.every((s) => s.type === 'snapshot' && s.indices.join() === '0,1,2,3' && s.predicted.length === 4 * 70 * 70)).toBe(true);

    const sink = memorySink();
    await trainer.predict(val, sink);
    trainer.dispose();
    const npy = await openNpy(bytesSource(sink.bytes(), 'predictions.npy'));
    expect(npy.shape).toEqual([4, 1, 70, 70]);
    const pred = await npy.readAll();
    const truth = (await val.read([0, 1, 2, 3])).velocity!;
    let abs = 0;
    for (let i = 0; i < pred.length; i++) abs += Math.abs(pred[i] - truth[i]);
    expect(abs / pred.length).toBeCloseTo(after.maeMs, 1);
  }, 120_000);
});

describe('Trainer inference batches', () => {
  it('evaluates in passes of at most INFERENCE_BATCH_MAX samples with the same metrics as any smaller batch', async () => {
    const val = await layeredDataset(0, 11);
    const requested: number[] = [];
    const batches = val.batches.bind(val);
    val.batches = (opts) => {
      requested.push(opts.batchSize);
      return batches(opts);
    };
    const evaluateWith = async (batchSize: number) => {
      const t = new Trainer({ config: tinyConfig({ batchSize }), backendName });
      try {
        return await t.evaluate(val);
      } finally {
        t.dispose();
      }
    };
    // Same seed, so the same initial generator: batch 64 runs as passes of 8 + 3, batch 2 as 5×2 + 1.
    const big = await evaluateWith(64);
    const small = await evaluateWith(2);
    expect(requested).toEqual([INFERENCE_BATCH_MAX, 2]);
    expect(INFERENCE_BATCH_MAX).toBe(8);
    expect(big.samples).toBe(11);
    // Float32 sums over other batch shapes: the studio-vs-CLI agreement bound (1e-4).
    expect(Math.abs(big.mae - small.mae)).toBeLessThan(1e-4);
    expect(Math.abs(big.rmse - small.rmse)).toBeLessThan(1e-4);
    expect(Math.abs(big.ssim - small.ssim)).toBeLessThan(1e-4);
  });
});
