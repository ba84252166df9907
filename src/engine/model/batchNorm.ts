/**
 * BatchNorm2d as PyTorch computes it, on NHWC maps (statistics per channel over N, H, W).
 * Training mode normalises with the biased batch variance and moves the running statistics by
 * `running ← (1 − momentum)·running + momentum·batch`, using the UNBIASED batch variance for
 * `running_var`; evaluation mode normalises with the running statistics.
 */
import * as tf from '@tensorflow/tfjs';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

export interface BatchNormState {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
}

/** Train-mode BatchNorm; moves the running statistics as a side effect (outside any gradient). */
export function batchNormTrain(x: tf.Tensor4D, bn: BatchNormState): tf.Tensor4D {
  const { mean, variance } = batchStatistics(x);
  moveRunningStatistics(bn, mean, variance, x.shape);
  return normalise(x, mean, variance, bn);
}

/** Per-channel mean and biased variance over N, H and W, as train-mode BatchNorm normalises with. */
export function batchStatistics(x: tf.Tensor4D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const mean = channelMean(x);
  // square(sub), not squaredDifference: the latter's gradient ignores broadcasting in tf.js 4.22.
  // Its own scope frees the two maps it makes at once when no tape keeps them.
  const variance = tf.tidy(() => channelMean(tf.square(tf.sub(x, mean)) as tf.Tensor4D));
  return { mean, variance };
}

/**
 * `running ← (1 − momentum)·running + momentum·batch` with the unbiased batch variance, for batch
 * statistics taken over a map of `shape`. Not on the path to any output, so a surrounding
 * gradient tape never differentiates it.
 */
export function moveRunningStatistics(bn: BatchNormState, mean: tf.Tensor1D, variance: tf.Tensor1D, shape: readonly number[]): void {
  const [batch, h, w] = shape;
  const n = batch * h * w;
  // PyTorch refuses n = 1 in training mode (the unbiased variance divides by zero).
  if (n < 2) throw new Error(`BatchNorm in training mode needs more than one value per channel, got ${shape}`);
  tf.tidy(() => {
    const m = BN_MOMENTUM;
    const unbiased = tf.mul(variance, n / (n - 1));
    bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - m), tf.mul(mean, m)));
    bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - m), tf.mul(unbiased, m)));
  });
}

/** Eval-mode BatchNorm: normalises with the running statistics, changes nothing. */
export function batchNormEval(x: tf.Tensor4D, bn: BatchNormState): tf.Tensor4D {
  return normalise(x, bn.runningMean, bn.runningVar, bn);
}

/**
 * Per-channel mean over N, H and W as two matrix products with ones: first along each row (W),
 * then over the rows (N·H). Two short sums instead of one long one keep float32 accumulation
 * (wasm) near rounding error, where one run over 10⁵ values loses ~1e-6 relative, which
 * train-mode BN turns into 1e-3 errors on channels of small variance. Matrix products also
 * avoid the cpu backend's transposing reductions, forward and backward.
 */
export function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  const [batch, h, w] = x.shape;
  return tf.div(channelSum(x), batch * h * w);
}

/** Per-channel sum over N, H and W, by the same two matrix products as channelMean. */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  const [batch, h, w, c] = x.shape;
  const rows = batch * h;
  // Its own scope: the reshaped views share x's buffer, and would keep it alive after x is disposed.
  return tf.tidy(() => {
    const rowSums = tf.matMul(tf.ones([1, 1, w]), tf.reshape(x, [rows, w, c]));
    return tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(rowSums, [rows, c])), [c]);
  });
}

function normalise(x: tf.Tensor4D, mean: tf.Tensor, variance: tf.Tensor, bn: BatchNormState): tf.Tensor4D {
  const scale = tf.mul(tf.rsqrt(tf.add(variance, BN_EPS)), bn.weight);
  return tf.add(tf.mul(tf.sub(x, mean), scale), bn.bias);
}
