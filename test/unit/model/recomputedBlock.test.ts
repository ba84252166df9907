import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criticSteps } from '../../../src/engine/model/critic.ts';
import { generatorSteps } from '../../../src/engine/model/generator.ts';
import { createNetwork, type Network } from '../../../src/engine/model/network.ts';
import type { GeneratorWidths } from '../../../src/engine/model/widths.ts';
import { initBackend, type BackendName } from '../../../src/engine/train/backend.ts';

// The reference is the op-by-op path (conv, batchNorm.ts, tf.leakyRelu / tf.tanh under tf.js's own
// gradients), which the PyTorch parity fixture checked at widths 4/8/16/32/64, batch 4, before the
// generator used recomputed blocks (test/unit/parity.test.ts now checks the recomputed path there,
// on cpu). Here: other widths (odd channel counts) and an odd batch, at the same seed, so the same
// weights, on wasm (the studio's CPU backend, whose conv gradients are the forward-conv rewrites).
const WIDTHS: GeneratorWidths = [3, 5, 6, 7, 9];
const BATCH = 3;

function generator(recompute: boolean): Network {
  return createNetwork({ kind: 'generator', widths: WIDTHS, steps: generatorSteps(WIDTHS), seed: 11, secondOrder: false, recompute, inputGradient: false, flatten: false });
}

interface Pass {
  output: Float32Array;
  loss: number;
  grads: Map<string, Float32Array>;
  buffers: Map<string, Float32Array>;
  counts: Map<string, number>;
}

/** One train-mode forward and backward of `Σ weights·G(data)`, read back as numbers. */
function pass(net: Network, data: tf.Tensor4D, weights: tf.Tensor4D): Pass {
  let output: Float32Array | undefined;
  const vars = [...net.params.values()];
  const { value, grads } = tf.variableGrads(() => {
    const y = net.apply(data, true);
    output = y.dataSync().slice() as Float32Array;
    return tf.sum(tf.mul(y, weights));
  }, vars);
  const result: Pass = {
    output: output!,
    loss: value.dataSync()[0],
    grads: new Map([...net.params].map(([k, v]) => [k, grads[v.name].dataSync().slice() as Float32Array])),
    buffers: new Map([...net.buffers].map(([k, v]) => [k, v.dataSync().slice() as Float32Array])),
    counts: new Map(net.batchesTracked),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(['wasm'] as BackendName[])('recomputed generator blocks (%s)', (backend) => {
  let data: tf.Tensor4D;
  let weights: tf.Tensor4D;
  let reference: Pass;
  let recomputed: Pass;
  let tensorsBefore = 0;
  let tensorsAfter = 0;

  beforeAll(async () => {
    await initBackend(backend);
    data = tf.randomUniform([BATCH, 1000, 70, 5], -1, 1, 'float32', 21) as tf.Tensor4D;
    weights = tf.randomUniform([BATCH, 70, 70, 1], -1, 1, 'float32', 22) as tf.Tensor4D;
    const opByOp = generator(false);
    reference = pass(opByOp, data, weights);
    opByOp.dispose();
    const net = generator(true);
    pass(net, data, weights); // the first pass builds the kernels and moves the statistics once
    tensorsBefore = tf.memory().numTensors;
    // Back to the initial statistics, so that both paths move them from the same values.
    tf.tidy(() => net.buffers.forEach((v, key) => v.assign(key.endsWith('running_var') ? tf.onesLike(v) : tf.zerosLike(v))));
    net.batchesTracked.forEach((_, k) => net.batchesTracked.set(k, 0));
    recomputed = pass(net, data, weights);
    tensorsAfter = tf.memory().numTensors;
    net.dispose();
  }, 120_000);

  afterAll(() => tf.dispose([data, weights]));

  it('give the op-by-op output, to float32 rounding', () => {
    expect(maxDiff(recomputed.output, reference.output)).toBeLessThan(1e-5);
    expect(Math.abs(recomputed.loss - reference.loss) / Math.abs(reference.loss)).toBeLessThan(1e-5);
  });

  it('give the op-by-op gradient of every parameter (conv, deconv, BN affine, tanh head)', () => {
    expect(recomputed.grads.size).toBe(4 * 25);
    for (const [name, g] of reference.grads) {
      const got = recomputed.grads.get(name)!;
      // Conv biases before BN have a true gradient of 0: what both paths give is rounding noise.
      const scale = name.endsWith('layers.0.bias') ? maxAbs(reference.grads.get(name.replace('bias', 'weight'))!) : maxAbs(g);
      expect(maxDiff(got, g) / scale, name).toBeLessThan(2e-4);
    }
  });

  it('move the running statistics once per forward call, as the op-by-op path, not again in the backward pass', () => {
    for (const [name, v] of reference.buffers) expect(maxDiff(recomputed.buffers.get(name)!, v), name).toBeLessThan(1e-6);
    expect([...recomputed.counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('leave no tensor behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });
});

describe('the critic called for one derivative (wasm)', () => {
  // The critic's real/fake calls and the generator step's call ask for recomputed blocks
  // (apply(x, true, 1)); the reference is the same critic called op by op (the default, 2).
  it('gives the op-by-op scores and gradients, for its parameters and for its input', async () => {
    await initBackend('wasm');
    const critic = createNetwork({ kind: 'critic', widths: [3, 5, 6, 7], steps: criticSteps([3, 5, 6, 7]), seed: 12, secondOrder: true, recompute: true, inputGradient: true, flatten: true });
    const x = tf.randomUniform([3, 70, 70, 1], -1, 1, 'float32', 23) as tf.Tensor4D;
    const vars = [...critic.params.values()];
    const run = (derivatives: 1 | 2) => {
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => {
        const input = tf.mul(x, 1) as tf.Tensor4D; // through the tape, so its gradient is recorded
        return tf.sum(tf.mul(critic.apply(input, true, derivatives), tf.tensor2d([1, -2, 0.5], [3, 1]))) as tf.Scalar;
      }, vars);
      const inputGrad = tf.grad((input: tf.Tensor) => tf.sum(critic.apply(input as tf.Tensor4D, true, derivatives)))(x);
      const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync().slice() as Float32Array), input: inputGrad.dataSync().slice() as Float32Array };
      tf.dispose([value, inputGrad, ...Object.values(grads)]);
      return { ...out, leaked: tf.memory().numTensors - before };
    };
    const reference = run(2);
    const once = run(1);
    expect(Math.abs(once.loss - reference.loss) / Math.abs(reference.loss)).toBeLessThan(1e-5);
    const names = [...critic.params.keys()];
    reference.grads.forEach((g, i) => {
      // Conv biases before BN have a true gradient of 0: scaled by their weight's, as above.
      const scale = names[i].endsWith('layers.0.bias') ? maxAbs(reference.grads[i - 1]) : maxAbs(g);
      expect(maxDiff(once.grads[i], g) / scale, names[i]).toBeLessThan(2e-4);
    });
    expect(maxDiff(once.input, reference.input) / maxAbs(reference.input)).toBeLessThan(2e-4);
    expect(once.leaked).toBe(0);
    critic.dispose();
    x.dispose();
  }, 60_000);
});
