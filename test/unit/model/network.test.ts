import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BN_EPS } from '../../../src/engine/model/batchNorm.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { block } from '../../../src/engine/model/layers.ts';
import { bnKey, convKey, createNetwork } from '../../../src/engine/model/network.ts';
import { widthPresets } from '../../../src/engine/model/widths.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('generator and critic', () => {
  it('have the reference parameter counts at the full widths', () => {
    const g = createGenerator(widthPresets.full.generator, 1);
    const d = createCritic(widthPresets.full.critic, 1);
    expect(g.paramCount()).toBe(24_409_123);
    expect(d.paramCount()).toBe(1_180_003);
    g.dispose();
    d.dispose();
  });

  it('name every tensor as the PyTorch state dict does', () => {
    const d = createCritic(widthPresets.tiny.critic, 1);
    expect([...d.params.keys()].slice(0, 4)).toEqual([
      'convblock1_1.layers.0.weight',
      'convblock1_1.layers.0.bias',
      'convblock1_1.layers.1.weight',
      'convblock1_1.layers.1.bias',
    ]);
    expect(d.buffers.has('convblock5.layers.1.running_var')).toBe(true);
    expect(d.batchesTracked.get('convblock5.layers.1.num_batches_tracked')).toBe(0);
    expect(d.params.get('convblock1_1.layers.0.weight')!.shape).toEqual([3, 3, 1, 4]);
    d.dispose();
  });

  it('map seismic (N, 1000, 70, 5) to velocity (N, 70, 70, 1) in (−1, 1) and velocity to scores (N, 1)', () => {
    const g = createGenerator(widthPresets.tiny.generator, 3);
    const d = createCritic(widthPresets.tiny.critic, 3);
    const x = tf.randomNormal([2, 1000, 70, 5], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = g.apply(x, false);
    expect(y.shape).toEqual([2, 70, 70, 1]);
    const values = y.dataSync();
    expect(Math.max(...values.map(Math.abs))).toBeLessThan(1);
    const s = d.apply(y as tf.Tensor4D, false);
    expect(s.shape).toEqual([2, 1]);
    tf.dispose([x, y, s]);
    g.dispose();
    d.dispose();
  });
});

describe('BatchNorm', () => {
  // One 1×1 conv block with weight 1 and bias 0 passes the input through to BatchNorm.
  function identityBlock() {
    const net = createNetwork({
      kind: 'critic',
      widths: [1],
      steps: [block('b', 'conv', 1, 1, 1, 1, 0)],
      seed: 1,
      secondOrder: true,
      recompute: false,
      inputGradient: true,
      flatten: false,
    });
    net.params.get(convKey('b', 'weight'))!.assign(tf.ones([1, 1, 1, 1]));
    net.params.get(convKey('b', 'bias'))!.assign(tf.zeros([1]));
    return net;
  }
  const input = [1, 2, 4, 9, -3, 5];
  const mean = input.reduce((a, b) => a + b, 0) / input.length;
  const biasedVar = input.reduce((a, b) => a + (b - mean) ** 2, 0) / input.length;
  const unbiasedVar = (biasedVar * input.length) / (input.length - 1);
  const leaky = (v: number): number => (v > 0 ? v : 0.2 * v);

  it('normalises with batch statistics in training mode and moves the running ones as PyTorch does', () => {
    const net = identityBlock();
    const x = tf.tensor4d(input, [2, 3, 1, 1]);
    const y = net.apply(x, true).dataSync();
    input.forEach((v, i) => expect(y[i]).toBeCloseTo(leaky((v - mean) / Math.sqrt(biasedVar + BN_EPS)), 5));
    expect(net.buffers.get(bnKey('b', 'running_mean'))!.dataSync()[0]).toBeCloseTo(0.1 * mean, 6);
    expect(net.buffers.get(bnKey('b', 'running_var'))!.dataSync()[0]).toBeCloseTo(0.9 + 0.1 * unbiasedVar, 5);
    expect(net.batchesTracked.get(bnKey('b', 'num_batches_tracked'))).toBe(1);
    net.apply(x, true).dispose();
    expect(net.buffers.get(bnKey('b', 'running_mean'))!.dataSync()[0]).toBeCloseTo(0.19 * mean, 6);
    expect(net.batchesTracked.get(bnKey('b', 'num_batches_tracked'))).toBe(2);
    net.dispose();
  });

  it('normalises with the running statistics in eval mode and changes nothing', () => {
    const net = identityBlock();
    net.buffers.get(bnKey('b', 'running_mean'))!.assign(tf.tensor1d([2]));
    net.buffers.get(bnKey('b', 'running_var'))!.assign(tf.tensor1d([4]));
    net.params.get(bnKey('b', 'weight'))!.assign(tf.tensor1d([3]));
    net.params.get(bnKey('b', 'bias'))!.assign(tf.tensor1d([0.5]));
    const y = net.apply(tf.tensor4d(input, [2, 3, 1, 1]), false).dataSync();
    input.forEach((v, i) => expect(y[i]).toBeCloseTo(leaky(((v - 2) / Math.sqrt(4 + BN_EPS)) * 3 + 0.5), 5));
    expect(net.buffers.get(bnKey('b', 'running_mean'))!.dataSync()[0]).toBe(2);
    expect(net.batchesTracked.get(bnKey('b', 'num_batches_tracked'))).toBe(0);
    net.dispose();
  });
});

describe('layers', () => {
  it('pad symmetrically as PyTorch: a stride-2 3×3 conv of a 4×4 ramp with padding 1', () => {
    // out[i][j] = Σ x[2i−1+a][2j−1+b] over the 3×3 window inside the image, x[r][c] = 4r + c.
    const net = createNetwork({ kind: 'critic', widths: [1], steps: [block('b', 'conv', 1, 1, 3, 2, 1)], seed: 1, secondOrder: false, recompute: false, inputGradient: true, flatten: false });
    const w = net.params.get(convKey('b', 'weight'))!;
    w.assign(tf.ones([3, 3, 1, 1]));
    net.params.get(convKey('b', 'bias'))!.assign(tf.zeros([1]));
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    // Read the conv alone: put BN in eval mode with identity statistics.
    const y = net.apply(x, false).dataSync();
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let a = -1; a <= 1; a++)
          for (let b = -1; b <= 1; b++) {
            const r = 2 * i + a;
            const c = 2 * j + b;
            if (r >= 0 && r < 4 && c >= 0 && c < 4) s += 4 * r + c;
          }
        expected.push(s / Math.sqrt(1 + BN_EPS));
      }
    expected.forEach((v, i) => expect(y[i]).toBeCloseTo(v > 0 ? v : 0.2 * v, 4));
    net.dispose();
  });

  it('size transposed convs as PyTorch: (in − 1)·s − 2p + k', () => {
    const g = createGenerator(widthPresets.tiny.generator, 2);
    const deconv = g.steps.flatMap((s) => ('block' in s && s.block.kind === 'deconv' ? [s.block] : []));
    expect(deconv.map((b) => [b.kernel[0], b.stride[0], b.padding[0]])).toEqual([
      [5, 2, 0],
      [4, 2, 1],
      [4, 2, 1],
      [4, 2, 1],
      [4, 2, 1],
    ]);
    g.dispose();
  });
});
