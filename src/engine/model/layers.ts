/**
 * The building blocks of both networks, in NHWC, matching PyTorch's Conv2d / ConvTranspose2d
 * arithmetic exactly: padding is explicit and symmetric (TF's "same" pads asymmetrically for
 * stride 2), and weights are held in TF layouts (conv `[kh, kw, in, out]`, transposed conv
 * `[kh, kw, out, in]`) so that PyTorch's `[out, in, kh, kw]` / `[in, out, kh, kw]` both map to
 * ours by the permutation `[2, 3, 1, 0]`.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dTransposeAsConv2d } from './convGradients.ts';

export type Pair = readonly [number, number];

/** One row of a reference table: Conv2d or ConvTranspose2d, then BatchNorm, then an activation. */
export interface BlockSpec {
  /** PyTorch module name, e.g. `convblock5_1`; state-dict keys are `<name>.layers.0.*` and `.layers.1.*`. */
  readonly name: string;
  readonly kind: 'conv' | 'deconv';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly activation: 'leakyRelu' | 'tanh';
}

/** A step of a network: a block, or cutting `crop` pixels from every side (the generator's crop). */
export type Step = { readonly block: BlockSpec } | { readonly crop: number };

export const LEAKY_SLOPE = 0.2;

/** Shorthand for a table row; `k`, `s`, `p` accept a number for square values as PyTorch does. */
export function block(
  name: string,
  kind: 'conv' | 'deconv',
  inChannels: number,
  outChannels: number,
  k: number | Pair,
  s: number | Pair,
  p: number | Pair,
  activation: 'leakyRelu' | 'tanh' = 'leakyRelu',
): Step {
  const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v);
  return { block: { name, kind, inChannels, outChannels, kernel: pair(k), stride: pair(s), padding: pair(p), activation } };
}

/** TF-layout shape of a block's weight. */
export function weightShape(spec: BlockSpec): [number, number, number, number] {
  const [kh, kw] = spec.kernel;
  return spec.kind === 'conv' ? [kh, kw, spec.inChannels, spec.outChannels] : [kh, kw, spec.outChannels, spec.inChannels];
}

/** PyTorch's fan_in for the default init: `in·kh·kw` for Conv2d, `out·kh·kw` for ConvTranspose2d. */
export function fanIn(spec: BlockSpec): number {
  const [kh, kw] = spec.kernel;
  return (spec.kind === 'conv' ? spec.inChannels : spec.outChannels) * kh * kw;
}

function explicitPadding(padding: Pair): [[number, number], [number, number], [number, number], [number, number]] {
  return [[0, 0], [padding[0], padding[0]], [padding[1], padding[1]], [0, 0]];
}

/** PyTorch Conv2d (zero padding on both sides, floor rounding) on NHWC input. */
export function conv2d(x: tf.Tensor4D, weight: tf.Tensor4D, bias: tf.Tensor1D, stride: Pair, padding: Pair): tf.Tensor4D {
  const pad = padding[0] === 0 && padding[1] === 0 ? 'valid' : explicitPadding(padding);
  return tf.add(tf.conv2d(x, weight, [stride[0], stride[1]], pad), bias);
}

/** PyTorch ConvTranspose2d (output `(in−1)·s − 2p + k`, no output_padding) on NHWC input. */
export function convTranspose2d(
  x: tf.Tensor4D,
  weight: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: Pair,
  padding: Pair,
): tf.Tensor4D {
  const [batch, h, w] = x.shape;
  const [kh, kw, outChannels] = weight.shape;
  const outH = (h - 1) * stride[0] - 2 * padding[0] + kh;
  const outW = (w - 1) * stride[1] - 2 * padding[1] + kw;
  // conv2dTranspose takes the padding of the forward conv it inverts, which is PyTorch's padding.
  const pad = padding[0] === 0 && padding[1] === 0 ? 'valid' : explicitPadding(padding);
  const outShape: [number, number, number, number] = [batch, outH, outW, outChannels];
  // wasm's transposed-conv kernel is a plain loop, its forward conv2d XNNPACK: from a 10×10 input
  // on, the forward-conv form is 2-3× faster per layer (full-width generator forward at batch 4:
  // 1.38 s → 1.08 s of CPU time, measured here). On smaller maps its zero padding costs more than
  // that gains (deconv1_1, 1×1 → 5×5: 28 ms → 346 ms), and on cpu, whose conv2d is slow too, it
  // loses at every size (the same forward: 28 s → 49 s).
  const y =
    tf.getBackend() === 'wasm' && h * w >= 100
      ? conv2dTransposeAsConv2d(x, weight, outShape, [stride[0], stride[1]], pad)
      : tf.conv2dTranspose(x, weight, outShape, [stride[0], stride[1]], pad);
  return tf.add(y, bias);
}

type KernelAttrs = Parameters<tf.GradFunc>[2];

/** The block's convolution (Conv2d or ConvTranspose2d by its kind) with its bias. */
export function blockConv(spec: BlockSpec, x: tf.Tensor4D, weight: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  // Its own scope frees the map before the bias as soon as the bias is added (without a tape).
  return tf.tidy(() =>
    spec.kind === 'conv'
      ? conv2d(x, weight, bias, spec.stride, spec.padding)
      : convTranspose2d(x, weight, bias, spec.stride, spec.padding),
  );
}

/**
 * The gradient of blockConv's convolution (without its bias) with respect to its input or its
 * weight, for the upstream gradient `dy`, by the gradient tf.js has registered for the kernel: the
 * forward-conv rewrites of convGradients.ts where they are installed (cpu, wasm), the backend's
 * own kernels elsewhere. The same functions a gradient tape would call.
 */
export function blockConvGradients(spec: BlockSpec, x: tf.Tensor4D, weight: tf.Tensor4D, dy: tf.Tensor4D, which: 'input' | 'weight'): tf.Tensor4D {
  const pad = spec.padding[0] === 0 && spec.padding[1] === 0 ? 'valid' : explicitPadding(spec.padding);
  const strides = [spec.stride[0], spec.stride[1]];
  if (spec.kind === 'conv') {
    const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1] } as unknown as KernelAttrs;
    const g = tf.getGradient('Conv2D').gradFunc(dy, [x, weight], attrs) as Record<'x' | 'filter', () => tf.Tensor4D>;
    return tf.tidy(which === 'input' ? g.x : g.filter);
  }
  const [batch, h, w] = x.shape;
  const [kh, kw, outChannels] = weight.shape;
  const inputShape = [batch, (h - 1) * spec.stride[0] - 2 * spec.padding[0] + kh, (w - 1) * spec.stride[1] - 2 * spec.padding[1] + kw, outChannels];
  const attrs = { strides, pad, dataFormat: 'NHWC', inputShape } as unknown as KernelAttrs;
  const g = tf.getGradient('Conv2DBackpropInput').gradFunc(dy, [x, weight], attrs) as Record<'dy' | 'filter', () => tf.Tensor4D>;
  return tf.tidy(which === 'input' ? g.dy : g.filter);
}

/**
 * LeakyReLU built from `abs`, whose gradient is itself differentiable: tf.leakyRelu's gradient
 * uses `greater`, which has no gradient, so a double backward (the gradient penalty) throws.
 */
export function leakyReluSecondOrder(x: tf.Tensor, slope = LEAKY_SLOPE): tf.Tensor {
  return tf.add(tf.mul(x, (1 + slope) / 2), tf.mul(tf.abs(x), (1 - slope) / 2));
}

/** Removes `pixels` rows and columns from every side of an NHWC map. */
export function crop(x: tf.Tensor4D, pixels: number): tf.Tensor4D {
  const [batch, h, w, c] = x.shape;
  return tf.slice(x, [0, pixels, pixels, 0], [batch, h - 2 * pixels, w - 2 * pixels, c]);
}
