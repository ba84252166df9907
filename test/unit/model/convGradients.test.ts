import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dFilterGradient, conv2dInputGradient, conv2dTransposeAsConv2d } from '../../../src/engine/model/convGradients.ts';
import { convTranspose2d } from '../../../src/engine/model/layers.ts';
import { initBackend, type BackendName } from '../../../src/engine/train/backend.ts';

type Case = { name: string; x: [number, number, number, number]; w: [number, number, number, number]; strides: number | [number, number]; pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]] };

// The layer shapes the two networks use, shrunk: stride (2,1) with (3,0) padding (convblock1),
// stride 2 pad 1 on odd and even sizes, a valid 8×9 kernel (convblock8), and 'same' with odd and
// even kernels.
const cases: Case[] = [
  { name: 'convblock1-like (7,1)/(2,1) pad (3,0)', x: [2, 20, 6, 3], w: [7, 1, 3, 4], strides: [2, 1], pad: [[0, 0], [3, 3], [0, 0], [0, 0]] },
  { name: '3×3 stride 2 pad 1, odd size', x: [3, 9, 9, 2], w: [3, 3, 2, 5], strides: 2, pad: 1 },
  { name: '3×3 stride 2 pad 1, even size', x: [2, 10, 8, 3], w: [3, 3, 3, 2], strides: 2, pad: 1 },
  { name: 'valid 8×9 kernel', x: [2, 8, 9, 4], w: [8, 9, 4, 3], strides: 1, pad: 'valid' },
  { name: "stride 2 'same'", x: [2, 7, 6, 2], w: [3, 3, 2, 2], strides: 2, pad: 'same' },
  { name: "4×4 stride 2 'same'", x: [1, 10, 10, 2], w: [4, 4, 2, 3], strides: 2, pad: 'same' },
];

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** The reference: a direct sum over batch and output positions, in float64. */
function directFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, w: Case['w'], strides: Case['strides'], pad: Case['pad']): Float64Array {
  const info = tf.backend_util.computeConv2DInfo(x.shape, w, strides, 1, pad as 'same', undefined, false, 'channelsLast');
  const [n, h, wd, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const xv = x.dataSync();
  const dv = dy.dataSync();
  const out = new Float64Array(w[0] * w[1] * ci * co);
  for (let kh = 0; kh < w[0]; kh++)
    for (let kw = 0; kw < w[1]; kw++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) {
          let s = 0;
          for (let b = 0; b < n; b++)
            for (let i = 0; i < oh; i++)
              for (let j = 0; j < ow; j++) {
                const r = i * info.strideHeight + kh - info.padInfo.top;
                const q = j * info.strideWidth + kw - info.padInfo.left;
                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                s += xv[((b * h + r) * wd + q) * ci + c] * dv[((b * oh + i) * ow + j) * co + o];
              }
          out[((kh * w[1] + kw) * ci + c) * co + o] = s;
        }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// Both rewrites run on cpu and on wasm (the backends initBackend installs them for).
const backends: BackendName[] = ['cpu', 'wasm'];
afterAll(async () => {
  await initBackend('cpu');
});

for (const backend of backends) {
  describe(`conv2dFilterGradient on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const c of cases) {
      it(`equals the direct sum for ${c.name}`, () => {
        const x = seeded(c.x, 1) as tf.Tensor4D;
        const y = tf.conv2d(x, tf.zeros(c.w) as tf.Tensor4D, c.strides, c.pad);
        const dy = seeded(y.shape, 2) as tf.Tensor4D;
        const got = conv2dFilterGradient(x, dy, c.w, c.strides, c.pad);
        expect(got.shape).toEqual(c.w);
        expect(maxAbsDiff(got.dataSync(), directFilterGradient(x, dy, c.w, c.strides, c.pad))).toBeLessThan(1e-5);
        tf.dispose([x, y, dy, got]);
      });
    }
  });

  describe(`conv2dInputGradient on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const c of cases) {
      it(`equals tf.conv2dTranspose (the Conv2DBackpropInput kernel) for ${c.name}`, () => {
        const w = seeded(c.w, 6) as tf.Tensor4D;
        const y = tf.conv2d(seeded(c.x, 1) as tf.Tensor4D, w, c.strides, c.pad);
        const dy = seeded(y.shape, 7) as tf.Tensor4D;
        const want = tf.conv2dTranspose(dy, w, c.x, c.strides, c.pad as 'same');
        const got = conv2dInputGradient(dy, w, c.x, c.strides, c.pad);
        expect(got.shape).toEqual(c.x);
        expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
        tf.dispose([w, y, dy, want, got]);
      });
    }
  });
}

// A tiny conv → transposed conv → |·| net with the gradient penalty's double backward: the
// gradient of ‖∂f/∂x‖² with respect to both filters. Computed once with tf.js's own gradients
// (before any backend set-up installs ours), then with the installed ones on cpu and on wasm
// (which has no Conv2DBackpropFilter kernel at all).
function penaltyGrads(): number[][] {
  return tf.tidy(() => {
    const x = seeded([2, 6, 6, 2], 3);
    const w1 = tf.variable(seeded([3, 3, 2, 3], 4) as tf.Tensor4D, true);
    const w2 = tf.variable(seeded([4, 4, 2, 3], 5) as tf.Tensor4D, true);
    const f = (input: tf.Tensor) => {
      const h = tf.conv2d(input as tf.Tensor4D, w1, 2, 1);
      const u = tf.conv2dTranspose(h, w2, [2, 6, 6, 2], 2, 'same');
      return tf.add(tf.sum(tf.abs(u)), tf.sum(tf.square(tf.conv2d(u, w1, 1, 'same'))));
    };
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.grad(f)(x))), [w1, w2]);
    const out = [grads[w1.name].dataSync(), grads[w2.name].dataSync()].map((a) => Array.from(a));
    w1.dispose();
    w2.dispose();
    return out;
  });
}
const builtin = penaltyGrads();

describe('installed conv gradients', () => {
  it('give the double-backward gradients of tf.js built-ins, on cpu and on wasm', async () => {
    await initBackend('cpu');
    const cpu = penaltyGrads();
    expect(await initBackend('wasm')).toBe('wasm');
    const wasm = penaltyGrads();
    await initBackend('cpu');
    for (let i = 0; i < 2; i++) {
      const scale = Math.max(...builtin[i].map(Math.abs));
      expect(scale).toBeGreaterThan(0.1);
      expect(maxAbsDiff(cpu[i], builtin[i]) / scale).toBeLessThan(1e-5);
      expect(maxAbsDiff(wasm[i], builtin[i]) / scale).toBeLessThan(1e-5);
    }
  });
});

// The generator's two transposed-conv shapes (PyTorch padding 1 with kernel 4, padding 0 with
// kernel 5, both stride 2) from a 10×10 map, where its layers take the forward-conv form on wasm.
// Values and gradients of Σ y·r computed once with tf.js's own conv2dTranspose and gradients.
type TransposedCase = { name: string; w: [number, number, number, number]; out: [number, number, number, number]; pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] };
const transposedCases: TransposedCase[] = [
  { name: 'k4 s2 p1 (explicit)', w: [4, 4, 2, 3], out: [2, 20, 20, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { name: "k4 s2 'same'", w: [4, 4, 2, 3], out: [2, 20, 20, 2], pad: 'same' },
  { name: "k5 s2 p0 'valid'", w: [5, 5, 2, 3], out: [2, 23, 23, 2], pad: 'valid' },
];
const transposedInput = (): tf.Tensor4D => seeded([2, 10, 10, 3], 8) as tf.Tensor4D;

function transposedValueAndGrads(c: TransposedCase, conv: typeof conv2dTransposeAsConv2d): number[][] {
  return tf.tidy(() => {
    const x = transposedInput();
    const w = seeded(c.w, 9) as tf.Tensor4D;
    const r = seeded(c.out, 10);
    const y = conv(x, w, c.out, 2, c.pad);
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D, c.out, 2, c.pad), r)))([x, w]);
    return [y, gx, gw].map((t) => Array.from(t.dataSync()));
  });
}
const builtinTransposed = transposedCases.map((c) => transposedValueAndGrads(c, (x, w, out, s, pad) => tf.conv2dTranspose(x, w, out, s, pad as 'same')));

for (const backend of backends) {
  describe(`conv2dTransposeAsConv2d on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const [i, c] of transposedCases.entries()) {
      it(`equals tf.conv2dTranspose and its built-in gradients (input and filter) for ${c.name}`, () => {
        const got = transposedValueAndGrads(c, conv2dTransposeAsConv2d);
        for (let k = 0; k < 3; k++) {
          const scale = Math.max(...builtinTransposed[i][k].map(Math.abs));
          expect(scale).toBeGreaterThan(0.1);
          expect(got[k].length).toBe(builtinTransposed[i][k].length);
          expect(maxAbsDiff(got[k], builtinTransposed[i][k]) / scale).toBeLessThan(1e-5);
        }
      });
    }
  });
}

describe('convTranspose2d (the generator layer)', () => {
  it('runs no transposed-conv kernel on wasm from a 10×10 map, and keeps tf.js values', async () => {
    const kernels = async (): Promise<{ names: string[]; values: number[] }> => {
      let values: number[] = [];
      const profile = await tf.profile(() => {
        const y = convTranspose2d(transposedInput(), seeded([4, 4, 2, 3], 9) as tf.Tensor4D, tf.tensor1d([0.5, -0.25]), [2, 2], [1, 1]);
        values = Array.from(y.dataSync());
        y.dispose();
      });
      return { names: profile.kernelNames, values };
    };
    await initBackend('cpu');
    const cpu = await kernels();
    await initBackend('wasm');
    const wasm = await kernels();
    await initBackend('cpu');
    expect(cpu.names).toContain('Conv2DBackpropInput');
    expect(wasm.names).not.toContain('Conv2DBackpropInput');
    expect(wasm.names).toContain('Conv2D');
    const scale = Math.max(...cpu.values.map(Math.abs));
    expect(maxAbsDiff(wasm.values, cpu.values) / scale).toBeLessThan(1e-5);
  });
});
