/**
 * Acoustic forward modelling (VELOCITYGAN.md §7): velocity maps in, OpenFWI-shaped seismic out,
 * with progress and cancellation between chunks of time steps. The same scheme runs as tf.js ops
 * (WebGPU in the worker), as a WebAssembly SIMD loop (CPUs: Node, tests, the CLI, browsers without
 * a GPU backend), or as a plain-JS loop where SIMD is missing; tests hold all three together.
 */
import * as tf from '@tensorflow/tfjs';
import { FwiError } from '../errors.ts';
import { rickerWavelet } from './ricker.ts';
import { OPENFWI_FORWARD, STENCIL, discretise, type ForwardModelParams } from './waveEquation.ts';
import { stepWavesJs } from './waveKernelJs.ts';
import { simdAvailable, stepWavesSimd } from './waveKernelSimd.ts';
import { stepWavesTf } from './waveKernelTf.ts';

/**
 * Which implementation steps the waves: tf.js ops, plain JS, or WebAssembly SIMD. 'auto' picks
 * 'simd' (or 'js' where SIMD is missing) on the cpu and wasm backends, 'tfjs' on the GPU ones.
 */
export type ForwardKernel = 'auto' | 'tfjs' | 'js' | 'simd';

/** Something that says when to stop; an AbortSignal is one. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface ForwardModelOptions {
  params?: ForwardModelParams;
  /** Map height (depth cells), default 70. */
  nz?: number;
  /** Map width (offset cells), default 70. */
  nx?: number;
  kernel?: ForwardKernel;
  /** Samples stepped together by the tf.js kernel (memory ≈ 20 MB per sample at 310×310). */
  samplesPerBatch?: number;
  /** Time steps between progress reports and cancellation checks. */
  stepsPerChunk?: number;
  /** Fraction of the whole call done, in (0, 1]. */
  onProgress?: (fraction: number) => void;
  signal?: CancelSignal;
}

/** The largest v·dt/dx the scheme is stable for: (v·dt/dx)²·max|symbol of L| ≤ 4. */
export const STABILITY_LIMIT = Math.sqrt(4 / (-2 * (STENCIL.c0 - 2 * STENCIL.c1 + 2 * STENCIL.c2)));

/** The kernel 'auto' resolves to on the current tf.js backend (the CPU kernels when none is chosen yet). */
export function resolveKernel(kernel: ForwardKernel = 'auto'): Exclude<ForwardKernel, 'auto'> {
  if (kernel !== 'auto') return kernel;
  // No backend chosen yet (getBackend() is undefined until one is) means no GPU was set up either.
  const backend: string | undefined = tf.getBackend();
  if (backend && backend !== 'cpu' && backend !== 'wasm') return 'tfjs';
  return simdAvailable() ? 'simd' : 'js';
}

const KERNELS = { tfjs: stepWavesTf, js: stepWavesJs, simd: stepWavesSimd } as const;

/** Throws a FwiError unless every velocity is finite, positive and within the scheme's stability limit. */
export function checkVelocity(velocity: ArrayLike<number>, params: ForwardModelParams = OPENFWI_FORWARD, file?: string): void {
  const vMax = (STABILITY_LIMIT * params.dx) / params.dt;
  for (let i = 0; i < velocity.length; i++) {
    const v = velocity[i];
    if (!(v > 0) || !Number.isFinite(v)) throw new FwiError('velocity', `velocity ${v} m/s at element ${i}: must be positive and finite`, file);
    if (v > vMax) {
      throw new FwiError('velocity', `velocity ${v} m/s at element ${i} exceeds ${Math.floor(vMax)} m/s, the stability limit for dx ${params.dx} m and dt ${params.dt} s`, file);
    }
  }
}

/** Longest run between yields to the event loop, ms: browsers clamp repeated zero timeouts to 4 ms, so yield by time, not per chunk. */
const YIELD_EVERY_MS = 50;

/**
 * A checkpoint between chunks: yields to the event loop when YIELD_EVERY_MS has passed (so a
 * cancel message can reach a worker), then throws FwiError 'cancelled' if the signal is set.
 */
function checkpointer(signal: CancelSignal | undefined): () => Promise<void> {
  let lastYield = performance.now();
  return async () => {
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
    if (signal?.aborted) throw new FwiError('cancelled', 'forward modelling cancelled');
  };
}

/**
 * Seismic `(n, shots, nt, nx)` float32, row-major, for velocity maps `(n, nz, nx)` in m/s (a
 * `(n, 1, nz, nx)` array is the same bytes). Reports progress and honours `signal` between chunks.
 */
export async function forwardModel(velocity: Float32Array, options: ForwardModelOptions = {}): Promise<Float32Array> {
  const params = options.params ?? OPENFWI_FORWARD;
  const nz = options.nz ?? 70;
  const nx = options.nx ?? 70;
  const cells = nz * nx;
  if (velocity.length % cells !== 0) {
    throw new FwiError('npy-shape', `velocity holds ${velocity.length} values, not a whole number of ${nz}×${nx} maps`);
  }
  checkVelocity(velocity, params);
  const n = velocity.length / cells;
  const shots = params.sourceColumns.length;
  const kernel = resolveKernel(options.kernel);
  const step = KERNELS[kernel];
  const batch = kernel === 'tfjs' ? Math.max(1, options.samplesPerBatch ?? 8) : 1;
  const stepsPerChunk = Math.max(1, options.stepsPerChunk ?? 50);
  const wavelet = rickerWavelet(params.f, params.dt, params.nt);
  const perSample = shots * params.nt * nx;
  const out = new Float32Array(n * perSample);
  const checkpoint = checkpointer(options.signal);
  await checkpoint();
  for (let first = 0; first < n; first += batch) {
    const count = Math.min(batch, n - first);
    const grids = [];
    for (let i = first; i < first + count; i++) grids.push(discretise(velocity.subarray(i * cells, (i + 1) * cells), nz, nx, params));
    const seismic = await step(grids, wavelet, params.nt, stepsPerChunk, async (fraction) => {
      options.onProgress?.((first + fraction * count) / n);
      await checkpoint();
    });
    out.set(seismic, first * perSample);
  }
  return out;
}
