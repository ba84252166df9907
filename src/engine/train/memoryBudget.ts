/**
 * How much memory a training step needs, and what to tell the user when a backend cannot hold it.
 * The wasm backend is a 32-bit WebAssembly module: its heap cannot grow past 4 GiB − 64 KiB, and
 * when it must, the module aborts ("memory access out of bounds" or "Aborted()"), leaving the
 * backend unusable.
 *
 * What fills the heap per sample differs between the two steps of an iteration:
 * - generator step: the generator's blocks are recomputed in the backward pass
 *   (model/recomputedBlock.ts), so the tape holds about one copy of its block outputs, plus maps
 *   of the seismic's size (the batch itself, the first block's working maps);
 * - critic step: the generator runs without a tape, freeing as it goes; the critic's
 *   gradient penalty differentiates twice through its op-by-op blocks (its other calls run
 *   recomputed), and the backward pass frees each gradient and saved tensor once used
 *   (train/releasingGradients.ts): about 44 copies of the critic's block outputs at its peak.
 * Fitted to the wasm heap measured here (bench/trainMemory.ts, one process per batch size; tiny
 * and small widths at batch 4 and 32, full widths at 4, 8, 16 and 32), rounded up so as not to
 * fall short of any: full widths need about 30 MB per sample in the critic step and 37 MB in the
 * generator step, whose fixed part (weights, AdamW's moments, gradients, XNNPACK's packed
 * weights: about 1.5 GB) keeps it the larger at every batch; 63 is the largest batch the estimate
 * lets into the wasm heap (33 before the releasing backward pass, 4 before the recomputed blocks).
 *
 * On webgpu two limits of the adapter apply besides its memory: no buffer, so no tensor, may exceed
 * maxBufferSize or be bound larger than maxStorageBufferBindingSize. The largest tensor of a step
 * is a batch of the largest map of either network (the generator's first block at the seismic
 * input's resolution). The adapter's memory itself is known only for a software adapter (the
 * machine's memory); on a GPU, a step that runs out of it is reported when it happens.
 */
import { errorMessage, FwiError } from '../errors.ts';
import { criticSteps } from '../model/critic.ts';
import { generatorSteps } from '../model/generator.ts';
import { weightShape, type Step } from '../model/layers.ts';
import type { CriticWidths, GeneratorWidths } from '../model/widths.ts';
import { currentGpu, type BackendName, type GpuHandle } from './backend.ts';
import { isGpuOutOfMemory } from './gpuErrors.ts';

/** The wasm module's heap limit (its getHeapMax). */
export const WASM_HEAP_BYTES = 4294901760;

/** Copies of the critic's block outputs the critic step holds per sample (the double backward's tape). */
const CRITIC_STEP_CRITIC_COPIES = 44;
/** Copies of one sample's seismic (and velocity) the critic step holds. */
const CRITIC_STEP_INPUT_COPIES = 2;
/** Copies of the generator's block outputs the generator step holds per sample (recomputed blocks). */
const GENERATOR_STEP_GENERATOR_COPIES = 1;
/** Copies of one sample's seismic (and velocity) the generator step holds. */
const GENERATOR_STEP_INPUT_COPIES = 6;
/**
 * Bytes per parameter of both networks outside the per-sample part: weights, AdamW's moments,
 * XNNPACK's packed weights; the generator step adds the generator's gradients and the update's
 * temporaries.
 */
const CRITIC_STEP_BYTES_PER_PARAMETER = 20;
const GENERATOR_STEP_BYTES_PER_PARAMETER = 60;
/** Share of the heap a run may plan for: the allocator's fragmentation takes the rest. */
const USABLE_SHARE = 0.9;

export interface MemoryShape {
  generatorWidths: GeneratorWidths;
  criticWidths: CriticWidths;
  /** Per-sample seismic shape `(shots, time, receivers)`. */
  seismicShape: readonly [number, number, number];
  /** Per-sample velocity shape `(1, depth, width)`. */
  velocityShape: readonly [number, number, number];
}

/**
 * Elements of all block outputs of one sample, the largest map (input or output of a block), and the
 * parameter count, of a network table on a `c × h × w` input.
 */
function tableSize(steps: Step[], c: number, h: number, w: number): { activations: number; largest: number; parameters: number } {
  let activations = 0;
  let largest = c * h * w;
  let parameters = 0;
  for (const step of steps) {
    if ('crop' in step) {
      h -= 2 * step.crop;
      w -= 2 * step.crop;
      continue;
    }
    const { kind, kernel, stride, padding, outChannels } = step.block;
    if (kind === 'conv') {
      h = Math.floor((h + 2 * padding[0] - kernel[0]) / stride[0]) + 1;
      w = Math.floor((w + 2 * padding[1] - kernel[1]) / stride[1]) + 1;
    } else {
      h = (h - 1) * stride[0] - 2 * padding[0] + kernel[0];
      w = (w - 1) * stride[1] - 2 * padding[1] + kernel[1];
    }
    activations += h * w * outChannels;
    largest = Math.max(largest, h * w * outChannels);
    parameters += weightShape(step.block).reduce((a, b) => a * b, 1) + 3 * outChannels;
  }
  return { activations, largest, parameters };
}

function networkSizes(shape: MemoryShape): { g: ReturnType<typeof tableSize>; d: ReturnType<typeof tableSize> } {
  const [shots, time, receivers] = shape.seismicShape;
  const [channels, depth, width] = shape.velocityShape;
  return {
    g: tableSize(generatorSteps(shape.generatorWidths), shots, time, receivers),
    d: tableSize(criticSteps(shape.criticWidths), channels, depth, width),
  };
}

/** Bytes of the largest tensor of a training step at this batch size (float32). */
export function largestTensorBytes(shape: MemoryShape, batch: number): number {
  const { g, d } = networkSizes(shape);
  return 4 * batch * Math.max(g.largest, d.largest);
}

/** Estimated peak bytes of one training step (critic or generator, whichever is larger) at this batch size. */
export function trainingStepBytes(shape: MemoryShape, batch: number): number {
  const { g, d } = networkSizes(shape);
  const input = (shape.seismicShape.reduce((a, b) => a * b, 1) + shape.velocityShape.reduce((a, b) => a * b, 1)) * 4;
  const parameters = g.parameters + d.parameters;
  const critic =
    CRITIC_STEP_BYTES_PER_PARAMETER * parameters + batch * (CRITIC_STEP_CRITIC_COPIES * 4 * d.activations + CRITIC_STEP_INPUT_COPIES * input);
  const generator =
    GENERATOR_STEP_BYTES_PER_PARAMETER * parameters +
    batch * (GENERATOR_STEP_GENERATOR_COPIES * 4 * g.activations + GENERATOR_STEP_INPUT_COPIES * input);
  return Math.max(critic, generator);
}

/** What a backend can hold: all of a step (its heap or memory), and any one tensor (a WebGPU adapter's buffer limit). */
export interface BackendLimits {
  /** Bytes the whole step must fit, or null where we do not know it (cpu: the JS heap; a GPU's memory). */
  memory: number | null;
  /** Bytes no one tensor may exceed, or null where there is no such limit. */
  buffer: number | null;
  /** What the limits are, for the messages: "heap", "the adapter's …". */
  what: string;
}

/** The limits of `backend` (for webgpu, of the device in use, or of `gpu`). */
export function backendLimits(backend: BackendName, gpu: GpuHandle | null = currentGpu()): BackendLimits {
  if (backend === 'wasm') return { memory: WASM_HEAP_BYTES, buffer: null, what: 'heap' };
  if (backend === 'webgpu' && gpu) {
    return { memory: gpu.memoryBytes, buffer: Math.min(gpu.maxStorageBufferBindingSize, gpu.maxBufferSize), what: `adapter (${gpu.adapterName})` };
  }
  return { memory: null, buffer: null, what: 'memory' };
}

/** The largest batch whose estimated step fits `limit` bytes (0 if none). */
export function largestBatch(shape: MemoryShape, limit: number): number {
  const budget = USABLE_SHARE * limit;
  if (trainingStepBytes(shape, 1) > budget) return 0;
  // The estimate grows with the batch (a maximum of two lines): bisect.
  let fits = 1;
  let over = 2;
  while (trainingStepBytes(shape, over) <= budget) {
    fits = over;
    over *= 2;
  }
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (trainingStepBytes(shape, mid) <= budget) fits = mid;
    else over = mid;
  }
  return fits;
}

/** The largest batch within all of `limits` (0 if none), or null where the backend has none we know. */
export function largestBatchWithin(shape: MemoryShape, limits: BackendLimits): number | null {
  const fits: number[] = [];
  if (limits.memory !== null) fits.push(largestBatch(shape, limits.memory));
  if (limits.buffer !== null) fits.push(Math.floor(limits.buffer / largestTensorBytes(shape, 1)));
  return fits.length ? Math.min(...fits) : null;
}

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);

/**
 * The error for a batch that does not fit, with the largest batch that does. A step that ran out of
 * a memory whose size we do not know (a GPU's) proves only that this batch is too large: then half
 * of it is the advice, within the known limits.
 */
function tooLarge(backend: BackendName, shape: MemoryShape, batch: number, limits: BackendLimits, why: string, ranOut = false): FwiError {
  const known = largestBatchWithin(shape, limits);
  const guessed = ranOut && limits.memory === null;
  const fits = guessed ? Math.min(known ?? batch, Math.floor(batch / 2)) : known;
  const held = [limits.memory !== null ? `holds at most ${gib(limits.memory)} GiB` : null, limits.buffer !== null ? `takes buffers of at most ${gib(limits.buffer)} GiB` : null]
    .filter(Boolean)
    .join(' and ');
  const instead = backend === 'webgpu' ? '--backend wasm or cpu (slower)' : '--backend cpu (no such limit, slower)';
  const advice =
    fits === null
      ? `Use a smaller --batch (below ${batch}) or narrower --widths.`
      : (fits <= 0 ? 'No batch fits at these widths: ' : guessed ? `Try a batch of about ${fits}: ` : `The largest batch that fits at these widths is about ${fits}: `) +
        `use a smaller --batch${fits > 0 ? ` (≤ ${fits})` : ''} or narrower --widths, or ${instead}.`;
  return new FwiError('memory', `batch ${batch} is too large for the ${backend} backend's memory (${why}${held ? `; its ${limits.what} ${held}` : ''}). ${advice}`);
}

/**
 * Throws FwiError('memory') before training starts when the step would not fit the backend: the
 * wasm heap; on webgpu the adapter's buffer limits, and its memory where known.
 */
export function checkBatchFits(backend: BackendName, shape: MemoryShape, batch: number, gpu: GpuHandle | null = currentGpu()): void {
  const limits = backendLimits(backend, gpu);
  if (limits.buffer !== null) {
    const tensor = largestTensorBytes(shape, batch);
    if (tensor > limits.buffer) throw tooLarge(backend, shape, batch, limits, `its largest tensor takes ${gib(tensor)} GiB`);
  }
  if (limits.memory === null) return;
  const need = trainingStepBytes(shape, batch);
  if (need > USABLE_SHARE * limits.memory) {
    throw tooLarge(backend, shape, batch, limits, `a training step needs about ${gib(need)} GiB`);
  }
}

/** Whether `e` is a wasm module running out of heap (it aborts, or traps on an out-of-bounds access). */
export function isWasmOutOfMemory(e: unknown): boolean {
  const message = errorMessage(e);
  return /memory access out of bounds|Aborted\(|Cannot enlarge memory|Out of memory|could not allocate memory/i.test(message);
}

/**
 * `e` translated into FwiError('memory') when it is the backend running out of memory (the wasm
 * module's heap; on webgpu an out-of-memory error, thrown or reported by the device while the step
 * ran); otherwise `e` itself.
 */
export function translateOutOfMemory(e: unknown, backend: BackendName, shape: MemoryShape, batch: number, gpu: GpuHandle | null = currentGpu()): unknown {
  if (backend === 'wasm' && isWasmOutOfMemory(e)) {
    return tooLarge(backend, shape, batch, backendLimits(backend), 'a training step ran out of heap, and the backend cannot go on in this process');
  }
  if (backend === 'webgpu' && (isGpuOutOfMemory(e) || (gpu?.outOfMemory ?? null) !== null)) {
    const detail = gpu?.outOfMemory ?? errorMessage(e);
    return tooLarge(backend, shape, batch, backendLimits(backend, gpu), `a training step ran out of GPU memory: ${detail}`, true);
  }
  return e;
}

/**
 * FwiError('memory') when a lost WebGPU device went down for lack of memory (its loss message says
 * so, or it reported an out-of-memory error first); null for other losses (a driver reset), which
 * are worth retrying at the same batch.
 */
export function lostDeviceOutOfMemory(message: string, gpu: GpuHandle, shape: MemoryShape, batch: number): FwiError | null {
  if (!isGpuOutOfMemory(message) && gpu.outOfMemory === null) return null;
  return tooLarge('webgpu', shape, batch, backendLimits('webgpu', gpu), `the GPU device was lost running out of memory: ${gpu.outOfMemory ?? message}`, true);
}
