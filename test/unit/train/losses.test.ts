import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { criticLoss, generatorLoss, l1Loss, l2Loss } from '../../../src/engine/train/losses.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('VelocityGAN losses', () => {
  const pred = tf.tensor4d([0.5, -0.25, 1, 0], [1, 2, 2, 1]);
  const label = tf.tensor4d([0, 0.25, 0.5, -1], [1, 2, 2, 1]);
  // |d| = 0.5, 0.5, 0.5, 1; d² = 0.25, 0.25, 0.25, 1
  const l1 = 2.5 / 4;
  const l2 = 1.75 / 4;

  it('L1 and MSE are means over every value', () => {
    expect(l1Loss(pred, label).dataSync()[0]).toBeCloseTo(l1, 7);
    expect(l2Loss(pred, label).dataSync()[0]).toBeCloseTo(l2, 7);
  });

  it('generator: λ_g1v·L1 + λ_g2v·MSE + λ_adv·(−mean D(pred))', () => {
    const scores = tf.tensor2d([0.3, -0.1, 0.7], [3, 1]);
    const t = generatorLoss(pred, label, scores, { g1v: 100, g2v: 3, adv: 2, gp: 10 });
    expect(t.adv.dataSync()[0]).toBeCloseTo(-0.3, 6);
    expect(t.loss.dataSync()[0]).toBeCloseTo(100 * l1 + 3 * l2 + 2 * -0.3, 4);
  });

  it('critic: −mean D(real) + mean D(fake) + λ_gp·GP', () => {
    const t = criticLoss(tf.tensor2d([1, 2], [2, 1]), tf.tensor2d([-1, 0.5], [2, 1]), tf.scalar(0.2), { g1v: 100, g2v: 0, adv: 1, gp: 10 });
    expect(t.lossReal.dataSync()[0]).toBeCloseTo(1.5, 6);
    expect(t.lossFake.dataSync()[0]).toBeCloseTo(-0.25, 6);
    expect(t.loss.dataSync()[0]).toBeCloseTo(-1.5 - 0.25 + 2, 6);
  });
});
