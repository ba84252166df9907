/**
 * The trainer's progress events on a clock the test drives: the warm-up batch (kernel compilation)
 * is not speed, validation passes are timed and counted in the time left, and a progress event
 * follows every batch, so the position shown never lags the curves.
 */
import { describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig } from '../../../src/engine/config.ts';
import type { ProgressEvent, TrainerEvent } from '../../../src/engine/train/events.ts';
import { Trainer } from '../../../src/engine/train/trainer.ts';
import { layeredDataset } from './layeredDataset.ts';

describe('Trainer progress', () => {
  it('warms up, then measures batches and validation passes; time left counts both', async () => {
    // 4 samples in batches of 2: 2 batches per epoch, 3 epochs, validation after each.
    const config = { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 3, valEvery: 1, seed: 3, snapshotEvery: 1000, checkpointMinutes: 1e6 };
    let now = 0;
    let batches = 0;
    const events: TrainerEvent[] = [];
    const trainer = new Trainer({
      config,
      train: await layeredDataset(0, 4),
      val: await layeredDataset(100, 2),
      backendName: 'wasm',
      clock: () => now,
      onEvent: (e) => {
        events.push(e);
        // The first batch takes 30 s (compiling), every later one 2 s; a validation pass 5 s.
        if (e.type === 'critic-step') now += ++batches === 1 ? 30_000 : 2_000;
        if (e.type === 'progress' && e.phase === 'validating') now += 5_000;
      },
    });
    expect(await trainer.run()).toBe('finished');
    trainer.dispose();

    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
    const view = (p: ProgressEvent) => [p.phase, p.epoch, p.iteration, p.samplesPerSecond, p.secondsLeft];
    expect(progress.map(view)).toEqual([
      ['warm-up', 0, 0, 0, null],
      ['training', 0, 1, 0, null], // after the warm-up batch: speed not measured yet
      ['training', 1, 0, 1, 4 * 2 + 3 * 0], // 2 s per batch of 2; no pass timed yet
      ['validating', 1, 0, 1, 8],
      ['training', 1, 0, 1, 4 * 2 + 2 * 5],
      ['training', 1, 1, 1, 3 * 2 + 2 * 5],
      ['training', 2, 0, 1, 2 * 2 + 2 * 5],
      ['validating', 2, 0, 1, 14],
      ['training', 2, 0, 1, 2 * 2 + 1 * 5],
      ['training', 2, 1, 1, 1 * 2 + 1 * 5],
      ['training', 3, 0, 1, 0 + 1 * 5],
      ['validating', 3, 0, 1, 5],
      ['training', 3, 0, 1, 0],
    ]);

    // Every critic step is followed, before the next one, by a progress event at the position after its batch.
    events.forEach((e, i) => {
      if (e.type !== 'critic-step') return;
      const next = events.slice(i + 1).find((x) => x.type === 'progress' || x.type === 'critic-step');
      expect(next?.type).toBe('progress');
      const p = next as ProgressEvent;
      expect(p.epoch * 2 + p.iteration).toBe(e.epoch * 2 + e.iteration + 1);
    });
  }, 120_000);
});
