import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { STABILITY_LIMIT, checkVelocity, forwardModel, resolveKernel } from '../../../src/engine/physics/forwardModel.ts';
import { OPENFWI_FORWARD, type ForwardModelParams } from '../../../src/engine/physics/waveEquation.ts';

const FIXTURE = new URL('../../fixtures/forward-model/', import.meta.url);

async function readFixture(name: string): Promise<{ shape: readonly number[]; data: Float32Array }> {
  const npy = await openNpy(bytesSource(new Uint8Array(readFileSync(new URL(name, FIXTURE))), name));
  return { shape: npy.shape, data: await npy.readAll() };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Index of the largest value of receiver `r` in shot `s` of one sample `(shots, nt, nx)`. */
function peakSample(seismic: Float32Array, s: number, r: number, nt: number, nx: number): number {
  let best = 0;
  for (let t = 1; t < nt; t++) if (seismic[(s * nt + t) * nx + r] > seismic[(s * nt + best) * nx + r]) best = t;
  return best;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('forward model on the reference fixture', () => {
  it('reproduces both fixture samples within the manifest tolerance (1e-3 of the peak)', async () => {
    const velocity = await readFixture('velocity.npy');
    const expected = await readFixture('seismic.npy');
    expect(velocity.shape).toEqual([2, 1, 70, 70]);
    const fractions: number[] = [];
    const seismic = await forwardModel(velocity.data, { onProgress: (f) => fractions.push(f) });
    expect(seismic.length).toBe(expected.data.length);
    const peak = maxAbs(expected.data);
    expect(maxAbsDiff(seismic, expected.data)).toBeLessThanOrEqual(1e-3 * peak);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  });
});

describe('travel times in a constant 3000 m/s model', () => {
  const v = 3000;
  let seismic: Float32Array;
  beforeAll(async () => {
    seismic = await forwardModel(new Float32Array(70 * 70).fill(v));
  });

  it('peaks at sample 279 ±1 at column 60 for the source at column 0', () => {
    expect(Math.abs(peakSample(seismic, 0, 60, 1000, 70) - 279)).toBeLessThanOrEqual(1);
  });

  it('peaks at 73 ms delay + offset/v + 6 ms phase lag, ±1 sample, for every shot and offset ≥ 200 m', () => {
    let checked = 0;
    OPENFWI_FORWARD.sourceColumns.forEach((col, s) => {
      for (let r = 0; r < 70; r++) {
        const offset = Math.abs(r - col) * OPENFWI_FORWARD.dx;
        if (offset < 200) continue;
        const expected = 73 + (offset / v) * 1000 + 6;
        expect(Math.abs(peakSample(seismic, s, r, 1000, 70) - expected), `shot ${s}, receiver ${r}`).toBeLessThanOrEqual(1);
        checked++;
      }
    });
    expect(checked).toBe(197);
  });
});

/**
 * A small acquisition so the tf.js kernel runs in a moment on the CPU backend; 13 columns make a
 * padded width of 33, not a multiple of four, which the SIMD kernel must pad correctly.
 */
const SMALL: ForwardModelParams = { nbc: 10, dx: 10, nt: 160, dt: 0.001, f: 15, sourceColumns: [0, 7, 12], sourceRow: 1, receiverRow: 2 };
const SMALL_GRID = { params: SMALL, nz: 12, nx: 13 };

function smallMaps(n: number): Float32Array {
  const v = new Float32Array(n * 12 * 13);
  for (let i = 0; i < v.length; i++) v[i] = 1500 + ((i * 7919) % 3001);
  return v;
}

describe('the three kernels agree', () => {
  it('tf.js ops and WebAssembly SIMD match plain JS to 1e-5 of the peak (12×13 grid, 3 shots, 160 steps, 2 samples)', async () => {
    const velocity = smallMaps(2);
    const js = await forwardModel(velocity, { ...SMALL_GRID, kernel: 'js' });
    const simd = await forwardModel(velocity, { ...SMALL_GRID, kernel: 'simd', stepsPerChunk: 37 });
    const before = tf.memory().numTensors;
    const tfjs = await forwardModel(velocity, { ...SMALL_GRID, kernel: 'tfjs', samplesPerBatch: 2, stepsPerChunk: 37 });
    expect(tf.memory().numTensors).toBe(before);
    expect(js.length).toBe(2 * 3 * 160 * 13);
    const peak = maxAbs(js);
    expect(peak).toBeGreaterThan(1);
    expect(maxAbsDiff(tfjs, js)).toBeLessThanOrEqual(1e-5 * peak);
    expect(maxAbsDiff(simd, js)).toBeLessThanOrEqual(1e-5 * peak);
  });

  it('SIMD matches plain JS on a full-size 70×70 map over 300 steps (padded width 310)', async () => {
    const map = new Float32Array(70 * 70);
    for (let i = 0; i < map.length; i++) map[i] = 1800 + 20 * Math.floor(i / 70) + (i % 70);
    const params = { ...OPENFWI_FORWARD, nt: 300 };
    const js = await forwardModel(map, { params, kernel: 'js' });
    const simd = await forwardModel(map, { params, kernel: 'simd' });
    expect(maxAbsDiff(simd, js)).toBeLessThanOrEqual(1e-5 * maxAbs(js));
  });

  it("'auto' steps with WebAssembly SIMD on the cpu backend", () => {
    expect(resolveKernel('auto')).toBe('simd');
    expect(resolveKernel('tfjs')).toBe('tfjs');
  });
});

describe('cancellation', () => {
  for (const kernel of ['js', 'simd', 'tfjs'] as const) {
    it(`${kernel}: stops with a 'cancelled' FwiError at the next chunk and leaks no tensor`, async () => {
      const controller = new AbortController();
      const before = tf.memory().numTensors;
      let reports = 0;
      const run = forwardModel(smallMaps(1), {
        ...SMALL_GRID,
        kernel,
        stepsPerChunk: 10,
        onProgress: () => {
          reports++;
          controller.abort();
        },
        signal: controller.signal,
      });
      await expect(run).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'cancelled');
      expect(reports).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('cancellation from outside', () => {
  it('a timer firing mid-run stops a full-size sample: the run yields to the event loop between chunks', async () => {
    const controller = new AbortController();
    let progressAtCancel = -1;
    let last = 0;
    setTimeout(() => {
      progressAtCancel = last;
      controller.abort();
    }, 100);
    const run = forwardModel(new Float32Array(70 * 70).fill(2500), { signal: controller.signal, onProgress: (f) => (last = f) });
    await expect(run).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'cancelled');
    expect(progressAtCancel).toBeLessThan(1);
    expect(last).toBeLessThan(1);
  });
});

describe('velocity checks', () => {
  it('the stability limit is sqrt(3/8) for the 4th-order Laplacian', () => {
    expect(STABILITY_LIMIT).toBeCloseTo(Math.sqrt(3 / 8), 12);
  });

  it('rejects non-positive, non-finite and unstable velocities, accepts 6000 m/s', () => {
    const code = (v: number) => {
      try {
        checkVelocity([2000, v]);
        return 'ok';
      } catch (e) {
        return (e as FwiError).code;
      }
    };
    expect(code(0)).toBe('velocity');
    expect(code(Number.NaN)).toBe('velocity');
    expect(code(6200)).toBe('velocity');
    expect(code(6000)).toBe('ok');
  });

  it('rejects a velocity array that is not whole maps', async () => {
    await expect(forwardModel(new Float32Array(70 * 70 + 1).fill(2000))).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'npy-shape');
  });
});
