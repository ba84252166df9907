/**
 * The loop the CPU kernels (plain JS, WebAssembly SIMD) share: grid by grid, shot by shot, the
 * field is stepped `nt` times in chunks, the source added and the receivers recorded after every
 * step, and the caller hears the fraction done between chunks. A kernel supplies only the step
 * itself, over two framed pressure fields in one Float32Array: each row is `stride` cells wide
 * with two zero cells (or more) either side and two zero rows above and below, so the 5×5 stencil
 * reads zero pressure outside the padded grid.
 */
import type { WaveGrid } from './waveEquation.ts';

/** Called between chunks of time steps with the fraction of the batch done; may throw to cancel. */
export type ChunkHook = (fraction: number) => Promise<void>;

/** One kernel's time step over framed fields held in `heap`. */
export interface FieldStepper {
  /** Holds the two pressure fields; the loop adds the source to it and reads the receivers from it. */
  readonly heap: Float32Array;
  /** Cells per framed row (at least width + 4); the framed field is (height + 4) rows. */
  readonly stride: number;
  /** Makes `grid`'s coefficients the ones stepped with. */
  useGrid(grid: WaveGrid): void;
  /** Zeroes both time levels, for a new shot. */
  clear(): void;
  /** Steps once (p⁻ becomes p⁺, then the two swap) and returns the heap offset of the new field. */
  step(): number;
}

/** Index of padded cell `index` inside a framed field of row stride `stride`. */
function framedIndex(index: number, width: number, stride: number): number {
  const row = Math.floor(index / width);
  return (row + 2) * stride + (index - row * width) + 2;
}

/** Seismic of every grid and shot, `(grids, shots, nt, receivers)` row-major, one field at a time on `stepper`. */
export async function stepFieldByField(
  grids: readonly WaveGrid[],
  wavelet: ArrayLike<number>,
  nt: number,
  stepsPerChunk: number,
  between: ChunkHook,
  makeStepper: (height: number, width: number) => FieldStepper,
): Promise<Float32Array> {
  if (grids.length === 0) return new Float32Array(0);
  const { height, width, receiverCount } = grids[0];
  const shots = grids[0].sources.length;
  const stepper = makeStepper(height, width);
  const { heap, stride } = stepper;
  const out = new Float32Array(grids.length * shots * nt * receiverCount);
  const totalFields = grids.length * shots;
  let fieldsDone = 0;
  for (let g = 0; g < grids.length; g++) {
    const grid = grids[g];
    stepper.useGrid(grid);
    const receivers = framedIndex(grid.receiverStart, width, stride);
    for (let s = 0; s < shots; s++) {
      stepper.clear();
      const source = framedIndex(grid.sources[s].index, width, stride);
      const scale = grid.sources[s].scale;
      const trace = (g * shots + s) * nt * receiverCount;
      for (let t0 = 0; t0 < nt; t0 += stepsPerChunk) {
        const t1 = Math.min(nt, t0 + stepsPerChunk);
        for (let t = t0; t < t1; t++) {
          const field = stepper.step();
          heap[field + source] += scale * wavelet[t];
          out.set(heap.subarray(field + receivers, field + receivers + receiverCount), trace + t * receiverCount);
        }
        await between((fieldsDone + t1 / nt) / totalFields);
      }
      fieldsDone++;
    }
  }
  return out;
}
