/**
 * How much memory a training step needs, and what to tell the user when a backend cannot hold it.
 * The wasm backend is a 32-bit WebAssembly module: its heap cannot grow past 4 GiB − 64 KiB, and
 * when it must, the module aborts ("memory access out of bounds" or "Aborted()"), leaving the
 * backend unusable. What fills the heap is not one large op but the gradient tape: every tensor a
 * step's forward pass makes (per block: conv, bias, centred map, its square, scaled, shifted,
 * activation; for G and for D on G's output) lives until the backward pass ends. Measured on wasm
 * (heap after one critic and one generator step): 78 MB per sample at tiny widths, 150 MB at
 * small, 627 MB at full, about 23.5 times the bytes of all block outputs of G and D.
 */
import { FwiError } from '../errors.ts';
import { criticSteps } from '../model/critic.ts';
import { generatorSteps } from '../model/generator.ts';
import { weightShape, type Step } from '../model/layers.ts';
import type { CriticWidths, GeneratorWidths } from '../model/widths.ts';
import type { BackendName } from './backend.ts';

/** The wasm module's heap limit (its getHeapMax). */
export const WASM_HEAP_BYTES = 4294901760;

/** Bytes a step holds per byte of block output (fitted to the wasm measurements above, rounded up). */
const TAPE_COPIES = 24;
/** Bytes per parameter outside the tape: weights, gradients, AdamW's two moments, the update's temporaries. */
const BYTES_PER_PARAMETER = 32;
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
  const perSample = TAPE_COPIES * 4 * (g.activations + d.activations) + input;
  return BYTES_PER_PARAMETER * (g.parameters + d.parameters) + batch * perSample;
}

/** The heap a backend can hold, or null where it has no fixed limit we know (cpu: the JS heap; webgpu: the adapter). */
export function backendMemoryLimit(backend: BackendName): number | null {
  return backend === 'wasm' ? WASM_HEAP_BYTES : null;
}

/** The largest batch whose estimated step fits `limit` bytes (0 if none). */
export function largestBatch(shape: MemoryShape, limit: number): number {
  const budget = USABLE_SHARE * limit;
  const base = trainingStepBytes(shape, 0);
  const perSample = trainingStepBytes(shape, 1) - base;
  return Math.max(0, Math.floor((budget - base) / perSample));
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
  const message = e instanceof Error ? e.message : String(e);
  return /memory access out of bounds|Aborted\(|Cannot enlarge memory|Out of memory|could not allocate memory/i.test(message);
}

/** `e` translated into FwiError('memory') when it is the backend running out of heap; otherwise `e` itself. */
export function translateOutOfMemory(e: unknown, backend: BackendName, shape: MemoryShape, batch: number): unknown {
  const limit = backendMemoryLimit(backend);
  if (limit === null || !isWasmOutOfMemory(e)) return e;
  return tooLarge(backend, shape, batch, limit, 'a training step ran out of heap, and the backend cannot go on in this process');
}
