import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConvFilterGradient, restoreBuiltinConvFilterGradient } from '../../../src/engine/model/convGradient.ts';

type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];
const cases: { x: [number, number, number, number]; f: [number, number, number, number]; s: [number, number]; pad: Pad }[] = [
  { x: [2, 9, 7, 3], f: [3, 3, 3, 4], s: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { x: [3, 20, 5, 2], f: [7, 1, 2, 3], s: [2, 1], pad: [[0, 0], [3, 3], [0, 0], [0, 0]] },
  { x: [2, 8, 9, 4], f: [8, 9, 4, 2], s: [1, 1], pad: 'valid' },
  { x: [1, 10, 10, 2], f: [4, 4, 2, 3], s: [2, 2], pad: 'same' },
];

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

async function filterGradient(backend: string, c: (typeof cases)[number]): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = random(c.x, 1) as tf.Tensor4D;
    const outShape = tf.conv2d(x, random(c.f, 2) as tf.Tensor4D, c.s, c.pad).shape;
    const dy = random(outShape, 3) as tf.Tensor4D;
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f };
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    return dw.dataSync() as Float32Array;
  });
}

afterAll(() => registerConvFilterGradient());

describe('fast Conv2DBackpropFilter', () => {
  const builtin: Float32Array[] = [];
  beforeAll(async () => {
    registerConvFilterGradient();
    restoreBuiltinConvFilterGradient();
    for (const c of cases) builtin.push(await filterGradient('cpu', c));
    registerConvFilterGradient();
  });

  it('equals tf.js built-in cpu kernel for strides, explicit/same/valid padding and non-square kernels', async () => {
    for (const [i, c] of cases.entries()) {
      const ours = await filterGradient('cpu', c);
      for (let k = 0; k < ours.length; k++) expect(Math.abs(ours[k] - builtin[i][k])).toBeLessThan(1e-5);
    }
  });

  it('gives the wasm backend the kernel it lacks, with the same values', async () => {
    for (const [i, c] of cases.entries()) {
      const ours = await filterGradient('wasm', c);
      for (let k = 0; k < ours.length; k++) expect(Math.abs(ours[k] - builtin[i][k])).toBeLessThan(1e-5);
    }
    await tf.setBackend('cpu');
  });
});
