/**
 * Picks the fastest tf.js backend this browser can run training on, in the order WebGPU, WebGL,
 * WASM, CPU, and keeps the reason every faster one was passed over, so the studio can say in words
 * why it is slower than it could be. WebGPU is registered with our own factory so that we hold the
 * adapter's name and the device (whose `lost` promise the studio watches).
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { installConvGradients } from '../engine/model/convGradients.ts';
import type { BackendReport, StudioBackend } from './protocol.ts';
import { errorMessage } from '../engine/errors.ts';

export const BACKEND_ORDER: readonly StudioBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The GPU device behind the WebGPU backend, while it is the one in use. */
export interface GpuHandle {
  device: GPUDevice;
  adapterName: string;
  /** A software rasteriser standing in for a GPU. */
  software: boolean;
}

let gpu: GpuHandle | null = null;
let lastAdapterFailure: string | null = null;

/** The adapter's self-description, shortest form that still tells GPUs apart. */
export function adapterName(info: Partial<GPUAdapterInfo> | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p): p is string => !!p && p.length > 0);
  const unique = parts.filter((p, i) => parts.indexOf(p) === i);
  return unique.length ? unique.join(' ') : 'unknown adapter';
}

async function createWebGpuBackend(): Promise<WebGPUBackend> {
  lastAdapterFailure = null;
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    lastAdapterFailure = 'the browser offers WebGPU but found no usable GPU adapter (blocklisted driver or GPU disabled)';
    throw new Error(lastAdapterFailure);
  }
  const info: GPUAdapterInfo | undefined =
    'info' in adapter
      ? (adapter as GPUAdapter & { info: GPUAdapterInfo }).info
      : await (adapter as unknown as { requestAdapterInfo?: () => Promise<GPUAdapterInfo> }).requestAdapterInfo?.();
  const limits = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  // The same limits tf.js's own factory asks for: the largest buffers the adapter allows.
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const name = adapterName(info);
  const fallback = (info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined)?.isFallbackAdapter === true;
  gpu = { device, adapterName: name, software: fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(name) };
  return new WebGPUBackend(device, info as never);
}

function registerWebGpu(): void {
  // Importing the package registered its own factory; ours replaces it to keep the device.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', createWebGpuBackend, 3);
}


async function tryBackend(name: StudioBackend): Promise<string | null> {
  if (name === 'webgpu') {
    if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
      return 'this browser does not expose WebGPU (navigator.gpu is missing; Chrome/Edge 113+, or Firefox/Safari with WebGPU enabled, have it)';
    }
    registerWebGpu();
  }
  if (name === 'wasm') {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
  }
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined') {
    return 'WebGL in a worker needs OffscreenCanvas, which this browser lacks';
  }
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return name === 'webgpu' && lastAdapterFailure ? lastAdapterFailure : `the ${name} backend failed to initialise`;
    await tf.ready();
    // wasm has no conv filter-gradient kernel; cpu's is 20-100x slower than a forward conv.
    if (name === 'wasm' || name === 'cpu') installConvGradients();
    return null;
  } catch (e) {
    return errorMessage(e);
  }
}

/**
 * Starts the first backend that works, from `from` on down the order; resolves to what is in use
 * and why each faster one was skipped. `prefer` (a URL option) starts the search lower.
 */
export async function chooseBackend(prefer?: StudioBackend): Promise<BackendReport> {
  const start = prefer ? BACKEND_ORDER.indexOf(prefer) : 0;
  const fallbacks: BackendReport['fallbacks'] = [];
  for (const [i, name] of BACKEND_ORDER.entries()) {
    if (i < start) {
      fallbacks.push({ backend: name, reason: `skipped: the page asked for ${prefer}` });
      continue;
    }
    if (name !== 'webgpu') gpu = null;
    const failure = await tryBackend(name);
    if (failure === null) {
      return { name, adapter: name === 'webgpu' ? (gpu?.adapterName ?? null) : null, software: name === 'webgpu' && (gpu?.software ?? false), fallbacks };
    }
    fallbacks.push({ backend: name, reason: failure });
  }
  throw new Error(`no tf.js backend could start: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`);
}

/** The WebGPU device in use, or null on other backends. */
export function currentGpu(): GpuHandle | null {
  return tf.getBackend() === 'webgpu' ? gpu : null;
}

/**
 * After a lost device: drops the dead backend (its tensors are gone) and starts WebGPU afresh,
 * falling back down the order if it will not come back.
 */
export async function restartBackend(): Promise<BackendReport> {
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  gpu = null;
  return chooseBackend();
}
