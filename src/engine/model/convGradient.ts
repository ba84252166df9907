/**
 * A fast `Conv2DBackpropFilter` (the gradient of a convolution with respect to its filter) for
 * the cpu and wasm backends, NHWC. tf.js 4.22's cpu kernel is a naive loop through
 * `TensorBuffer.get` (seconds per layer) and the wasm backend has none, so training could not
 * run there at all. This one walks dy once and accumulates outer products of an input pixel's
 * channels with dy's channels, in float64. NCHW requests on cpu go to the built-in kernel.
 *
 * `registerConvFilterGradient()` is idempotent; call it before training on cpu or wasm.
 */
import * as tf from '@tensorflow/tfjs';

type Values = Float32Array;

interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** dW[kh, kw, ci, co] = Σ_{b, y, x} x[b, y·s + kh − pad, x·s + kw − pad, ci] · dy[b, y, x, co]. */
export function filterGradientNhwc(x: Values, dy: Values, g: ConvGeometry): Float32Array {
  const { batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, padTop, padLeft } = g;
  const acc = new Float64Array(filterH * filterW * inC * outC);
  for (let b = 0; b < batch; b++) {
    for (let yR = 0; yR < outH; yR++) {
      for (let yC = 0; yC < outW; yC++) {
        const dyOff = ((b * outH + yR) * outW + yC) * outC;
        for (let wR = 0; wR < filterH; wR++) {
          const xR = yR * strideH - padTop + wR;
          if (xR < 0 || xR >= inH) continue;
          for (let wC = 0; wC < filterW; wC++) {
            const xC = yC * strideW - padLeft + wC;
            if (xC < 0 || xC >= inW) continue;
            const xOff = ((b * inH + xR) * inW + xC) * inC;
            const wOff = (wR * filterW + wC) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const xv = x[xOff + ci];
              if (xv === 0) continue;
              const row = wOff + ci * outC;
              for (let co = 0; co < outC; co++) acc[row + co] += xv * dy[dyOff + co];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

interface FilterGradientAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function geometry(xShape: number[], attrs: FilterGradientAttrs): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    filterH: info.filterHeight,
    filterW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

interface CpuBackendLike {
  data: { get(id: object): { values: Values } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Values;
}

let builtinCpu: tf.KernelConfig | undefined;

/** Registers the fast filter gradient for cpu (replacing tf.js's) and wasm (which has none). */
export function registerConvFilterGradient(): void {
  const cpu = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (!cpu || cpu.kernelFunc !== cpuKernel) {
    if (cpu) {
      builtinCpu = cpu;
      tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    }
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'cpu', kernelFunc: cpuKernel });
  }
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: wasmKernel });
  }
}

/** Puts tf.js's own cpu kernel back (for comparing against it). */
export function restoreBuiltinConvFilterGradient(): void {
  if (!builtinCpu) return;
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel(builtinCpu);
}

const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterGradientAttrs;
  if (a.dataFormat === 'NCHW') {
    if (!builtinCpu) throw new Error('Conv2DBackpropFilter: NCHW is not supported');
    return builtinCpu.kernelFunc({ inputs, backend, attrs });
  }
  const cpu = backend as unknown as CpuBackendLike;
  const values = filterGradientNhwc(cpu.data.get(x.dataId).values, cpu.data.get(dy.dataId).values, geometry(x.shape, a));
  return cpu.makeTensorInfo(a.filterShape, 'float32', values);
};

const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterGradientAttrs;
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: the wasm backend supports NHWC only');
  const wasm = backend as unknown as WasmBackendLike;
  const out = wasm.makeOutput(a.filterShape, 'float32');
  // Heap views are read after makeOutput: allocating may grow (and detach) the wasm memory.
  const values = filterGradientNhwc(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(dy), geometry(x.shape, a));
  wasm.typedArrayFromHeap(out).set(values);
  return out;
};
