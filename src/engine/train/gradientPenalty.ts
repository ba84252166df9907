/**
 * WGAN-GP's gradient penalty, `mean_n (‖∂ΣD(x̂)/∂x̂_n‖₂ − 1)²` on `x̂ = α·real + (1 − α)·fake`,
 * differentiable with respect to the critic's parameters (a gradient of a gradient). This works
 * because the critic's LeakyReLU is built from `abs` (tf.leakyRelu's gradient is not
 * differentiable) and the norm is `sqrt(Σg² + tiny)` (tf.norm's gradient is infinite at 0).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../model/network.ts';
import { inputGradient } from './releasingGradients.ts';

/** Keeps the norm's gradient finite where the input gradient vanishes. */
export const GP_NORM_TINY = 1e-12;

/** `α·real + (1 − α)·fake`, α broadcasting per sample (shape `(N, 1, 1, 1)`). */
export function interpolate(real: tf.Tensor4D, fake: tf.Tensor4D, alpha: tf.Tensor): tf.Tensor4D {
  return tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
}

/** The penalty on `interp`; calls the critic once, in training mode (so its running statistics move once). */
export function gradientPenalty(critic: Network, interp: tf.Tensor4D): tf.Scalar {
  const g = inputGradient((x) => tf.sum(critic.apply(x as tf.Tensor4D, true)), interp);
  const squares = tf.sum(tf.square(g), [1, 2, 3]);
  const norms = tf.sqrt(tf.add(squares, GP_NORM_TINY));
  return tf.mean(tf.square(tf.sub(norms, 1)));
}
