/**
 * Train-mode BatchNorm followed by the block's activation as one operation with its own
 * gradient: from the conv output `c` and the per-channel batch statistics alone, where the
 * tape of the op-by-op form keeps five to seven maps of `c`'s size (centred, squared, scaled,
 * shifted, activated…). First derivatives only: the critic, whose gradient penalty needs second
 * derivatives, keeps the op-by-op form (batchNorm.ts, layers.ts's leakyReluSecondOrder).
 *
 * With `x̂ = (c − μ)·σ⁻¹`, `z = γ·x̂ + β`, `y = act(z)` and `dz = dy·act′(z)`, per channel over
 * the `n = N·H·W` values: `dβ = Σ dz`, `dγ = Σ dz·x̂`, `dc = γ·σ⁻¹·(dz − dβ/n − x̂·dγ/n)`
 * (PyTorch's batch_norm_backward), with `σ⁻¹ = 1/√(var + ε)` and the biased batch variance.
 */
import * as tf from '@tensorflow/tfjs';
import { BN_EPS, channelSum } from './batchNorm.ts';
import { LEAKY_SLOPE, type BlockSpec } from './layers.ts';

export type Activation = BlockSpec['activation'];

/** `1/√(variance + ε)`, the per-channel scale train-mode BatchNorm divides by. */
export function inverseStd(variance: tf.Tensor1D): tf.Tensor1D {
  return tf.rsqrt(tf.add(variance, BN_EPS)) as tf.Tensor1D;
}

/** `γ·(c − μ)·σ⁻¹ + β` before the activation, in the op order of batchNorm.ts (same float results). */
function normalised(c: tf.Tensor4D, mean: tf.Tensor1D, invStd: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const scaled = tf.tidy(() => tf.mul(tf.sub(c, mean), tf.mul(invStd, gamma)));
  return tf.add(scaled, beta);
}

/** `act(γ·(c − μ)·σ⁻¹ + β)`: the block's output from its conv output and batch statistics. */
export function batchNormActivation(
  c: tf.Tensor4D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  activation: Activation,
): tf.Tensor4D {
  return tf.tidy(() => {
    // Each map is freed as soon as the next is made: at most two of c's size besides c.
    const z = tf.tidy(() => normalised(c, mean, invStd, gamma, beta));
    return activation === 'tanh' ? tf.tanh(z) : tf.leakyRelu(z, LEAKY_SLOPE);
  });
}

/**
 * The gradients of batchNormActivation for the upstream gradient `dy`, with respect to the conv
 * output, γ and β; the batch statistics are functions of `c`, and their gradient is in `dc`.
 * Takes ownership of `dy` and `c`: each map is freed as soon as nothing later needs it (without a
 * tape), so that at most three maps of `c`'s size are alive at once besides the result, where
 * the formula written as one expression holds seven.
 */
export function batchNormActivationGradient(
  dy: tf.Tensor4D,
  c: tf.Tensor4D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  activation: Activation,
): { dc: tf.Tensor4D; dGamma: tf.Tensor1D; dBeta: tf.Tensor1D } {
  const [batch, h, w] = c.shape;
  const n = batch * h * w;
  // dz = dy·act′(z), where z is recomputed from c in the forward pass's op order.
  const dz = tf.tidy((): tf.Tensor4D => {
    const z = normalised(c, mean, invStd, gamma, beta);
    if (activation === 'tanh') {
      const t = tf.tanh(z);
      return tf.mul(dy, tf.sub(1, tf.square(t))) as tf.Tensor4D;
    }
    // PyTorch's LeakyReLU backward: the slope where z ≤ 0.
    return tf.where(tf.greater(z, 0), dy, tf.mul(dy, LEAKY_SLOPE)) as tf.Tensor4D;
  });
  dy.dispose();
  const xHat = tf.tidy(() => tf.mul(tf.sub(c, mean), invStd) as tf.Tensor4D);
  c.dispose();
  const dBeta = channelSum(dz);
  const dGamma = tf.tidy(() => channelSum(tf.mul(dz, xHat) as tf.Tensor4D));
  // dc = (dz − dβ/n − x̂·dγ/n)·γ·σ⁻¹, one map at a time.
  const centred = tf.tidy(() => tf.sub(dz, tf.div(dBeta, n)));
  dz.dispose();
  const corrected = tf.tidy(() => tf.sub(centred, tf.mul(xHat, tf.div(dGamma, n))));
  tf.dispose([centred, xHat]);
  const dc = tf.tidy(() => tf.mul(corrected, tf.mul(gamma, invStd)) as tf.Tensor4D);
  corrected.dispose();
  return { dc, dGamma, dBeta };
}
