/**
 * The gradients of Conv2D and of Conv2DBackpropInput (the transposed conv) as forward
 * convolutions. The wasm backend has no Conv2DBackpropFilter kernel, and the cpu backend's is
 * 20-100× slower than its forward conv (measured here: 255 s against 3 s for a 128→128 3×3 layer
 * at batch 4), so on both the filter gradient is rewritten as a forward conv2d (TFJS-NOTES
 * "Backends"), and the input gradient too (wasm's Conv2DBackpropInput is a plain loop, its forward
 * conv2d is XNNPACK). Each rewrite is a reordering of the same sums and is differentiable, so the
 * gradient penalty's second derivative still flows through it.
 */
import * as tf from '@tensorflow/tfjs';

type PadAttr = number | 'same' | 'valid' | number[][];

/**
 * dL/dW of a NHWC conv2d (dilation 1) as one forward conv2d: batch and channels of the input swap
 * places, `dy` becomes the filter and the stride becomes the dilation. Equals tf.conv2DBackpropFilter.
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: PadAttr,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad as 'same' | 'valid' | number,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    // Inner scopes free each map of the input's or dy's size once the next is made (without a tape).
    // [ci, H, W, n]: the input's channels become the batch, its batch the channels.
    const padded = tf.tidy(() => {
      const xt = tf.transpose(x, [3, 1, 2, 0]);
      return top || bottom || left || right ? tf.pad(xt, [[0, 0], [top, bottom], [left, right], [0, 0]]) : xt;
    });
    // [outH, outW, n, co]: dy is the filter.
    const f = tf.transpose(dy, [1, 2, 0, 3]);
    const g = tf.conv2d(padded as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    tf.dispose([padded, f]);
    // Strides that do not divide the padded extent leave extra rows/columns: those taps are unused.
    const cropped = g.shape[1] === kh && g.shape[2] === kw ? g : tf.slice(g, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * dL/dx of a NHWC conv2d (dilation 1) as one forward conv2d: `dy` spread out by the stride
 * (zeros between its rows and columns), padded by the kernel size less one, correlated with the
 * filter flipped in space and with its channel axes swapped; then cropped to the input's padding.
 * Equals tf.conv2dTranspose(dy, filter, xShape, strides, pad) — wasm's kernel for that is a plain
 * loop, several times slower than its XNNPACK forward convolution.
 */
export function conv2dInputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  strides: number | [number, number],
  pad: PadAttr,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(xShape, filter.shape, strides, 1, pad as 'same' | 'valid' | number, dimRoundingMode, false, 'channelsLast');
  const { strideHeight: sh, strideWidth: sw } = info;
  const [n, oh, ow, co] = dy.shape;
  const [, h, w] = xShape;
  // The spread map, padded so that a valid correlation gives exactly the input's h × w: kh − 1 − top
  // rows before it and as many after as make h + kh − 1 (cropping where that is negative), the
  // same for columns. Each step frees the one before it (without a tape): these maps are the size
  // of the input, the largest of the step.
  let map: tf.Tensor4D = dy;
  const next = (f: (t: tf.Tensor4D) => tf.Tensor4D) => {
    const made = tf.tidy(() => f(map));
    if (map !== dy) map.dispose();
    map = made;
  };
  // Zeros after each column, then after each row, in rank-4 pads: tf.js-webgpu's pad shader does
  // not compile for rank 6 (it declares a `vec6`), and would leave garbage silently.
  if (sw > 1) next((t) => tf.reshape(tf.pad(tf.reshape(t, [n * oh, ow, 1, co]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, oh, ow * sw, co]));
  if (sh > 1) next((t) => tf.reshape(tf.pad(tf.reshape(t, [n, oh, 1, ow * sw * co]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, oh * sh, ow * sw, co]));
  const before = [kh - 1 - info.padInfo.top, kw - 1 - info.padInfo.left];
  const needed = [h + kh - 1, w + kw - 1];
  const start = before.map((b) => Math.max(0, -b));
  const lead = before.map((b) => Math.max(0, b));
  const keep = [0, 1].map((a) => Math.min(map.shape[a + 1] - start[a], needed[a] - lead[a]));
  if (start[0] || start[1] || keep[0] < map.shape[1] || keep[1] < map.shape[2]) next((t) => tf.slice(t, [0, start[0], start[1], 0], [n, keep[0], keep[1], co]));
  next((t) => tf.pad(t, [[0, 0], [lead[0], needed[0] - lead[0] - keep[0]], [lead[1], needed[1] - lead[1] - keep[1]], [0, 0]]));
  const dx = tf.tidy(() => tf.conv2d(map, tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, 1, 'valid'));
  map.dispose();
  return dx;
}

let installed = false;

/**
 * The backends whose conv gradients run as forward convolutions; the others keep tf.js's own
 * kernels. Measured per backend (README, "Per-kernel profile"): wasm has no filter-gradient
 * kernel, cpu's is 20-100× slower than its forward conv, and on webgpu the choice is set by
 * `npm run bench -- kernels`.
 */
const rewriteBackends = new Set<string>(['cpu', 'wasm']);

/** Sets whether `backend` runs the conv gradients as forward convolutions (the benchmark compares both). */
export function useConvGradientRewrite(backend: string, on: boolean): void {
  if (on) rewriteBackends.add(backend);
  else rewriteBackends.delete(backend);
}

/** Whether the conv gradients run as forward convolutions on `backend`. */
export function convGradientRewrite(backend: string): boolean {
  return rewriteBackends.has(backend);
}

/**
 * Replaces the gradients of Conv2D and Conv2DBackpropInput (the transposed conv) with forward
 * convolutions on the backends that chose them, so that no Conv2DBackpropFilter kernel is needed;
 * the other backends go on through tf.js's own gradients. On wasm this also takes the full-width
 * generator step from 10.5 s to 6.4 s of CPU time at batch 4 (measured here). Gradients are global
 * to tf.js, so the choice is made per call, by the backend in use; idempotent.
 */
export function installConvGradients(): void {
  if (installed) return;
  installed = true;
  const builtinConv = tf.getGradient('Conv2D')!;
  const builtinTransposed = tf.getGradient('Conv2DBackpropInput')!;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      if (!rewriteBackends.has(tf.getBackend())) return builtinConv.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as {
        strides: [number, number];
        pad: PadAttr;
        dilations: number | [number, number];
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const d = typeof dilations === 'number' ? [dilations, dilations] : dilations;
      if (d && (d[0] !== 1 || d[1] !== 1)) throw new Error('conv2d gradient: dilations > 1 are not supported');
      const dy4 = dy as tf.Tensor4D;
      return {
        x: () => conv2dInputGradient(dy4, filter, x.shape, strides, pad, dimRoundingMode),
        filter: () => conv2dFilterGradient(x, dy4, filter.shape, strides, pad, dimRoundingMode),
      };
    },
  });
  tf.registerGradient({
    kernelName: 'Conv2DBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      if (!rewriteBackends.has(tf.getBackend())) return builtinTransposed.gradFunc(ddx, saved, attrs);
      const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dimRoundingMode } = attrs as unknown as {
        strides: [number, number];
        pad: PadAttr;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const g = transposedConvGradients(ddx as tf.Tensor4D, dy, filter, strides, pad, dimRoundingMode);
      return { dy: g.x, filter: g.filter };
    },
  });
}

/** The gradients of `y = conv2dTranspose(x, filter, …)` for the upstream gradient `ddy`, as forward convolutions. */
function transposedConvGradients(
  ddy: tf.Tensor4D,
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | [number, number],
  pad: PadAttr,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): { x: () => tf.Tensor4D; filter: () => tf.Tensor4D } {
  return {
    x: () => tf.conv2d(ddy, filter, strides, pad as 'same' | 'valid' | number, 'NHWC', 1, dimRoundingMode),
    filter: () => conv2dFilterGradient(ddy, x, filter.shape, strides, pad, dimRoundingMode),
  };
}

/**
 * tf.conv2dTranspose(x, filter, outputShape, strides, pad) computed as one forward conv2d
 * (conv2dInputGradient), with the gradients installConvGradients gives the transposed-conv kernel.
 * Those are set by hand because differentiating the forward-conv form itself would run the backward
 * on the stride-spread map, four times the size (the full-width generator step got slower).
 */
export function conv2dTransposeAsConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  outputShape: [number, number, number, number],
  strides: number | [number, number],
  pad: PadAttr,
): tf.Tensor4D {
  const transposed = tf.customGrad((input, weight, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor4D, weight as tf.Tensor4D]);
    return {
      value: conv2dInputGradient(input as tf.Tensor4D, weight as tf.Tensor4D, outputShape, strides, pad),
      gradFunc: (ddy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = transposedConvGradients(ddy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, strides, pad);
        return [g.x(), g.filter()];
      },
    };
  });
  return transposed(x, filter) as tf.Tensor4D;
}
