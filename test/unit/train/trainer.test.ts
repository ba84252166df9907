import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig, type TrainConfig } from '../../../src/engine/config.ts';
import { memorySink, bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { decodeCheckpointBundle, encodeCheckpointBundle, memoryCheckpointSink } from '../../../src/engine/train/checkpoint.ts';
import type { RunState, TrainerEvent } from '../../../src/engine/train/events.ts';
import { INFERENCE_BATCH_MAX } from '../../../src/engine/eval/evaluator.ts';
import { Trainer } from '../../../src/engine/train/trainer.ts';
import type { Dataset } from '../../../src/engine/data/dataset.ts';
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

    const store = memoryCheckpointSink();
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

  it('stamps each step with seconds of training, the time spent paused left out', async () => {
    let now = 0;
    const stamps: string[] = [];
    const t: Trainer = new Trainer({
      config: tinyConfig({ epochs: 1, shuffle: false }),
      train: await layeredDataset(0, 6),
      backendName,
      clock: () => now,
      onEvent: (e) => {
        if (!isStep(e)) return;
        stamps.push(`${e.type === 'critic-step' ? 'D' : 'G'} ${e.elapsed}`);
        // Each step finishes one second after the one before; after critic step 2, a minute's pause.
        now += 1000;
        if (e.type === 'critic-step' && e.criticStep === 2) {
          t.pause();
          setTimeout(() => {
            now += 60_000;
            t.resume();
          }, 20);
        }
      },
    });
    expect(await t.run()).toBe('finished');
    t.dispose();
    expect(stamps).toEqual(['D 0', 'D 1', 'G 2', 'D 3', 'G 4']);
  }, 60_000);

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

  it('a NaN arising inside training from finite data stops the run, names the step and the quantity, and keeps the last good checkpoint', async () => {
    // A critic learning rate of 1e30 turns finite data into an overflowing critic after its first step.
    const train = await layeredDataset(0, 6);
    const store = memoryCheckpointSink();
    const states: { state: RunState; message?: string }[] = [];
    const events: TrainerEvent[] = [];
    const trainer = new Trainer({
      config: tinyConfig({ shuffle: false, checkpointMinutes: 1e-9, lrCritic: 1e30 }),
      train,
      backendName,
      store,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'state') states.push({ state: e.state, message: e.message });
      },
    });
    expect(await trainer.run()).toBe('failed');
    trainer.dispose();
    const last = states.at(-1)!;
    expect(last.state).toBe('failed');
    expect(last.message).toMatch(/^training stopped: the (critic loss|mean D\(real\)|mean D\(fake\)|gradient penalty) is (NaN|-?Infinity) at critic step 2 \(epoch 1, batch 2 of 3\)/);
    expect(last.message).toContain('the last good checkpoint (epoch 1, critic step 1, generator step 0) is kept. The batch\'s data is finite');
    expect(events.some((e) => e.type === 'nonfinite-data')).toBe(false);
    expect(store.saves).toEqual(['interval']);
    expect(store.latest!.meta.criticStep).toBe(1);
  }, 60_000);

  it('stops before the step on a NaN and an Inf planted in the data, naming file, sample and position; nothing moves and the last good checkpoint is kept', async () => {
    // In file order with batch 2, samples 4 and 5 make batch 3 of epoch 1.
    const train = await layeredDataset(0, 6, { seismic: [{ at: [4, 2, 417, 12], value: NaN }], velocity: [{ at: [5, 33, 9], value: Infinity }] });
    const store = memoryCheckpointSink();
    const events: TrainerEvent[] = [];
    const trainer = new Trainer({ config: tinyConfig({ shuffle: false, checkpointMinutes: 1e-9 }), train, backendName, store, onEvent: (e) => events.push(e) });
    expect(await trainer.run()).toBe('failed');
    const state = events.at(-1)!;
    expect(state.type === 'state' && state.message).toBe(
      'training stopped before critic step 3 (epoch 1, batch 3 of 3): the batch holds non-finite data: ' +
        'seismic_0.npy sample 4 (shot 2, time 417, receiver 12) is NaN; velocity_0.npy sample 5 (depth 33, offset 9) is Infinity. ' +
        'No weight or running statistic changed and the last good checkpoint (epoch 1, critic step 2, generator step 1) is kept. ' +
        'Fix or remove these samples, or skip samples with non-finite values for the rest of the run (--skip-nonfinite in the CLI).',
    );
    expect(events.find((e) => e.type === 'nonfinite-data')).toEqual({
      type: 'nonfinite-data',
      epoch: 0,
      iteration: 2,
      action: 'stop',
      samples: [
        { index: 4, file: 'seismic_0.npy', row: 4, kind: 'seismic', axes: ['shot', 'time', 'receiver'], position: [2, 417, 12], value: 'NaN', count: 1 },
        { index: 5, file: 'velocity_0.npy', row: 5, kind: 'velocity', axes: ['depth', 'offset'], position: [33, 9], value: 'Infinity', count: 1 },
      ],
    });
    expect(store.saves).toEqual(['interval', 'interval']);
    // Weights, running statistics and optimiser moments are exactly those of the kept checkpoint.
    const now = await trainer.checkpoint();
    trainer.dispose();
    const kept = store.latest!;
    for (const part of ['generator', 'critic', 'optimizerGenerator', 'optimizerCritic'] as const) {
      expect([...now[part].keys()]).toEqual([...kept[part].keys()]);
      for (const [k, t] of now[part]) expect(t.data).toEqual(kept[part].get(k)!.data);
    }
    expect([...now.generator.keys()].some((k) => k.endsWith('running_mean'))).toBe(true);
    expect(now.meta.position).toEqual(kept.meta.position);
    expect(now.meta.rngState).toBe(kept.meta.rngState);
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
    const before = await (await trainer.evaluator()).evaluate(val);
    expect(await trainer.run()).toBe('finished');
    const after = await (await trainer.evaluator()).evaluate(val);
    expect(validations).toHaveLength(8);
    expect(validations.at(-1)).toBeCloseTo(after.mae, 10);
    expect(after.mae).toBeLessThan(0.7 * before.mae);
    expect(after.maeMs).toBeCloseTo(after.mae * 1500, 6);

    // 8 epochs × 4 generator steps: snapshots at generator steps 10, 20 and 30 of samples 0..3.
    expect(snapshots.map((s) => s.type === 'snapshot' && s.generatorStep)).toEqual([10, 20, 30]);
    expect(snapshots.every((s) => s.type === 'snapshot' && s.indices.join() === '0,1,2,3' && s.predicted.length === 4 * 70 * 70)).toBe(true);

    const sink = memorySink();
    await (await trainer.evaluator()).predict(val, sink);
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

describe('Trainer skipping non-finite samples', () => {
  // Seed 3 orders 8 samples 3,5,4,0,6,2,7,1 in epoch 1: batch 2 holds sample 0 (an Inf in its
  // velocity), then, cut again without it, sample 6 (a NaN in its seismic). With both left out
  // each epoch has 3 full batches of 2 from the 6 good samples.
  const plant = { seismic: [{ at: [6, 1, 500, 3] as [number, number, number, number], value: NaN }], velocity: [{ at: [0, 10, 20] as [number, number, number], value: Infinity }] };
  const config = tinyConfig({ epochs: 2, lrGenerator: 1e-3, lrCritic: 1e-3 });

  /** Records every batch the dataset hands out, by (epoch, batch index), in order. */
  function recordBatches(ds: Dataset): { epoch: number; batch: number; indices: number[] }[] {
    const out: { epoch: number; batch: number; indices: number[] }[] = [];
    const batches = ds.batches.bind(ds);
    ds.batches = async function* (opts) {
      for await (const b of batches(opts)) {
        out.push({ epoch: opts.epoch ?? 0, batch: b.batchIndex, indices: [...b.indices] });
        yield b;
      }
    };
    return out;
  }

  it('skips them for the rest of the run: they never enter a trained batch, batches stay full, and a resumed run skips the same ones and matches exactly', async () => {
    const train = await layeredDataset(0, 8, plant);
    const handed = recordBatches(train);
    const whole: TrainerEvent[] = [];
    const a = new Trainer({ config, train, backendName, skipNonFinite: true, onEvent: (e) => whole.push(e) });
    expect(await a.run()).toBe('finished');
    expect(a.skippedSamples.map((s) => s.index)).toEqual([0, 6]);
    a.dispose();

    const skips = whole.filter((e) => e.type === 'nonfinite-data');
    expect(skips).toEqual([
      { type: 'nonfinite-data', epoch: 0, iteration: 1, action: 'skip', samples: [{ index: 0, file: 'velocity_0.npy', row: 0, kind: 'velocity', axes: ['depth', 'offset'], position: [10, 20], value: 'Infinity', count: 1 }] },
      { type: 'nonfinite-data', epoch: 0, iteration: 1, action: 'skip', samples: [{ index: 6, file: 'seismic_0.npy', row: 6, kind: 'seismic', axes: ['shot', 'time', 'receiver'], position: [1, 500, 3], value: 'NaN', count: 1 }] },
    ]);
    // A batch is trained unless the next one handed out has the same place (it was cut again).
    const trained = handed.filter((h, i) => !(handed[i + 1]?.epoch === h.epoch && handed[i + 1]?.batch === h.batch));
    expect(trained.map((t) => t.indices)).toEqual([[3, 5], [4, 2], [7, 1], [2, 4], [5, 7], [3, 1]]);
    const steps = whole.filter(isStep);
    expect(steps.filter((e) => e.type === 'critic-step').map((e) => `${e.epoch}.${e.iteration}`)).toEqual(trained.map((t) => `${t.epoch}.${t.batch}`));

    // Stopped after the skips (critic step 3), then resumed from the bundle: the checkpoint carries the skipped samples.
    const store = memoryCheckpointSink();
    const first: StepEvent[] = [];
    const b: Trainer = new Trainer({
      config,
      train,
      backendName,
      store,
      skipNonFinite: true,
      onEvent: (e) => {
        if (isStep(e)) first.push(e);
        if (e.type === 'critic-step' && e.criticStep === 3) b.stop();
      },
    });
    expect(await b.run()).toBe('stopped');
    b.dispose();
    const restored = decodeCheckpointBundle(encodeCheckpointBundle(store.latest!));
    expect(restored.meta.skipped.map((s) => [s.index, s.file, s.row, s.position.join(' '), s.value])).toEqual([
      [0, 'velocity_0.npy', 0, '10 20', 'Infinity'],
      [6, 'seismic_0.npy', 6, '1 500 3', 'NaN'],
    ]);
    handed.length = 0;
    const rest: TrainerEvent[] = [];
    // Resumed without the flag: the skipped samples stay out all the same.
    const c = Trainer.fromCheckpoint(restored, { train, backendName, onEvent: (e) => rest.push(e) });
    expect(await c.run()).toBe('finished');
    c.dispose();
    expect(handed.flatMap((h) => h.indices).filter((i) => i === 0 || i === 6)).toEqual([]);
    expect(rest.some((e) => e.type === 'nonfinite-data')).toBe(false);
    const resumed = [...first, ...rest.filter(isStep)];
    expect(resumed.map((e) => `${e.type}@${e.epoch}.${e.iteration}`)).toEqual(steps.map((e) => `${e.type}@${e.epoch}.${e.iteration}`));
    expect(resumed.map((e) => e.loss)).toEqual(steps.map((e) => e.loss));
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
        return await (await t.evaluator()).evaluate(val);
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
