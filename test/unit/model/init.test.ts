import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { fanIn } from '../../../src/engine/model/layers.ts';
import { widthPresets } from '../../../src/engine/model/widths.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function stats(values: Float32Array): { min: number; max: number; mean: number; variance: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / values.length;
  let s2 = 0;
  for (const v of values) s2 += (v - mean) ** 2;
  return { min, max, mean, variance: s2 / values.length };
}

describe('PyTorch default init', () => {
  const g = createGenerator(widthPresets.small.generator, 11);
  const blocks = g.steps.flatMap((s) => ('block' in s ? [s.block] : []));

  it('uses fan_in = in·kh·kw for Conv2d and out·kh·kw for ConvTranspose2d', () => {
    const deconv2_1 = blocks.find((b) => b.name === 'deconv2_1')!;
    expect(fanIn(deconv2_1)).toBe(64 * 4 * 4); // out = d4 = 64 at the small widths
    const convblock1 = blocks.find((b) => b.name === 'convblock1')!;
    expect(fanIn(convblock1)).toBe(5 * 7 * 1);
  });

  it('draws weights and biases from U(±1/√fan_in): range, mean 0, variance bound²/3', () => {
    for (const name of ['convblock5_1', 'deconv3_1', 'deconv1_2']) {
      const spec = blocks.find((b) => b.name === name)!;
      const bound = 1 / Math.sqrt(fanIn(spec));
      const w = stats(g.params.get(`${name}.layers.0.weight`)!.dataSync() as Float32Array);
      expect(w.min).toBeGreaterThanOrEqual(-bound);
      expect(w.max).toBeLessThanOrEqual(bound);
      expect(w.max).toBeGreaterThan(0.95 * bound);
      expect(Math.abs(w.mean)).toBeLessThan(0.05 * bound);
      expect(w.variance / (bound * bound / 3)).toBeGreaterThan(0.9);
      expect(w.variance / (bound * bound / 3)).toBeLessThan(1.1);
      const b = stats(g.params.get(`${name}.layers.0.bias`)!.dataSync() as Float32Array);
      expect(b.max).toBeLessThanOrEqual(bound);
      expect(b.min).toBeGreaterThanOrEqual(-bound);
    }
  });

  it('starts BatchNorm at γ = 1, β = 0, mean 0, variance 1', () => {
    expect(Array.from(g.params.get('deconv4_2.layers.1.weight')!.dataSync())).toEqual(new Array(16).fill(1));
    expect(Array.from(g.params.get('deconv4_2.layers.1.bias')!.dataSync())).toEqual(new Array(16).fill(0));
    expect(Array.from(g.buffers.get('deconv4_2.layers.1.running_var')!.dataSync())).toEqual(new Array(16).fill(1));
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = createGenerator(widthPresets.tiny.generator, 5);
    const b = createGenerator(widthPresets.tiny.generator, 5);
    const c = createGenerator(widthPresets.tiny.generator, 6);
    const key = 'convblock6_2.layers.0.weight';
    expect(Array.from(a.params.get(key)!.dataSync())).toEqual(Array.from(b.params.get(key)!.dataSync()));
    expect(Array.from(a.params.get(key)!.dataSync())).not.toEqual(Array.from(c.params.get(key)!.dataSync()));
    [a, b, c].forEach((n) => n.dispose());
  });
});
