import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { block } from '../../../src/engine/model/layers.ts';
import { createNetwork, type Network } from '../../../src/engine/model/network.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { gradientPenalty, GP_NORM_TINY } from '../../../src/engine/train/gradientPenalty.ts';
import { gradients, inputGradient, variableGrads } from '../../../src/engine/train/releasingGradients.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const values = (grads: tf.NamedTensorMap, vars: tf.Variable[]): number[][] => vars.map((v) => Array.from(grads[v.name].dataSync()));

function smallCritic(): Network {
  return createNetwork({
    kind: 'critic',
    widths: [3, 2],
    seed: 3,
    secondOrder: true,
    recompute: true,
    inputGradient: true,
    flatten: true,
    steps: [block('a', 'conv', 1, 3, 3, 2, 1), block('b', 'conv', 3, 2, 3, 1, 1), block('c', 'conv', 2, 1, 3, 1, 0)],
  });
}

/** The penalty as tf.js's own nested tf.grad computes it: the reference for the releasing one. */
function tfjsPenalty(critic: Network, interp: tf.Tensor4D): tf.Scalar {
  const g = tf.grad((x: tf.Tensor) => tf.sum(critic.apply(x as tf.Tensor4D, true)))(interp);
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(g), [1, 2, 3]), GP_NORM_TINY));
  return tf.mean(tf.square(tf.sub(norms, 1)));
}

describe('releasing gradients', () => {
  it('equal tf.variableGrads bit for bit where a gradient arrives by two paths and a gradient function passes dy on', () => {
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 1));
    const b = tf.variable(tf.randomNormal([3], 0, 1, 'float32', 2));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    // A gradient function that returns the very dy it was given.
    const passThrough = tf.customGrad((input, save) => {
      (save as tf.GradSaveFunc)([]);
      return { value: tf.clone(input as tf.Tensor), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [dy as tf.Tensor] };
    });
    const f = () => {
      const h = tf.add(tf.matMul(x, w), b);
      // h feeds three ops, so its gradient is accumulated.
      return tf.sum(tf.add(tf.mul(tf.relu(h), passThrough(h) as tf.Tensor), tf.square(h))) as tf.Scalar;
    };
    const ours = variableGrads(f, [w, b]);
    const theirs = tf.variableGrads(f, [w, b]);
    expect(ours.value.dataSync()[0]).toBe(theirs.value.dataSync()[0]);
    expect(values(ours.grads, [w, b])).toEqual(values(theirs.grads, [w, b]));
  });

  it('equal tf.js’s nested gradients bit for bit through the gradient penalty’s double backward', () => {
    const critic = smallCritic();
    const interp = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const vars = [...critic.params.values()];
    const ours = variableGrads(() => gradientPenalty(critic, interp), vars);
    const theirs = tf.variableGrads(() => tfjsPenalty(critic, interp), vars);
    expect(ours.value.dataSync()[0]).toBe(theirs.value.dataSync()[0]);
    expect(values(ours.grads, vars)).toEqual(values(theirs.grads, vars));
    // And the input gradient alone, as tf.grad.
    const f = (x: tf.Tensor) => tf.sum(critic.apply(x as tf.Tensor4D, true));
    expect(Array.from(inputGradient(f, interp).dataSync())).toEqual(Array.from(tf.grad(f)(interp).dataSync()));
  });

  it('gives null for an unconnected input and leaves no tensor behind', () => {
    const a = tf.variable(tf.scalar(2));
    const unused = tf.variable(tf.scalar(5));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const { value, grads } = gradients(() => tf.mul(a, a), [a, unused]);
      expect(value.dataSync()[0]).toBe(4);
      expect(grads[0]!.dataSync()[0]).toBe(4);
      expect(grads[1]).toBeNull();
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees each gradient and saved tensor once used: a chain of 20 ops holds a few maps at its end, not 40', () => {
    // y = Σ x·c₁·c₂·…·c₂₀ on a map of 10⁴ values. When the backward pass reaches x (a probe that
    // counts the live tensors the size of x), tf.js still holds the 20 saved maps and the 20
    // gradients of the chain; the releasing pass holds the gradient arriving at the probe and
    // at most one other.
    const n = 10_000;
    const x = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 4));
    const count = (): number => tf.memory().numTensors;
    let atProbe = 0;
    const probe = tf.customGrad((input, save) => {
      (save as tf.GradSaveFunc)([]);
      return {
        value: tf.clone(input as tf.Tensor),
        gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
          atProbe = count();
          return [(dy as tf.Tensor).clone()];
        },
      };
    });
    const f = () => {
      let y = probe(x) as tf.Tensor;
      for (let i = 0; i < 20; i++) y = tf.mul(y, tf.scalar(1 + i / 100));
      return tf.sum(y) as tf.Scalar;
    };
    const measure = (grads: typeof variableGrads): number => {
      const before = count();
      tf.tidy(() => {
        grads(f, [x]);
      });
      return atProbe - before;
    };
    const releasing = measure(variableGrads);
    const tfjs = measure((g, v) => tf.variableGrads(g, [...v]));
    expect(tfjs).toBeGreaterThanOrEqual(40);
    expect(releasing).toBeLessThanOrEqual(6);
  });
});
