/**
 * The time stepping of waveEquation.ts as a plain-JS stencil loop over Float32Arrays: the CPU
 * path where WebAssembly SIMD is missing (the tf.js CPU backend allocates a fresh array per op
 * and per step, and is some forty times slower). Proven equal to the tf.js kernel by
 * test/unit/physics.
 */
import { STENCIL, type WaveGrid } from './waveEquation.ts';

/** Called between chunks of time steps with the fraction of the batch done; may throw to cancel. */
export type ChunkHook = (fraction: number) => Promise<void>;

const CENTRE = 2 * STENCIL.c0;
const C1 = STENCIL.c1;
const C2 = STENCIL.c2;

/** One time step of one field: q (holding p⁻) becomes p⁺ in place, since each cell reads only its own p⁻. */
function stepField(p: Float32Array, q: Float32Array, a: Float32Array, b: Float32Array, c: Float32Array, height: number, width: number): void {
  const stride = width + 4;
  const stride2 = 2 * stride;
  for (let i = 0; i < height; i++) {
    let k = i * width;
    let m = (i + 2) * stride + 2;
    const rowEnd = k + width;
    for (; k < rowEnd; k++, m++) {
      const pc = p[m];
      const lap =
        CENTRE * pc + C1 * (p[m - 1] + p[m + 1] + p[m - stride] + p[m + stride]) + C2 * (p[m - 2] + p[m + 2] + p[m - stride2] + p[m + stride2]);
      q[m] = a[k] * pc - b[k] * q[m] + c[k] * lap;
    }
  }
}

/**
 * Seismic of every grid and shot, `(grids, shots, nt, receivers)` row-major: each shot's wavefield
 * stepped `nt` times, two buffers of one field at a time, framed by two zero cells so the stencil
 * reads zero pressure outside the padded grid.
 */
export async function stepWavesJs(
  grids: readonly WaveGrid[],
  wavelet: ArrayLike<number>,
  nt: number,
  stepsPerChunk: number,
  between: ChunkHook,
): Promise<Float32Array> {
  if (grids.length === 0) return new Float32Array(0);
  const { height, width, receiverCount } = grids[0];
  const shots = grids[0].sources.length;
  const out = new Float32Array(grids.length * shots * nt * receiverCount);
  const stride = width + 4;
  const field = (height + 4) * stride;
  let p = new Float32Array(field);
  let q = new Float32Array(field);
  const totalFields = grids.length * shots;
  let fieldsDone = 0;
  for (let g = 0; g < grids.length; g++) {
    const { a, b, c, sources, receiverStart } = grids[g];
    const receiverRow = Math.floor(receiverStart / width);
    const receiverFramed = (receiverRow + 2) * stride + (receiverStart - receiverRow * width) + 2;
    for (let s = 0; s < shots; s++) {
      p.fill(0);
      q.fill(0);
      const src = sources[s];
      const srcRow = Math.floor(src.index / width);
      const srcFramed = (srcRow + 2) * stride + (src.index - srcRow * width) + 2;
      const trace = ((g * shots + s) * nt) * receiverCount;
      for (let t0 = 0; t0 < nt; t0 += stepsPerChunk) {
        const t1 = Math.min(nt, t0 + stepsPerChunk);
        for (let t = t0; t < t1; t++) {
          stepField(p, q, a, b, c, height, width);
          q[srcFramed] += src.scale * wavelet[t];
          out.set(q.subarray(receiverFramed, receiverFramed + receiverCount), trace + t * receiverCount);
          const swap = p;
          p = q;
          q = swap;
        }
        await between((fieldsDone + t1 / nt) / totalFields);
      }
      fieldsDone++;
    }
  }
  return out;
}
