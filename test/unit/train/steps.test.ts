import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LossWeights } from '../../../src/engine/config.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import type { Network } from '../../../src/engine/model/network.ts';
import { widthPresets } from '../../../src/engine/model/widths.ts';
import { AdamW } from '../../../src/engine/train/adamw.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { criticStep, generatorStep, nchwToNhwc, nhwcToNchw } from '../../../src/engine/train/steps.ts';

const w: LossWeights = { g1v: 100, g2v: 1, adv: 1, gp: 10 };
const B = 2;
let G: Network;
let D: Network;
let optG: AdamW;
let optD: AdamW;
let data: tf.Tensor4D;
let label: tf.Tensor4D;
let alpha: tf.Tensor4D;

const snapshot = (vars: Map<string, tf.Variable>): Map<string, Float32Array> =>
  new Map([...vars].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
const changed = (before: Map<string, Float32Array>, vars: Map<string, tf.Variable>): number =>
  [...vars].filter(([k, v]) => v.dataSync().some((x, i) => x !== before.get(k)![i])).length;

beforeAll(async () => {
  await initBackend('cpu');
  G = createGenerator(widthPresets.tiny.generator, 1);
  D = createCritic(widthPresets.tiny.critic, 2);
  optG = new AdamW(G.params, { lr: 1e-4, betas: [0, 0.9], eps: 1e-8, weightDecay: 1e-4 });
  optD = new AdamW(D.params, { lr: 1e-4, betas: [0, 0.9], eps: 1e-8, weightDecay: 1e-4 });
  data = tf.randomUniform([B, 1000, 70, 5], -1, 1, 'float32', 3) as tf.Tensor4D;
  label = tf.randomUniform([B, 70, 70, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
  alpha = tf.tensor4d([0.3, 0.8], [B, 1, 1, 1]);
});

afterAll(() => {
  [G, D, optG, optD, data, label, alpha].forEach((t) => t.dispose());
});

describe('critic and generator steps', () => {
  it('critic step: moves D only (and both nets’ running statistics), returns consistent finite losses, leaks nothing', async () => {
    const gBefore = snapshot(G.params);
    const dBefore = snapshot(D.params);
    const gStats = snapshot(G.buffers);
    const tensors = tf.memory().numTensors;
    const r = await criticStep(G, D, optD, data, label, alpha, w);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Object.values(r).every(Number.isFinite)).toBe(true);
    expect(r.loss).toBeCloseTo(-r.lossReal + r.lossFake + w.gp * r.gp, 4);
    expect(r.wasserstein).toBeCloseTo(r.lossReal - r.lossFake, 6);
    expect(r.gp).toBeGreaterThanOrEqual(0);
    expect(changed(gBefore, G.params)).toBe(0);
    // All but the last BN's shift, which moves every score alike and so cancels in −mean D(real) + mean D(fake).
    expect(changed(dBefore, D.params)).toBe(D.params.size - 1);
    expect(D.params.get('convblock5.layers.1.bias')!.dataSync()[0]).toBe(dBefore.get('convblock5.layers.1.bias')![0]);
    expect(changed(gStats, G.buffers)).toBe(G.buffers.size);
    // A critic step: one G forward; D on interp, real and fake.
    expect(G.batchesTracked.get('convblock1.layers.1.num_batches_tracked')).toBe(1);
    expect(D.batchesTracked.get('convblock1_1.layers.1.num_batches_tracked')).toBe(3);
  });

  it('generator step: moves G only, returns loss = λ·terms, leaks nothing', async () => {
    const dBefore = snapshot(D.params);
    const gBefore = snapshot(G.params);
    const tensors = tf.memory().numTensors;
    const r = await generatorStep(G, D, optG, data, label, w);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(r.loss).toBeCloseTo(w.g1v * r.l1 + w.g2v * r.l2 + w.adv * r.adv, 3);
    expect(r.l1).toBeGreaterThan(0);
    expect(r.l2).toBeGreaterThan(0);
    expect(changed(dBefore, D.params)).toBe(0);
    expect(changed(gBefore, G.params)).toBe(G.params.size);
    expect(D.batchesTracked.get('convblock1_1.layers.1.num_batches_tracked')).toBe(4);
  });

  it('does not move the weights when the loss is not finite', async () => {
    const bad = tf.fill([B, 70, 70, 1], NaN) as tf.Tensor4D;
    const before = snapshot(G.params);
    const r = await generatorStep(G, D, optG, data, bad, w);
    expect(Number.isNaN(r.loss)).toBe(true);
    expect(changed(before, G.params)).toBe(0);
    bad.dispose();
  });
});

describe('layout conversion', () => {
  it('NCHW arrays become NHWC tensors and back', async () => {
    // (1, 2, 2, 3): value = 100·c + 10·h + w
    const nchw = new Float32Array(12);
    for (let c = 0; c < 2; c++) for (let h = 0; h < 2; h++) for (let x = 0; x < 3; x++) nchw[(c * 2 + h) * 3 + x] = 100 * c + 10 * h + x;
    const t = nchwToNhwc(nchw, [1, 2, 2, 3]);
    expect(t.shape).toEqual([1, 2, 3, 2]);
    expect(Array.from(t.dataSync().slice(0, 4))).toEqual([0, 100, 1, 101]);
    expect(Array.from(await nhwcToNchw(t))).toEqual(Array.from(nchw));
    t.dispose();
  });
});
