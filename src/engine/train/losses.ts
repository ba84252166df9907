/**
 * OpenFWI's VelocityGAN losses (`gan_train.py`), as scalar tensors:
 * generator `λ_g1v·L1(pred, label) + λ_g2v·MSE(pred, label) + λ_adv·(−mean D(pred))`,
 * critic `−mean D(real) + mean D(fake) + λ_gp·GP`. L1 and MSE are means over every value.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossWeights } from '../config.ts';

export type { LossWeights };

export interface GeneratorLossTerms {
  loss: tf.Scalar;
  l1: tf.Scalar;
  l2: tf.Scalar;
  /** The adversarial term as it enters the loss: −mean D(pred). */
  adv: tf.Scalar;
}

export interface CriticLossTerms {
  loss: tf.Scalar;
  /** mean D(real) (enters the loss negated). */
  lossReal: tf.Scalar;
  /** mean D(fake). */
  lossFake: tf.Scalar;
}

/** Mean absolute error over every value. */
export function l1Loss(pred: tf.Tensor, label: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(pred, label)));
}

/** Mean squared error over every value. */
export function l2Loss(pred: tf.Tensor, label: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(pred, label));
}

/** The generator loss and its terms, given the critic's scores on the prediction. */
export function generatorLoss(pred: tf.Tensor, label: tf.Tensor, scoresOnPred: tf.Tensor, w: LossWeights): GeneratorLossTerms {
  const l1 = l1Loss(pred, label);
  const l2 = l2Loss(pred, label);
  const adv = tf.neg(tf.mean(scoresOnPred)) as tf.Scalar;
  const loss = tf.addN([tf.mul(l1, w.g1v), tf.mul(l2, w.g2v), tf.mul(adv, w.adv)]) as tf.Scalar;
  return { loss, l1, l2, adv };
}

/** The critic loss and its terms, given its scores on real and fake maps and the gradient penalty. */
export function criticLoss(scoresReal: tf.Tensor, scoresFake: tf.Tensor, penalty: tf.Scalar, w: LossWeights): CriticLossTerms {
  const lossReal = tf.mean(scoresReal) as tf.Scalar;
  const lossFake = tf.mean(scoresFake) as tf.Scalar;
  const loss = tf.addN([tf.neg(lossReal), lossFake, tf.mul(penalty, w.gp)]) as tf.Scalar;
  return { loss, lossReal, lossFake };
}
