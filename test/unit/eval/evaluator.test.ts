/**
 * The Evaluator's per-sample scores: each sample's MAE and RMSE in m/s are those of its own
 * predicted map against its true map (read back through `predictSamples`), the set's metrics are
 * the samples' means, and nothing is left on the tf.js heap.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig } from '../../../src/engine/config.ts';
import { Evaluator } from '../../../src/engine/eval/evaluator.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { layeredDataset } from '../train/layeredDataset.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Evaluator per sample', () => {
  it('scores every sample as its own maps score, in dataset order, and the set as their mean', async () => {
    const config = { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, seed: 5 };
    const generator = createGenerator(config.generatorWidths, 3);
    const dataset = await layeredDataset(0, 3);
    const before = tf.memory().numTensors;
    const evaluator = Evaluator.over(generator, config);
    const e = await evaluator.evaluate(dataset);
    expect(e.perSample.map((s) => s.index)).toEqual([0, 1, 2]);
    const maps = await evaluator.predictSamples(dataset, [2, 0]);
    expect(maps.indices).toEqual([2, 0]);
    const cells = 70 * 70;
    maps.indices.forEach((index, k) => {
      let abs = 0;
      let sq = 0;
      for (let p = 0; p < cells; p++) {
        const d = maps.predicted[k * cells + p] - maps.truth![k * cells + p];
        abs += Math.abs(d);
        sq += d * d;
      }
      const s = e.perSample[index];
      expect(s.maeMs).toBeCloseTo(abs / cells, 1);
      expect(s.rmseMs).toBeCloseTo(Math.sqrt(sq / cells), 1);
      expect(s.mae).toBeCloseTo(s.maeMs / 1500, 9);
    });
    const mean = (k: 'mae' | 'mse' | 'ssim') => e.perSample.reduce((a, s) => a + s[k], 0) / 3;
    expect(e.mae).toBeCloseTo(mean('mae'), 9);
    expect(e.mse).toBeCloseTo(mean('mse'), 9);
    expect(e.ssim).toBeCloseTo(mean('ssim'), 9);
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
    await dataset.close();
  }, 60_000);
});
