/**
 * Picks and starts the tf.js backend the trainer runs on: 'cpu' (pure JS, everywhere), 'wasm'
 * (XNNPACK, several times faster on a CPU) or 'webgpu' (the studio's worker). The wasm backend has
 * no Conv2DBackpropFilter kernel, and the cpu backend's is 20-100× slower than its forward conv
 * (measured here: 255 s against 3 s for a 128→128 3×3 layer at batch 4), so on both the filter
 * gradient is rewritten as a forward conv2d (TFJS-NOTES "Backends"). The rewrite is a reordering
 * of the same sums and is differentiable, so the gradient penalty's second derivative still flows
 * through it; it is exported for the worker, which decides for webgpu.
 */
import * as tf from '@tensorflow/tfjs';
import { FwiError } from '../errors.ts';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

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
    // [ci, H, W, n]: the input's channels become the batch, its batch the channels.
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    // [outH, outW, n, co]: dy is the filter.
    const f = tf.transpose(dy, [1, 2, 0, 3]);
    const padded = top || bottom || left || right ? tf.pad(xt, [[0, 0], [top, bottom], [left, right], [0, 0]]) : xt;
    const g = tf.conv2d(padded as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    // Strides that do not divide the padded extent leave extra rows/columns: those taps are unused.
    const cropped = g.shape[1] === kh && g.shape[2] === kw ? g : tf.slice(g, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

let filterGradientInstalled = false;

/**
 * Replaces the gradients of Conv2D and Conv2DBackpropInput (the transposed conv) so that no
 * Conv2DBackpropFilter kernel is needed. Global to tf.js (gradients are not per backend); idempotent.
 */
export function installConvFilterGradient(): void {
  if (filterGradientInstalled) return;
  filterGradientInstalled = true;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
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
        x: () => tf.conv2dTranspose(dy4, filter, x.shape, strides, pad as 'same' | 'valid' | number, dimRoundingMode),
        filter: () => conv2dFilterGradient(x, dy4, filter.shape, strides, pad, dimRoundingMode),
      };
    },
  });
  tf.registerGradient({
    kernelName: 'Conv2DBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, dimRoundingMode } = attrs as unknown as {
        strides: [number, number];
        pad: PadAttr;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const ddx4 = ddx as tf.Tensor4D;
      return {
        dy: () => tf.conv2d(ddx4, filter, strides, pad as 'same' | 'valid' | number, 'NHWC', 1, dimRoundingMode),
        filter: () => conv2dFilterGradient(ddx4, dy, filter.shape, strides, pad, dimRoundingMode),
      };
    },
  });
}

/** Parses a user-given backend name; throws FwiError('usage') naming the choices. */
export function parseBackendName(name: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new FwiError('usage', `unknown backend "${name}" (choose ${BACKEND_NAMES.join(', ')})`);
}

/**
 * Registers (on first use), selects and initialises a backend, with what training needs on it.
 * Resolves to the name tf.js reports; throws FwiError('usage') when the backend cannot start here.
 */
export async function initBackend(name: BackendName): Promise<BackendName> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'wasm' || name === 'cpu') installConvFilterGradient();
  if (name === 'webgpu') {
    if (typeof navigator === 'undefined' || !(navigator as Navigator & { gpu?: unknown }).gpu) {
      throw new FwiError('usage', 'the webgpu backend needs navigator.gpu (a WebGPU browser or the "webgpu" package in Node)');
    }
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new FwiError('usage', `the ${name} backend failed to start (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!ok) throw new FwiError('usage', `the ${name} backend failed to start`);
  await tf.ready();
  return tf.getBackend() as BackendName;
}
