import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mae, metrics, MetricsAccumulator, rmse, ssim, withMetres } from '../../../src/engine/eval/metrics.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** pytorch_ssim in plain double-precision loops: 11×11 Gaussian σ 1.5, zero padding 5, on (x + 1)/2. */
function referenceSsim(pred: Float32Array, label: Float32Array, n: number, h: number, w: number): number {
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const gs = g.reduce((a, b) => a + b, 0);
  const win = (i: number, j: number): number => (g[i] / gs) * (g[j] / gs);
  let total = 0;
  for (let s = 0; s < n; s++) {
    const x = (r: number, c: number): number => (r < 0 || r >= h || c < 0 || c >= w ? 0 : (pred[(s * h + r) * w + c] + 1) / 2);
    const y = (r: number, c: number): number => (r < 0 || r >= h || c < 0 || c >= w ? 0 : (label[(s * h + r) * w + c] + 1) / 2);
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) {
        let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
        for (let i = 0; i < 11; i++)
          for (let j = 0; j < 11; j++) {
            const k = win(i, j);
            const a = x(r + i - 5, c + j - 5);
            const b = y(r + i - 5, c + j - 5);
            mx += k * a;
            my += k * b;
            xx += k * a * a;
            yy += k * b * b;
            xy += k * a * b;
          }
        const c1 = 1e-4, c2 = 9e-4;
        total += ((2 * mx * my + c1) * (2 * (xy - mx * my) + c2)) / ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2));
      }
  }
  return total / (n * h * w);
}

function maps(n: number, h: number, w: number, seed: number): { pred: Float32Array; label: Float32Array } {
  let s = seed;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const label = new Float32Array(n * h * w).map((_, i) => Math.tanh(Math.sin(i / 7) + (rand() - 0.5)));
  const pred = label.map((v) => Math.max(-1, Math.min(1, v + (rand() - 0.5))));
  return { pred, label };
}

describe('metrics', () => {
  it('MAE and RMSE are global means over every pixel', async () => {
    const p = tf.tensor4d([0.5, -0.5, 0, 1], [1, 1, 2, 2]);
    const l = tf.tensor4d([0, 0, 0, 0], [1, 1, 2, 2]);
    expect(await mae(p, l)).toBeCloseTo(0.5, 7);
    expect(await rmse(p, l)).toBeCloseTo(Math.sqrt(1.5 / 4), 7);
  });

  it('SSIM equals pytorch_ssim written out in loops, on (N, 1, H, W) and (N, H, W, 1) alike', async () => {
    const [n, h, w] = [2, 16, 13];
    const { pred, label } = maps(n, h, w, 3);
    const expected = referenceSsim(pred, label, n, h, w);
    expect(expected).toBeGreaterThan(0.3);
    expect(expected).toBeLessThan(0.99);
    expect(await ssim(tf.tensor4d(pred, [n, 1, h, w]), tf.tensor4d(label, [n, 1, h, w]))).toBeCloseTo(expected, 5);
    expect(await ssim(tf.tensor4d(pred, [n, h, w, 1]), tf.tensor4d(label, [n, h, w, 1]))).toBeCloseTo(expected, 5);
  });

  it('SSIM of a map with itself is 1', async () => {
    const { label } = maps(1, 20, 20, 5);
    const t = tf.tensor4d(label, [1, 1, 20, 20]);
    expect(await ssim(t, t)).toBeCloseTo(1, 6);
  });

  it('accumulates over batches to the metrics of the whole set', async () => {
    const [n, h, w] = [5, 12, 12];
    const { pred, label } = maps(n, h, w, 9);
    const whole = await metrics(tf.tensor4d(pred, [n, 1, h, w]), tf.tensor4d(label, [n, 1, h, w]));
    const acc = new MetricsAccumulator();
    const cut = 2 * h * w;
    await acc.add(tf.tensor4d(pred.subarray(0, cut), [2, 1, h, w]), tf.tensor4d(label.subarray(0, cut), [2, 1, h, w]));
    await acc.add(tf.tensor4d(pred.subarray(cut), [3, 1, h, w]), tf.tensor4d(label.subarray(cut), [3, 1, h, w]));
    const parts = acc.result();
    expect(acc.count).toBe(n * h * w);
    for (const k of ['mae', 'mse', 'rmse', 'ssim'] as const) expect(parts[k]).toBeCloseTo(whole[k], 6);
  });

  it('keeps each sample\'s metrics: closed-form MAE and RMSE, SSIM 1 for an exact sample, and the set\'s sums are theirs', async () => {
    // Sample 0 is exact; sample 1 is off by 0.5 everywhere; sample 2 by +0.2 on half its pixels and −0.4 on the rest.
    const [h, w] = [12, 12];
    const size = h * w;
    const { label } = maps(3, h, w, 4);
    const pred = label.map((v, i) => (i < size ? v : i < 2 * size ? v + 0.5 : v + ((i - 2 * size) % 2 === 0 ? 0.2 : -0.4)));
    const acc = new MetricsAccumulator();
    await acc.add(tf.tensor4d(pred.subarray(0, 2 * size), [2, 1, h, w]), tf.tensor4d(label.subarray(0, 2 * size), [2, 1, h, w]), [10, 11]);
    await acc.add(tf.tensor4d(pred.subarray(2 * size), [1, 1, h, w]), tf.tensor4d(label.subarray(2 * size), [1, 1, h, w]), [12]);
    const samples = acc.samples();
    expect(samples.map((s) => s.index)).toEqual([10, 11, 12]);
    expect(samples[0].mae).toBe(0);
    expect(samples[0].ssim).toBeCloseTo(1, 6);
    expect(samples[1].mae).toBeCloseTo(0.5, 6);
    expect(samples[1].rmse).toBeCloseTo(0.5, 6);
    expect(samples[2].mae).toBeCloseTo(0.3, 6);
    expect(samples[2].mse).toBeCloseTo((0.04 + 0.16) / 2, 6);
    expect(samples[2].rmse).toBeCloseTo(Math.sqrt(0.1), 6);
    expect(samples[1].ssim).toBeCloseTo(referenceSsim(pred.subarray(size, 2 * size), label.subarray(size, 2 * size), 1, h, w), 5);
    const whole = acc.result();
    expect(whole.mae).toBeCloseTo((0 + 0.5 + 0.3) / 3, 6);
    expect(whole.mse).toBeCloseTo((0 + 0.25 + 0.1) / 3, 6);
    expect(whole.ssim).toBeCloseTo(samples.reduce((s, x) => s + x.ssim, 0) / 3, 6);
  });

  it('reports MAE and RMSE in m/s as ×(label_max − label_min)/2', () => {
    const m = withMetres({ mae: 0.01, mse: 0.0004, rmse: 0.02, ssim: 0.9 }, 1500, 4500);
    expect(m.maeMs).toBeCloseTo(15, 9);
    expect(m.rmseMs).toBeCloseTo(30, 9);
  });

  it('leaves no tensors behind', async () => {
    const p = tf.zeros([2, 1, 8, 8]);
    const before = tf.memory().numTensors;
    await metrics(p, p);
    expect(tf.memory().numTensors).toBe(before);
  });
});
