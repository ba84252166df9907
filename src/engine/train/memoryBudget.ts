/**
 * How much memory a training step needs, and what to tell the user when a backend cannot hold it.
 * The wasm backend is a 32-bit WebAssembly module: its heap cannot grow past 4 GiB − 64 KiB, and
 * when it must, the module aborts ("memory access out of bounds" or "Aborted()"), leaving the
 * backend unusable.
 *
 * What fills the heap per sample differs between the two steps of an iteration:
 * - generator step: the generator's blocks are recomputed in the backward pass
 *   (model/recomputedBlock.ts), so the tape holds about one copy of its block outputs, plus maps
 *   of the seismic's size (the batch itself, the first block's filter gradient);
 * - critic step: the generator runs without a tape, freeing as it goes; the critic's gradient
 *   penalty differentiates twice through its op-by-op blocks, and tf.js keeps every saved
 *   tensor and every intermediate gradient of that double backward until it ends: about 150
 *   copies of the critic's block outputs.
 * Fitted to the wasm heap and the marginal peak RSS measured here (bench/trainMemory.ts, one
 * iteration per process; tiny, small and full widths, batch 4 to 32), rounded up so as not to
 * fall short of any: full widths need about 99 MB per sample in the critic step and 54 MB in the
 * generator step (627 MB before the recomputed blocks); from batch 11 on the critic step is the
 * larger, and batch 33 is the largest that fits the wasm heap.
 */
import { errorMessage, FwiError } from '../errors.ts';
import { criticSteps } from '../model/critic.ts';
import { generatorSteps } from '../model/generator.ts';
import { weightShape, type Step } from '../model/layers.ts';
import type { CriticWidths, GeneratorWidths } from '../model/widths.ts';
import type { BackendName } from './backend.ts';

/** The wasm module's heap limit (its getHeapMax). */
export const WASM_HEAP_BYTES = 4294901760;

/** Copies of the critic's block outputs the critic step holds per sample (the double backward's tape). */
const CRITIC_STEP_CRITIC_COPIES = 150;
/** Copies of one sample's seismic (and velocity) the critic step holds. */
const CRITIC_STEP_INPUT_COPIES = 5;
/** Copies of the generator's block outputs the generator step holds per sample (recomputed blocks). */
const GENERATOR_STEP_GENERATOR_COPIES = 1;
/** Copies of one sample's seismic (and velocity) the generator step holds. */
const GENERATOR_STEP_INPUT_COPIES = 19;
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

/** Elements of all block outputs of one sample, and the parameter count, of a network table on an `h × w` input. */
function tableSize(steps: Step[], h: number, w: number): { activations: number; parameters: number } {
  let activations = 0;
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
    parameters += weightShape(step.block).reduce((a, b) => a * b, 1) + 3 * outChannels;
  }
  return { activations, parameters };
}

/** Estimated peak bytes of one training step (critic or generator, whichever is larger) at this batch size. */
export function trainingStepBytes(shape: MemoryShape, batch: number): number {
  const [, time, receivers] = shape.seismicShape;
  const [, depth, width] = shape.velocityShape;
  const g = tableSize(generatorSteps(shape.generatorWidths), time, receivers);
  const d = tableSize(criticSteps(shape.criticWidths), depth, width);
  const input = (shape.seismicShape.reduce((a, b) => a * b, 1) + shape.velocityShape.reduce((a, b) => a * b, 1)) * 4;
  const parameters = g.parameters + d.parameters;
  const critic =
    CRITIC_STEP_BYTES_PER_PARAMETER * parameters + batch * (CRITIC_STEP_CRITIC_COPIES * 4 * d.activations + CRITIC_STEP_INPUT_COPIES * input);
  const generator =
    GENERATOR_STEP_BYTES_PER_PARAMETER * parameters +
    batch * (GENERATOR_STEP_GENERATOR_COPIES * 4 * g.activations + GENERATOR_STEP_INPUT_COPIES * input);
  return Math.max(critic, generator);
}

/** The heap a backend can hold, or null where it has no fixed limit we know (cpu: the JS heap; webgpu: the adapter). */
export function backendMemoryLimit(backend: BackendName): number | null {
  return backend === 'wasm' ? WASM_HEAP_BYTES : null;
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

function tooLarge(backend: BackendName, shape: MemoryShape, batch: number, limit: number, why: string): FwiError {
  const fits = largestBatch(shape, limit);
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return new FwiError(
    'memory',
    `batch ${batch} is too large for the ${backend} backend's memory (${why}; its heap holds at most ${gib(limit)} GiB). ` +
      (fits > 0 ? `The largest batch that fits at these widths is about ${fits}: ` : 'No batch fits at these widths: ') +
      `use a smaller --batch${fits > 0 ? ` (≤ ${fits})` : ''} or narrower --widths, or --backend cpu (no such limit, slower).`,
  );
}

/** Throws FwiError('memory') before training starts when the step would not fit the backend's heap. */
export function checkBatchFits(backend: BackendName, shape: MemoryShape, batch: number): void {
  const limit = backendMemoryLimit(backend);
  if (limit === null) return;
  const need = trainingStepBytes(shape, batch);
  if (need > USABLE_SHARE * limit) {
    throw tooLarge(backend, shape, batch, limit, `a training step needs about ${(need / 2 ** 30).toFixed(1)} GiB`);
  }
}

/** Whether `e` is a wasm module running out of heap (it aborts, or traps on an out-of-bounds access). */
export function isWasmOutOfMemory(e: unknown): boolean {
  const message = errorMessage(e);
  return /memory access out of bounds|Aborted\(|Cannot enlarge memory|Out of memory|could not allocate memory/i.test(message);
}

/** `e` translated into FwiError('memory') when it is the backend running out of heap; otherwise `e` itself. */
export function translateOutOfMemory(e: unknown, backend: BackendName, shape: MemoryShape, batch: number): unknown {
  const limit = backendMemoryLimit(backend);
  if (limit === null || !isWasmOutOfMemory(e)) return e;
  return tooLarge(backend, shape, batch, limit, 'a training step ran out of heap, and the backend cannot go on in this process');
}
