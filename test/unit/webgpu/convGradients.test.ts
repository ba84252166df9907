import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dFilterGradient, conv2dInputGradient, convGradientRewrite, useConvGradientRewrite } from '../../../src/engine/model/convGradients.ts';
import { initBackend, releaseBackend } from '../../../src/engine/train/backend.ts';
import { initWebGpuForTests } from './swiftshader.ts';

// Shapes of the two networks' layers, shrunk (as in test/unit/model/convGradients.test.ts).
const cases = [
  { name: 'convblock1-like (7,1)/(2,1) pad (3,0)', x: [2, 20, 6, 3], w: [7, 1, 3, 4], strides: [2, 1], pad: [[0, 0], [3, 3], [0, 0], [0, 0]] },
  { name: '3×3 stride 2 pad 1, odd size', x: [3, 9, 9, 2], w: [3, 3, 2, 5], strides: 2, pad: 1 },
  { name: 'valid 8×9 kernel', x: [2, 8, 9, 4], w: [8, 9, 4, 3], strides: 1, pad: 'valid' },
] as const;

type Case = (typeof cases)[number];
const seeded = (shape: readonly number[], seed: number) => tf.randomUniform(shape as number[], -1, 1, 'float32', seed);

/** Filter and input gradients of Σ conv2d(x, w)·r: the built-in kernels (tf.grads) and the forward-conv rewrites, read back. */
async function gradients(c: Case): Promise<{ builtin: Float32Array[]; rewrite: Float32Array[] }> {
  const x = seeded(c.x, 1) as tf.Tensor4D;
  const w = seeded(c.w, 2) as tf.Tensor4D;
  const pad = c.pad as 'valid';
  const strides = c.strides as [number, number];
  const y = tf.conv2d(x, w, strides, pad);
  const r = seeded(y.shape, 3) as tf.Tensor4D;
  const builtin = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), r)))([x, w]);
  const rewrite = [conv2dInputGradient(r, w, x.shape, strides, pad), conv2dFilterGradient(x, r, w.shape, strides, pad)];
  const read = (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
  const out = { builtin: await read(builtin), rewrite: await read(rewrite) };
  tf.dispose([x, w, y, r, ...builtin, ...rewrite]);
  return out;
}

/** The gradient penalty's double backward through conv and transposed conv: d‖∂f/∂x‖²/d(w1, w2). */
async function penaltyGrads(): Promise<Float32Array[]> {
  const grads = tf.tidy(() => {
    const w1 = tf.variable(seeded([3, 3, 2, 3], 4) as tf.Tensor4D, true);
    const w2 = tf.variable(seeded([4, 4, 2, 3], 5) as tf.Tensor4D, true);
    const x = seeded([2, 6, 6, 2], 3);
    const f = (input: tf.Tensor) => {
      const h = tf.conv2d(input as tf.Tensor4D, w1, 2, 1);
      const u = tf.conv2dTranspose(h, w2, [2, 6, 6, 2], 2, 'same');
      return tf.add(tf.sum(tf.abs(u)), tf.sum(tf.square(tf.conv2d(u, w1, 1, 'same'))));
    };
    const g = tf.variableGrads(() => tf.sum(tf.square(tf.grad(f)(x))), [w1, w2]).grads;
    const out = [g[w1.name], g[w2.name]];
    w1.dispose();
    w2.dispose();
    return out;
  });
  const out = [(await grads[0].data()) as Float32Array, (await grads[1].data()) as Float32Array];
  tf.dispose(grads);
  return out;
}

const maxRelDiff = (a: Float32Array, b: Float32Array) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  expect(a.length).toBe(b.length);
  expect(scale).toBeGreaterThan(0.1);
  return diff / scale;
};

// References on cpu with tf.js's own gradient kernels (test/unit/model/convGradients.test.ts checks those against direct sums).
let reference: { builtin: Float32Array[]; rewrite: Float32Array[] }[];
let penaltyReference: Float32Array[];
const webgpuChoice = convGradientRewrite('webgpu');

beforeAll(async () => {
  await initBackend('cpu');
  useConvGradientRewrite('cpu', false);
  reference = [];
  for (const c of cases) reference.push(await gradients(c));
  penaltyReference = await penaltyGrads();
  useConvGradientRewrite('cpu', true);
  await initWebGpuForTests();
});

afterAll(() => {
  useConvGradientRewrite('webgpu', webgpuChoice);
  releaseBackend();
});

describe('conv gradients on webgpu in Node', () => {
  for (const [i, c] of cases.entries()) {
    it(`built-in kernels and forward-conv rewrites equal cpu's for ${c.name}`, async () => {
      const got = await gradients(c);
      for (let k = 0; k < 2; k++) {
        expect(maxRelDiff(got.builtin[k], reference[i].builtin[k])).toBeLessThan(1e-5);
        expect(maxRelDiff(got.rewrite[k], reference[i].builtin[k])).toBeLessThan(1e-5);
      }
    });
  }

  it('give the gradient penalty’s double-backward gradients with either choice', async () => {
    for (const rewrite of [false, true]) {
      useConvGradientRewrite('webgpu', rewrite);
      const before = tf.memory().numTensors;
      const got = await penaltyGrads();
      expect(tf.memory().numTensors).toBe(before);
      for (let k = 0; k < 2; k++) expect(maxRelDiff(got[k], penaltyReference[k]), `rewrite ${rewrite}, filter ${k}`).toBeLessThan(1e-5);
    }
  });
});
