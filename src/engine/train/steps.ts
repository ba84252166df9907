/**
 * One critic step and one generator step of OpenFWI's VelocityGAN iteration (`gan_train.py`),
 * the exact sequence the parity fixture records:
 *
 * critic step: `fake = G(data)` in training mode without gradient (G's running statistics move);
 *   x̂ = α·label + (1 − α)·fake; D is called on x̂ (inside the gradient penalty), on label, then
 *   on fake, all in training mode; `loss_d = −mean D(label) + mean D(fake) + λ_gp·GP`; AdamW on D.
 * generator step: `pred = G(data)` in training mode; `loss_g = λ_g1v·L1 + λ_g2v·MSE − λ_adv·mean D(pred)`
 *   with D in training mode (its running statistics move again); AdamW on G.
 *
 * Tensors are NHWC: data `(N, 1000, 70, 5)`, label and alpha broadcastable `(N, 70, 70, 1)` /
 * `(N, 1, 1, 1)`. The `…Gradients` functions return the gradients keyed by PyTorch parameter name
 * plus the loss terms (the caller disposes them); the `…Step` functions apply AdamW, read the
 * terms back as numbers and leave no tensor behind. If a loss is NaN or infinite the step does
 * not move the weights (the caller sees the number and stops).
 */
import * as tf from '@tensorflow/tfjs';
import type { LossWeights } from '../config.ts';
import type { Network } from '../model/network.ts';
import type { AdamW } from './adamw.ts';
import { gradientPenalty, interpolate } from './gradientPenalty.ts';
import { criticLoss, generatorLoss } from './losses.ts';
import { variableGrads } from './releasingGradients.ts';

export interface CriticStepLosses {
  loss: number;
  /** mean D(real). */
  lossReal: number;
  /** mean D(fake). */
  lossFake: number;
  gp: number;
  /** mean D(real) − mean D(fake), the Wasserstein estimate. */
  wasserstein: number;
}

export interface GeneratorStepLosses {
  loss: number;
  l1: number;
  l2: number;
  /** −mean D(pred), as it enters the loss. */
  adv: number;
}

export interface StepGradients {
  /** Gradient of the loss for every parameter, keyed by PyTorch state-dict name. */
  grads: Map<string, tf.Tensor>;
  /** The loss terms in the order of the step's result type (critic: loss, lossReal, lossFake, gp; generator: loss, l1, l2, adv). */
  terms: tf.Tensor1D;
}

/** Gradients with respect to `net`'s parameters, re-keyed from tf.js variable names to PyTorch names. */
function gradientsOf(net: Network, f: () => tf.Scalar): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const vars = [...net.params.values()];
  const { value, grads } = variableGrads(f, vars);
  const keyed = new Map<string, tf.Tensor>();
  for (const [name, v] of net.params) keyed.set(name, grads[v.name]);
  return { value, grads: keyed };
}

/** The critic step's gradients and loss terms, moving G's and D's running statistics as the reference does. */
export function criticGradients(
  generator: Network,
  critic: Network,
  data: tf.Tensor4D,
  label: tf.Tensor4D,
  alpha: tf.Tensor,
  w: LossWeights,
): StepGradients {
  const fake = generator.apply(data, true) as tf.Tensor4D;
  let terms: tf.Tensor1D | undefined;
  const { value, grads } = gradientsOf(critic, () => {
    const interp = interpolate(label, fake, alpha);
    const gp = gradientPenalty(critic, interp);
    // Differentiated once (the penalty's call is the one differentiated twice).
    const scoresReal = critic.apply(label, true, 1);
    const scoresFake = critic.apply(fake, true, 1);
    const l = criticLoss(scoresReal, scoresFake, gp, w);
    terms = tf.keep(tf.stack([l.loss, l.lossReal, l.lossFake, gp]) as tf.Tensor1D);
    return l.loss;
  });
  value.dispose();
  fake.dispose();
  return { grads, terms: terms! };
}

/** The generator step's gradients and loss terms (D runs in training mode, so its running statistics move). */
export function generatorGradients(
  generator: Network,
  critic: Network,
  data: tf.Tensor4D,
  label: tf.Tensor4D,
  w: LossWeights,
): StepGradients {
  let terms: tf.Tensor1D | undefined;
  const { value, grads } = gradientsOf(generator, () => {
    const pred = generator.apply(data, true);
    const l = generatorLoss(pred, label, critic.apply(pred as tf.Tensor4D, true, 1), w);
    terms = tf.keep(tf.stack([l.loss, l.l1, l.l2, l.adv]) as tf.Tensor1D);
    return l.loss;
  });
  value.dispose();
  return { grads, terms: terms! };
}

async function applyIfFinite(step: StepGradients, optimiser: AdamW): Promise<number[]> {
  try {
    const values = Array.from(await step.terms.data());
    if (values.every(Number.isFinite)) optimiser.step(step.grads);
    return values;
  } finally {
    step.terms.dispose();
    for (const g of step.grads.values()) g.dispose();
  }
}

/** One critic step: gradients, then AdamW on D; the losses as numbers. */
export async function criticStep(
  generator: Network,
  critic: Network,
  optimiser: AdamW,
  data: tf.Tensor4D,
  label: tf.Tensor4D,
  alpha: tf.Tensor,
  w: LossWeights,
): Promise<CriticStepLosses> {
  const [loss, lossReal, lossFake, gp] = await applyIfFinite(criticGradients(generator, critic, data, label, alpha, w), optimiser);
  return { loss, lossReal, lossFake, gp, wasserstein: lossReal - lossFake };
}

/** One generator step: gradients, then AdamW on G; the losses as numbers. */
export async function generatorStep(
  generator: Network,
  critic: Network,
  optimiser: AdamW,
  data: tf.Tensor4D,
  label: tf.Tensor4D,
  w: LossWeights,
): Promise<GeneratorStepLosses> {
  const [loss, l1, l2, adv] = await applyIfFinite(generatorGradients(generator, critic, data, label, w), optimiser);
  return { loss, l1, l2, adv };
}

/** An NHWC tensor from a C-order NCHW batch (`(N, C, H, W)` → `(N, H, W, C)`). */
export function nchwToNhwc(values: Float32Array, shape: readonly [number, number, number, number]): tf.Tensor4D {
  const [n, c, h, w] = shape;
  if (c === 1) return tf.tensor4d(values, [n, h, w, 1]);
  return tf.tidy(() => tf.transpose(tf.tensor4d(values, [n, c, h, w]), [0, 2, 3, 1]));
}

/** The values of an NHWC tensor in NCHW C order (`(N, H, W, C)` → `(N, C, H, W)`). */
export async function nhwcToNchw(t: tf.Tensor4D): Promise<Float32Array> {
  if (t.shape[3] === 1) return Float32Array.from((await t.data()) as Float32Array);
  const nchw = tf.transpose(t, [0, 3, 1, 2]);
  try {
    return Float32Array.from((await nchw.data()) as Float32Array);
  } finally {
    nchw.dispose();
  }
}

/** Per-sample mixing weights α ~ U[0, 1) as an `(N, 1, 1, 1)` tensor, from a caller's random source. */
export function alphaTensor(random: () => number, batch: number): tf.Tensor4D {
  const values = new Float32Array(batch);
  for (let i = 0; i < batch; i++) values[i] = random();
  return tf.tensor4d(values, [batch, 1, 1, 1]);
}
