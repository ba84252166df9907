/**
 * Soak: the trainer's whole loop (batches, critic and generator steps, validation, snapshots,
 * interval checkpoints) for thousands of steps, sampling tf.js tensor count and bytes, the JS heap
 * and the mean step time every `sampleEvery` steps. A leak shows as a slope: tensors and bytes
 * must not move at all after the first sample; step time and heap are reported as slopes per
 * 1,000 steps. `npm run soak` runs 2,000 steps; the unit tests run 200.
 */
import * as tf from '@tensorflow/tfjs';
import { applyWidthPreset, defaultConfig, type TrainConfig } from '../src/engine/config.ts';
import type { Dataset } from '../src/engine/data/dataset.ts';
import { initBackend, type BackendName } from '../src/engine/train/backend.ts';
import { memoryCheckpointSink } from '../src/engine/train/checkpoint.ts';
import { Trainer } from '../src/engine/train/trainer.ts';

export interface SoakSample {
  step: number;
  tensors: number;
  bytes: number;
  heapBytes: number;
  /** Mean wall time per step since the previous sample. */
  msPerStep: number;
}

export interface SoakResult {
  backend: BackendName;
  steps: number;
  samples: SoakSample[];
  /** Least-squares slopes per 1,000 steps over the samples after the first. */
  slopes: { tensors: number; bytes: number; heapBytes: number; msPerStep: number };
  meanMsPerStep: number;
  checkpoints: number;
  validations: number;
}

export interface SoakOptions {
  steps: number;
  sampleEvery: number;
  backend: BackendName;
  train: Dataset;
  val: Dataset;
  /** Default: tiny widths, batch 2, a validation every 100 steps, a checkpoint every 5 s. */
  config?: Partial<TrainConfig>;
  /** Each sample as it is taken (a long run on a busy machine shows its figures before it ends). */
  onSample?: (sample: SoakSample) => void;
}

/** Least-squares slope of y against x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Runs the trainer for `steps` steps (critic and generator steps together) and samples it. */
export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const backend = await initBackend(opts.backend);
  // Steps per epoch: a critic step per batch, and a generator step every nCritic batches.
  const batches = Math.floor(opts.train.length / (opts.config?.batchSize ?? 2));
  const perEpoch = batches * (1 + 1 / (opts.config?.nCritic ?? defaultConfig().nCritic));
  const config: TrainConfig = {
    ...applyWidthPreset(defaultConfig(), 'tiny'),
    preset: 'custom',
    batchSize: 2,
    epochs: Math.ceil(opts.steps / batches) + 1,
    valEvery: Math.max(1, Math.round(100 / perEpoch)),
    snapshotEvery: 10,
    checkpointMinutes: 5 / 60,
    ...opts.config,
  };
  const store = memoryCheckpointSink();
  const samples: SoakSample[] = [];
  let steps = 0;
  let validations = 0;
  let last = performance.now();
  let trainer: Trainer | null = null;
  trainer = new Trainer({
    config,
    train: opts.train,
    val: opts.val,
    store,
    onEvent(e) {
      if (e.type === 'validation') validations++;
      if (e.type !== 'critic-step' && e.type !== 'generator-step') return;
      steps++;
      if (steps % opts.sampleEvery === 0) {
        const now = performance.now();
        const m = tf.memory();
        const sample = { step: steps, tensors: m.numTensors, bytes: m.numBytes, heapBytes: process.memoryUsage().heapUsed, msPerStep: (now - last) / opts.sampleEvery };
        samples.push(sample);
        opts.onSample?.(sample);
        last = now;
      }
      if (steps >= opts.steps) trainer!.stop();
    },
  });
  await trainer.run();
  trainer.dispose();
  const after = samples.slice(1);
  const x = after.map((s) => s.step);
  const per1000 = (key: keyof SoakSample) => slope(x, after.map((s) => s[key])) * 1000;
  return {
    backend,
    steps,
    samples,
    slopes: { tensors: per1000('tensors'), bytes: per1000('bytes'), heapBytes: per1000('heapBytes'), msPerStep: per1000('msPerStep') },
    meanMsPerStep: after.reduce((a, s) => a + s.msPerStep, 0) / Math.max(1, after.length),
    checkpoints: store.saves.length,
    validations,
  };
}
