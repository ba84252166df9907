import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { block, leakyReluSecondOrder } from '../../../src/engine/model/layers.ts';
import { createNetwork } from '../../../src/engine/model/network.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { gradientPenalty, interpolate } from '../../../src/engine/train/gradientPenalty.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('gradient penalty', () => {
  it('uses a LeakyReLU equal to tf.leakyRelu(0.2)', () => {
    const x = tf.linspace(-3, 3, 61);
    const a = leakyReluSecondOrder(x).dataSync();
    const b = tf.leakyRelu(x, 0.2).dataSync();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
  });

  it('mixes real and fake per sample', () => {
    const real = tf.ones([2, 1, 1, 1]) as tf.Tensor4D;
    const fake = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
    expect(Array.from(interpolate(real, fake, tf.tensor4d([0.25, 0.75], [2, 1, 1, 1])).dataSync())).toEqual([0.25, 0.75]);
  });

  it('has parameter gradients (a second derivative through conv, train-mode BN and LeakyReLU) equal to central differences', () => {
    // A small critic of the same blocks: with few units, a ±1e-3 probe rarely flips a LeakyReLU,
    // whose derivative jumps there (so finite differences of the penalty of a full 70×70 critic
    // pick up those jumps; the full critic's penalty gradients are checked against PyTorch by the parity test).
    const critic = createNetwork({
      kind: 'critic',
      widths: [3, 2],
      seed: 3,
      secondOrder: true,
      recompute: false,
      inputGradient: true,
      flatten: true,
      steps: [block('a', 'conv', 1, 3, 3, 2, 1), block('b', 'conv', 3, 2, 3, 1, 1), block('c', 'conv', 2, 1, 3, 1, 0)],
    });
    const interp = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const penalty = (): tf.Scalar => gradientPenalty(critic, interp);
    const h = 1e-3;
    let checked = 0;
    for (const [name, v] of critic.params) {
      const { grads } = tf.variableGrads(penalty, [v]);
      const g = grads[v.name].dataSync();
      const original = v.dataSync().slice();
      for (let i = 0; i < g.length; i++) {
        const at = (delta: number): number => {
          const probe = original.slice();
          probe[i] += delta;
          v.assign(tf.tensor(probe, v.shape));
          return tf.tidy(() => penalty().dataSync()[0]);
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(original, v.shape));
        expect(Math.abs(fd - g[i]), `${name}[${i}]: fd ${fd}, autodiff ${g[i]}`).toBeLessThan(1e-2 * (Math.abs(g[i]) + 1e-2));
        checked++;
      }
    }
    expect(checked).toBe(critic.paramCount());
    critic.dispose();
  });
});
