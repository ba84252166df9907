import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { bytesSource, memorySink } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { forwardModel } from '../../../src/engine/physics/forwardModel.ts';
import { relativeL2, seismicMisfits } from '../../../src/engine/physics/physicsMisfit.ts';
import { planFiles, synthDatasetInMemory, type SynthProgress } from '../../../src/engine/data/synthDataset.ts';
import { velocityMaps } from '../../../src/engine/physics/velocityFamilies.ts';
import type { ForwardModelParams } from '../../../src/engine/physics/waveEquation.ts';
import { deflates, writeZip } from '../../../src/engine/io/zip.ts';

/** OpenFWI's geometry with a thin absorbing layer and 120 ms records, so a sample takes milliseconds. */
const SHORT: ForwardModelParams = { nbc: 20, dx: 10, nt: 120, dt: 0.001, f: 15, sourceColumns: [0, 17, 34, 52, 69], sourceRow: 1, receiverRow: 1 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('planFiles', () => {
  it('splits 1100 training and 300 validation samples into files of 500, numbered on', () => {
    expect(planFiles(1100, 300, 500)).toEqual([
      { split: 'train', seismic: 'data1.npy', velocity: 'model1.npy', samples: 500 },
      { split: 'train', seismic: 'data2.npy', velocity: 'model2.npy', samples: 500 },
      { split: 'train', seismic: 'data3.npy', velocity: 'model3.npy', samples: 100 },
      { split: 'val', seismic: 'data4.npy', velocity: 'model4.npy', samples: 300 },
    ]);
  });
});

describe('synthDataset', () => {
  const progress: SynthProgress[] = [];
  let result: Awaited<ReturnType<typeof synthDatasetInMemory>>;
  beforeAll(async () => {
    result = await synthDatasetInMemory({ family: 'fault', train: 5, val: 2, perFile: 2, seed: 9, params: SHORT, samplesPerChunk: 1, onProgress: (p) => progress.push(p) });
  });

  it('writes data/model pairs, train.txt and val.txt in the OpenFWI layout', async () => {
    const names = result.files.map((f) => f.name);
    expect(names).toEqual(['data1.npy', 'model1.npy', 'data2.npy', 'model2.npy', 'data3.npy', 'model3.npy', 'data4.npy', 'model4.npy', 'train.txt', 'val.txt']);
    const text = (name: string) => new TextDecoder().decode(result.files.find((f) => f.name === name)!.bytes);
    expect(text('train.txt')).toBe('data1.npy\tmodel1.npy\ndata2.npy\tmodel2.npy\ndata3.npy\tmodel3.npy\n');
    expect(text('val.txt')).toBe('data4.npy\tmodel4.npy\n');
    expect(result.summary.preset).toBe('flatfault-a');
  });

  it('holds the seeded maps and exactly their forward-modelled seismic, sample after sample across files', async () => {
    const open = (name: string) => openNpy(bytesSource(result.files.find((f) => f.name === name)!.bytes, name));
    let first = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const [k, rows] of [[1, 2], [2, 2], [3, 1], [4, 2]]) {
      const model = await open(`model${k}.npy`);
      const data = await open(`data${k}.npy`);
      expect(model.shape).toEqual([rows, 1, 70, 70]);
      expect(data.shape).toEqual([rows, 5, 120, 70]);
      const expectedMaps = velocityMaps('fault', 9, first, rows);
      expect(same(await model.readAll(), expectedMaps)).toBe(true);
      const seismic = await data.readAll();
      expect(same(seismic, await forwardModel(expectedMaps, { params: SHORT }))).toBe(true);
      for (const v of seismic) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      first += rows;
    }
    expect(result.summary.seismicMin).toBe(lo);
    expect(result.summary.seismicMax).toBe(hi);
    expect(result.summary.velocityMin).toBeGreaterThanOrEqual(1500);
    expect(result.summary.velocityMax).toBeLessThanOrEqual(4500);
  });

  it('reports progress rising to 7 of 7 samples', () => {
    expect(progress.every((p, i) => i === 0 || p.fraction >= progress[i - 1].fraction)).toBe(true);
    expect(progress.at(-1)).toEqual({ fraction: 1, samplesDone: 7, samplesTotal: 7 });
  });

  it("stops with a 'cancelled' FwiError when the signal is set", async () => {
    const controller = new AbortController();
    const run = synthDatasetInMemory({ family: 'flat', train: 4, params: SHORT, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'cancelled');
  });

  it('rejects sizes that are not whole numbers', async () => {
    await expect(synthDatasetInMemory({ family: 'flat', train: 0, params: SHORT })).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'usage');
    await expect(synthDatasetInMemory({ family: 'flat', train: 2, perFile: 1.5, params: SHORT })).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'usage');
  });

  it('zips to an archive that unzips to the same files, seismic stored and the rest deflated', async () => {
    const sink = memorySink();
    await writeZip(result.files, sink);
    expect(sink.closed).toBe(true);
    const unzipped = unzipSync(sink.bytes());
    expect(Object.keys(unzipped).sort()).toEqual(result.files.map((f) => f.name).sort());
    for (const f of result.files) expect(Buffer.compare(unzipped[f.name], f.bytes)).toBe(0);
    const modelBytes = result.files.filter((f) => f.name.startsWith('model')).reduce((n, f) => n + f.bytes.length, 0);
    const dataBytes = result.files.filter((f) => f.name.startsWith('data')).reduce((n, f) => n + f.bytes.length, 0);
    // Stored seismic keeps its size; the layered maps shrink to a small fraction of theirs.
    expect(sink.length).toBeGreaterThan(dataBytes);
    expect(sink.length).toBeLessThan(dataBytes + modelBytes / 4);
    expect([deflates('data12.npy'), deflates('model12.npy'), deflates('train.txt')]).toEqual([false, true, true]);
  });
});

describe('seismicMisfits', () => {
  it('relativeL2 is ‖a − b‖/‖b‖', () => {
    expect(relativeL2([1, 2], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(relativeL2([0, 0], [0, 0])).toBe(0);
  });

  it('is 0 for the true maps, small for a 1% slower map and larger for a constant map', async () => {
    const truth = velocityMaps('flat', 4, 0, 2);
    const seismic = await forwardModel(truth, { params: SHORT });
    const slower = truth.map((v) => v * 0.99);
    const constant = new Float32Array(truth.length).fill(3000);
    const [near, exact, far] = await seismicMisfits([slower, truth, constant], seismic, { params: SHORT });
    expect(exact).toEqual([0, 0]);
    for (let i = 0; i < 2; i++) {
      expect(near[i]).toBeGreaterThan(0);
      expect(far[i]).toBeGreaterThan(near[i]);
    }
  });

  it('rejects mismatched sample counts', async () => {
    await expect(seismicMisfits([new Float32Array(4900).fill(2000)], new Float32Array(10), { params: SHORT })).rejects.toSatisfy(
      (e: unknown) => e instanceof FwiError && e.code === 'dataset-mismatch',
    );
  });
});
