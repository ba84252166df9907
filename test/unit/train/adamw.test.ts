import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { AdamW } from '../../../src/engine/train/adamw.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** PyTorch's AdamW for one scalar parameter, in double precision. */
function reference(p0: number, grads: number[], lr: number, [b1, b2]: [number, number], eps: number, wd: number): number[] {
  let p = p0;
  let m = 0;
  let v = 0;
  return grads.map((g, k) => {
    const t = k + 1;
    p *= 1 - lr * wd;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= (lr / (1 - b1 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps));
    return p;
  });
}

describe('AdamW', () => {
  const grads = [0.5, -0.2, 0.8, 0.1, -1.5];
  for (const [label, betas, lr, wd] of [
    ['OpenFWI betas (0, 0.9)', [0, 0.9], 1e-2, 1e-1],
    ['PaddleScience betas (0.9, 0.999)', [0.9, 0.999], 3e-2, 1e-2],
  ] as const) {
    it(`matches PyTorch step by step with ${label}: decoupled decay, bias correction`, () => {
      const p = tf.variable(tf.tensor1d([1.5, -2]));
      const opt = new AdamW(new Map([['w', p]]), { lr, betas: [...betas], eps: 1e-8, weightDecay: wd });
      const expected0 = reference(1.5, grads, lr, [...betas], 1e-8, wd);
      const expected1 = reference(-2, grads.map((g) => 2 * g), lr, [...betas], 1e-8, wd);
      grads.forEach((g, k) => {
        const gt = tf.tensor1d([g, 2 * g]);
        opt.step(new Map([['w', gt]]));
        gt.dispose();
        const [a, b] = p.dataSync();
        expect(a).toBeCloseTo(expected0[k], 6);
        expect(b).toBeCloseTo(expected1[k], 6);
      });
      expect(opt.steps).toBe(grads.length);
      opt.dispose();
      p.dispose();
    });
  }

  it('first step moves by lr·sign(g) plus the decay, whatever |g|', () => {
    const p = tf.variable(tf.tensor1d([1, 1, 1]));
    const opt = new AdamW(new Map([['w', p]]), { lr: 1e-4, betas: [0, 0.9], eps: 1e-8, weightDecay: 1e-4 });
    opt.step(new Map([['w', tf.tensor1d([3, -1e-3, 40])]]));
    const decayed = 1 - 1e-8;
    const got = p.dataSync();
    [decayed - 1e-4, decayed + 1e-4, decayed - 1e-4].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 7));
  });

  it('continues identically after getState/setState into a fresh optimiser', async () => {
    const make = (values: number[]) => tf.variable(tf.tensor1d(values));
    const opts = { lr: 0.05, betas: [0.9, 0.99] as [number, number], eps: 1e-8, weightDecay: 0.01 };
    const pa = make([0.3, -0.7]);
    const a = new AdamW(new Map([['w', pa]]), opts);
    for (const g of [[1, 2], [-0.5, 0.25]]) a.step(new Map([['w', tf.tensor1d(g)]]));
    const state = await a.getState();
    expect(state.step).toBe(2);
    expect(state.m.w.shape).toEqual([2]);
    const pb = make(Array.from(pa.dataSync()));
    const b = new AdamW(new Map([['w', pb]]), opts);
    b.setState(state);
    a.step(new Map([['w', tf.tensor1d([0.7, -0.1])]]));
    b.step(new Map([['w', tf.tensor1d([0.7, -0.1])]]));
    expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
  });

  it('refuses a state for other parameters, naming them', async () => {
    const opt = new AdamW(new Map([['w', tf.variable(tf.zeros([2]))]]), { lr: 1, betas: [0, 0.9], eps: 1e-8, weightDecay: 0 });
    const bad = { step: 1, m: { x: { shape: [2], data: new Float32Array(2) } }, v: { w: { shape: [3], data: new Float32Array(3) } } };
    expect(() => opt.setState(bad)).toThrow(FwiError);
    expect(() => opt.setState(bad)).toThrow(/m: missing "w".*m: unexpected "x".*v: "w" has shape \[3\], expected \[2\]/);
  });

  it('leaves no tensors behind across steps', () => {
    const p = tf.variable(tf.zeros([4]));
    const opt = new AdamW(new Map([['w', p]]), { lr: 1e-3, betas: [0, 0.9], eps: 1e-8, weightDecay: 1e-4 });
    const g = tf.ones([4]);
    opt.step(new Map([['w', g]]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.step(new Map([['w', g]]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
