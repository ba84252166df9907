/**
 * The time stepping of waveEquation.ts in tf.js ops, batched over every sample and shot as one
 * (fields, height, width, 1) pressure tensor: the path for WebGPU in the worker. The Laplacian is
 * one 5×5 cross-shaped conv2d whose 'same' padding supplies the zero pressure outside the grid.
 */
import * as tf from '@tensorflow/tfjs';
import { STENCIL, type WaveGrid } from './waveEquation.ts';
import type { ChunkHook } from './waveFieldLoop.ts';

function stencilFilter(): tf.Tensor4D {
  const { c0, c1, c2 } = STENCIL;
  const k = new Float32Array(25);
  k[12] = 2 * c0;
  for (const [d, w] of [[1, c1], [2, c2]] as const) {
    k[12 - d] = w;
    k[12 + d] = w;
    k[12 - 5 * d] = w;
    k[12 + 5 * d] = w;
  }
  return tf.tensor4d(k, [5, 5, 1, 1]);
}

/** Each grid's coefficients repeated once per shot: a (fields, height, width, 1) tensor. */
function perField(grids: readonly WaveGrid[], pick: (g: WaveGrid) => Float32Array, shots: number): tf.Tensor4D {
  const { height, width } = grids[0];
  const cells = height * width;
  const values = new Float32Array(grids.length * shots * cells);
  grids.forEach((g, i) => {
    for (let s = 0; s < shots; s++) values.set(pick(g), (i * shots + s) * cells);
  });
  return tf.tensor4d(values, [grids.length * shots, height, width, 1]);
}

/** Seismic of every grid and shot, `(grids, shots, nt, receivers)` row-major, stepped with tf.js ops. */
export async function stepWavesTf(
  grids: readonly WaveGrid[],
  wavelet: ArrayLike<number>,
  nt: number,
  stepsPerChunk: number,
  between: ChunkHook,
): Promise<Float32Array> {
  if (grids.length === 0) return new Float32Array(0);
  const { height, width, receiverStart, receiverCount } = grids[0];
  const shots = grids[0].sources.length;
  const fields = grids.length * shots;
  const cells = height * width;
  const receiverRow = Math.floor(receiverStart / width);
  const receiverCol = receiverStart - receiverRow * width;

  const sourceValues = new Float32Array(fields * cells);
  grids.forEach((g, i) => g.sources.forEach((s, j) => (sourceValues[(i * shots + j) * cells + s.index] = s.scale)));
  const source = tf.tensor4d(sourceValues, [fields, height, width, 1]);
  const a = perField(grids, (g) => g.a, shots);
  const b = perField(grids, (g) => g.b, shots);
  const c = perField(grids, (g) => g.c, shots);
  const filter = stencilFilter();
  let p: tf.Tensor4D = tf.zeros([fields, height, width, 1]);
  let pPrev: tf.Tensor4D = tf.zeros([fields, height, width, 1]);
  const out = new Float32Array(fields * nt * receiverCount);
  const records: tf.Tensor2D[] = [];
  try {
    for (let t0 = 0; t0 < nt; t0 += stepsPerChunk) {
      const t1 = Math.min(nt, t0 + stepsPerChunk);
      for (let t = t0; t < t1; t++) {
        const w = wavelet[t];
        const next: tf.Tensor4D = tf.tidy(() => {
          const lap = tf.conv2d(p, filter, 1, 'same');
          const stepped = tf.add(tf.sub(tf.mul(a, p), tf.mul(b, pPrev)), tf.mul(c, lap));
          return (w === 0 ? stepped : tf.add(stepped, tf.mul(source, w))) as tf.Tensor4D;
        });
        pPrev.dispose();
        pPrev = p;
        p = next;
        records.push(tf.tidy(() => tf.reshape(tf.slice(p, [0, receiverRow, receiverCol, 0], [fields, 1, receiverCount, 1]), [fields, receiverCount])));
      }
      const chunk = tf.stack(records, 1);
      const values = (await chunk.data()) as Float32Array;
      chunk.dispose();
      for (const r of records) r.dispose();
      records.length = 0;
      const len = (t1 - t0) * receiverCount;
      for (let f = 0; f < fields; f++) out.set(values.subarray(f * len, (f + 1) * len), (f * nt + t0) * receiverCount);
      await between(t1 / nt);
    }
  } finally {
    for (const r of records) r.dispose();
    tf.dispose([p, pPrev, a, b, c, source, filter]);
  }
  return out;
}
