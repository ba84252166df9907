/**
 * The time stepping of waveEquation.ts as a plain-JS stencil loop over Float32Arrays: the CPU
 * path where WebAssembly SIMD is missing (the tf.js CPU backend allocates a fresh array per op
 * and per step, and is some forty times slower). Proven equal to the tf.js kernel by
 * test/unit/physics.
 */
import { STENCIL, type WaveGrid } from './waveEquation.ts';
import { stepFieldByField, type ChunkHook } from './waveFieldLoop.ts';

const CENTRE = 2 * STENCIL.c0;
const C1 = STENCIL.c1;
const C2 = STENCIL.c2;

/**
 * One time step of one field: the field at `qAt` (holding p⁻) becomes p⁺ in place, since each cell
 * reads only its own p⁻; `pAt` holds p. Both are framed fields of row stride width + 4 in `heap`.
 */
function stepField(heap: Float32Array, pAt: number, qAt: number, a: Float32Array, b: Float32Array, c: Float32Array, height: number, width: number): void {
  const stride = width + 4;
  const stride2 = 2 * stride;
  const dq = qAt - pAt;
  for (let i = 0; i < height; i++) {
    let k = i * width;
    let m = pAt + (i + 2) * stride + 2;
    const rowEnd = k + width;
    for (; k < rowEnd; k++, m++) {
      const pc = heap[m];
      const lap =
        CENTRE * pc + C1 * (heap[m - 1] + heap[m + 1] + heap[m - stride] + heap[m + stride]) + C2 * (heap[m - 2] + heap[m + 2] + heap[m - stride2] + heap[m + stride2]);
      heap[m + dq] = a[k] * pc - b[k] * heap[m + dq] + c[k] * lap;
    }
  }
}

/** Seismic of every grid and shot, `(grids, shots, nt, receivers)` row-major, stepped in plain JS. */
export async function stepWavesJs(grids: readonly WaveGrid[], wavelet: ArrayLike<number>, nt: number, stepsPerChunk: number, between: ChunkHook): Promise<Float32Array> {
  return stepFieldByField(grids, wavelet, nt, stepsPerChunk, between, (height, width) => {
    const stride = width + 4;
    const field = (height + 4) * stride;
    const heap = new Float32Array(2 * field);
    let grid: WaveGrid | null = null;
    let p = 0;
    let q = field;
    return {
      heap,
      stride,
      useGrid: (g) => (grid = g),
      clear: () => heap.fill(0),
      step: () => {
        stepField(heap, p, q, grid!.a, grid!.b, grid!.c, height, width);
        [p, q] = [q, p];
        return p;
      },
    };
  });
}
