/**
 * The one place a tf.js backend is started, for the CLI, the benchmarks, the tests and the studio's
 * worker: 'cpu' (pure JS, everywhere), 'wasm' (XNNPACK, several times faster on a CPU) or 'webgpu'
 * (the browser's GPU, or in Node the `webgpu` package's Dawn: nodeGpu.ts). On cpu and wasm it
 * installs the conv gradients as forward convolutions (model/convGradients.ts). WebGPU is started
 * with our own factory, so that we hold the device (the studio watches its `lost` promise) and the
 * adapter's buffer limits (the batch check).
 */
import * as tf from '@tensorflow/tfjs';
import { errorMessage, FwiError } from '../errors.ts';
import { installConvGradients } from '../model/convGradients.ts';
import { isGpuOutOfMemory } from './gpuErrors.ts';
import { isNode, nodeMemoryBytes, noDriverAdvice, startNodeGpu, stopNodeGpu } from './nodeGpu.ts';
import { shareWasmIdentity } from './wasmIdentity.ts';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

/** The GPU device behind the webgpu backend, while it is the one in use. */
export interface GpuHandle {
  device: GPUDevice;
  adapterName: string;
  /** A software rasteriser (SwiftShader, llvmpipe) standing in for a GPU. */
  software: boolean;
  /** The device's largest storage binding and largest buffer, in bytes: no tensor may exceed them. */
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  /** The memory the device draws on where it is known: a software adapter's is the machine's; a GPU's is not exposed. */
  memoryBytes: number | null;
  /** The last out-of-memory error the device reported (WebGPU reports them as events, not throws), or null. */
  outOfMemory: string | null;
}

export interface BackendOptions {
  /** Where the wasm backend's .wasm files are served from (a bundled page); Node finds them itself. */
  wasmPaths?: Record<string, string>;
}

let gpu: GpuHandle | null = null;
let lastGpuFailure: string | null = null;

/** Parses a user-given backend name; throws FwiError('usage') naming the choices. */
export function parseBackendName(name: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new FwiError('usage', `unknown backend "${name}" (choose ${BACKEND_NAMES.join(', ')})`);
}

/** The adapter's self-description, shortest form that still tells GPUs apart. */
export function adapterName(info: Partial<GPUAdapterInfo> | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p): p is string => !!p && p.length > 0);
  const unique = parts.filter((p, i) => parts.indexOf(p) === i);
  return unique.length ? unique.join(' ') : 'unknown adapter';
}

/** The machine's memory (what a software adapter allocates from): Node's total, or the browser's rounded figure. */
async function machineMemory(): Promise<number | null> {
  if (isNode()) return nodeMemoryBytes();
  const gib = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return typeof gib === 'number' ? gib * 2 ** 30 : null;
}

async function createWebGpuBackend(): Promise<tf.KernelBackend> {
  lastGpuFailure = null;
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    lastGpuFailure = isNode()
      ? noDriverAdvice('Dawn could not load a Vulkan driver')
      : 'the browser offers WebGPU but found no usable GPU adapter (blocklisted driver or GPU disabled)';
    throw new Error(lastGpuFailure);
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
  const software = fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(name);
  const handle: GpuHandle = {
    device,
    adapterName: name,
    software,
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxBufferSize: device.limits.maxBufferSize,
    memoryBytes: software ? await machineMemory() : null,
    outOfMemory: null,
  };
  // tf.js creates buffers outside error scopes: an allocation that fails arrives here.
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    if (isGpuOutOfMemory(error)) handle.outOfMemory = error.message || 'out of memory';
  });
  gpu = handle;
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  return new WebGPUBackend(device, info as never);
}

async function registerWebGpu(): Promise<void> {
  if (typeof navigator === 'undefined' || !(navigator as Navigator & { gpu?: unknown }).gpu) {
    if (!isNode()) throw new FwiError('usage', 'this browser does not expose WebGPU (navigator.gpu is missing; Chrome/Edge 113+, or Firefox/Safari with WebGPU enabled, have it)');
    await startNodeGpu();
  }
  // Importing the package registers its own factory; ours replaces it to keep the device.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackend('webgpu')) return;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', createWebGpuBackend, 3);
}

/**
 * Registers (on first use), selects and initialises a backend, with what training needs on it.
 * Resolves to the name tf.js reports; throws FwiError('usage') when the backend cannot start here,
 * saying why (for webgpu in Node: how to point Dawn at a Vulkan driver).
 */
export async function initBackend(name: BackendName, options: BackendOptions = {}): Promise<BackendName> {
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
    shareWasmIdentity();
  }
  if (name === 'webgpu') await registerWebGpu();
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new FwiError('usage', `the ${name} backend failed to start (${errorMessage(e)})`);
  }
  if (!ok) throw new FwiError('usage', name === 'webgpu' && lastGpuFailure ? lastGpuFailure : `the ${name} backend failed to start`);
  await tf.ready();
  // Each backend's measured conv-gradient choice (model/convGradients.ts).
  installConvGradients();
  return tf.getBackend() as BackendName;
}

/** The WebGPU device in use, or null on other backends. */
export function currentGpu(): GpuHandle | null {
  return tf.getBackend() === 'webgpu' ? gpu : null;
}

/** Drops the webgpu backend (after a lost device its tensors are gone), so the next initBackend('webgpu') starts a new device. */
export function dropWebGpu(): void {
  if (tf.findBackend('webgpu') || tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  gpu = null;
}

/**
 * Releases the GPU when a Node command is done: disposes the webgpu backend, destroys its device and
 * drops Dawn's instance, without which Node would not exit. Nothing to do on other backends.
 */
export function releaseBackend(): void {
  const device = gpu?.device;
  if (tf.findBackend('webgpu')) {
    if (tf.getBackend() === 'webgpu') void tf.setBackend('cpu');
    tf.removeBackend('webgpu');
  }
  device?.destroy();
  gpu = null;
  stopNodeGpu();
}
