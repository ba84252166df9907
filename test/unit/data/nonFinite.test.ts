import { describe, expect, it } from 'vitest';
import { arrayKind, batchNonFinite, describeReport, describeSample, NonFiniteScan, sampleListText } from '../../../src/engine/data/nonFinite.ts';

// Seismic samples of (shots 2, time 4, receivers 3) = 24 values; velocity samples of (1, 3, 3) = 9.
const SEIS_ROW = [2, 4, 3];
const VEL_ROW = [1, 3, 3];

/** Flat index of seismic[sample, shot, time, receiver] in a (n, 2, 4, 3) array, as numpy's C order. */
const seisAt = (n: number, s: number, t: number, r: number) => ((n * 2 + s) * 4 + t) * 3 + r;
const velAt = (n: number, z: number, x: number) => n * 9 + z * 3 + x;

function planted(): { seismic: Float32Array; velocity: Float32Array } {
  const seismic = new Float32Array(5 * 24).fill(1);
  const velocity = new Float32Array(5 * 9).fill(2000);
  seismic[seisAt(1, 1, 2, 0)] = NaN;
  seismic[seisAt(3, 0, 3, 2)] = Infinity;
  seismic[seisAt(3, 1, 0, 1)] = -Infinity;
  velocity[velAt(4, 2, 1)] = NaN;
  velocity[velAt(0, 0, 2)] = Infinity;
  return { seismic, velocity };
}

describe('non-finite scan of a file', () => {
  it('names every NaN and infinity by sample and (shot, time, receiver), with counts per kind', () => {
    const scan = new NonFiniteScan('data/seis.npy', SEIS_ROW, 'seismic');
    scan.add(planted().seismic, 0);
    expect(scan.report()).toEqual({
      file: 'data/seis.npy',
      kind: 'seismic',
      axes: ['shot', 'time', 'receiver'],
      count: 3,
      nan: 1,
      posInf: 1,
      negInf: 1,
      samples: [1, 3],
      first: [
        { sample: 1, position: [1, 2, 0], value: 'NaN' },
        { sample: 3, position: [0, 3, 2], value: 'Infinity' },
        { sample: 3, position: [1, 0, 1], value: '-Infinity' },
      ],
    });
  });

  it('names velocity values by sample and (depth, offset), and gives the same report fed in chunks', () => {
    const whole = new NonFiniteScan('model/vel.npy', VEL_ROW, 'velocity');
    const { velocity } = planted();
    whole.add(velocity, 0);
    const chunked = new NonFiniteScan('model/vel.npy', VEL_ROW, 'velocity');
    chunked.add(velocity.subarray(0, 2 * 9), 0);
    chunked.add(velocity.subarray(2 * 9, 4 * 9), 2);
    chunked.add(velocity.subarray(4 * 9), 4);
    const expected = {
      file: 'model/vel.npy',
      kind: 'velocity',
      axes: ['depth', 'offset'],
      count: 2,
      nan: 1,
      posInf: 1,
      negInf: 0,
      samples: [0, 4],
      first: [
        { sample: 0, position: [0, 2], value: 'Infinity' },
        { sample: 4, position: [2, 1], value: 'NaN' },
      ],
    };
    expect(whole.report()).toEqual(expected);
    expect(chunked.report()).toEqual(expected);
  });

  it('shows the first five in full and summarises the rest', () => {
    const scan = new NonFiniteScan('s.npy', SEIS_ROW, 'seismic');
    const values = new Float32Array(40 * 24);
    for (let n = 0; n < 40; n += 3) values[seisAt(n, 1, 3, 1)] = NaN; // samples 0, 3, …, 39
    scan.add(values, 0);
    const r = scan.report();
    expect(r.count).toBe(14);
    expect(r.first).toHaveLength(5);
    expect(describeReport(r)).toEqual([
      's.npy: 14 non-finite values (14 NaN) in 14 samples: 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, … (14 samples)',
      '  sample 0, shot 1, time 3, receiver 1: NaN',
      '  sample 3, shot 1, time 3, receiver 1: NaN',
      '  sample 6, shot 1, time 3, receiver 1: NaN',
      '  sample 9, shot 1, time 3, receiver 1: NaN',
      '  sample 12, shot 1, time 3, receiver 1: NaN',
      '  … and 9 more',
    ]);
  });

  it('writes runs of samples as ranges', () => {
    expect(sampleListText([0, 1, 2, 5, 7, 8])).toBe('0–2, 5, 7–8');
    expect(sampleListText([1, 3, 5, 7], 2)).toBe('1, 3, … (4 samples)');
  });

  it('tells seismic from velocity by shape', () => {
    expect([arrayKind([3, 5, 1000, 70]), arrayKind([3, 1, 70, 70]), arrayKind([3, 70])]).toEqual(['seismic', 'velocity', 'array']);
  });
});

describe('batch check', () => {
  const locate = (index: number) => ({ seismicFile: `data${index >> 2}.npy`, velocityFile: `model${index >> 2}.npy`, row: index % 4 });

  it('returns each sample holding a non-finite value with its dataset index, file, row and first position', () => {
    const { seismic, velocity } = planted();
    // Batch slots 0..4 hold dataset samples 9, 4, 13, 6, 2 (files of 4 samples each).
    const hits = batchNonFinite({ seismic, velocity, indices: [9, 4, 13, 6, 2] }, SEIS_ROW, VEL_ROW, locate);
    expect(hits).toEqual([
      { index: 9, file: 'model2.npy', row: 1, kind: 'velocity', axes: ['depth', 'offset'], position: [0, 2], value: 'Infinity', count: 1 },
      { index: 4, file: 'data1.npy', row: 0, kind: 'seismic', axes: ['shot', 'time', 'receiver'], position: [1, 2, 0], value: 'NaN', count: 1 },
      { index: 6, file: 'data1.npy', row: 2, kind: 'seismic', axes: ['shot', 'time', 'receiver'], position: [0, 3, 2], value: 'Infinity', count: 2 },
      { index: 2, file: 'model0.npy', row: 2, kind: 'velocity', axes: ['depth', 'offset'], position: [2, 1], value: 'NaN', count: 1 },
    ]);
    expect(describeSample(hits[2])).toBe('data1.npy sample 2 (shot 0, time 3, receiver 2) is Infinity (2 non-finite values in this sample)');
  });

  it('is empty for finite data and looks only at the batch’s own samples', () => {
    const seismic = new Float32Array(3 * 24).fill(-5.5);
    const velocity = new Float32Array(3 * 9).fill(4500);
    seismic[2 * 24 + 7] = NaN; // a stale value past the 2-sample batch, as in a reused buffer
    expect(batchNonFinite({ seismic, velocity, indices: [0, 1] }, SEIS_ROW, VEL_ROW, locate)).toEqual([]);
  });
});
