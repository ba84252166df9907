import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../../src/engine/io/npy.ts';
import { buildDataState, checkValues, filesToCheck } from '../../../src/worker/dataReport.ts';

// Seismic samples of (shots 2, time 4, receivers 3), velocity samples of (1, 3, 3): the report's
// value check needs no real sizes.
function blob(shape: number[], values: Float32Array): Blob {
  return new Blob([encodeNpy(shape, values) as Uint8Array<ArrayBuffer>]);
}

describe("the data report's value check", () => {
  it('names a NaN and an Inf planted in a seismic file and in a velocity file by sample and position, and checks only training and validation files', async () => {
    const seismic = new Float32Array(3 * 24).fill(0.5);
    seismic[((2 * 2 + 1) * 4 + 3) * 3 + 1] = NaN; // [2, 1, 3, 1]
    seismic[((0 * 2 + 0) * 4 + 1) * 3 + 2] = Infinity; // [0, 0, 1, 2]
    const velocity = new Float32Array(3 * 9).fill(3000);
    velocity[1 * 9 + 2 * 3 + 0] = NaN; // [1, 0, 2, 0]
    velocity[2 * 9 + 0 * 3 + 1] = -Infinity; // [2, 0, 0, 1]
    const supplied = [
      { path: 'set/data1.npy', file: blob([3, 2, 4, 3], seismic) },
      { path: 'set/model1.npy', file: blob([3, 1, 3, 3], velocity) },
      { path: 'set/data2.npy', file: blob([1, 2, 4, 3], new Float32Array(24)) },
      { path: 'set/model2.npy', file: blob([1, 1, 3, 3], new Float32Array(9).fill(2000)) },
      { path: 'set/data9.npy', file: blob([1, 2, 4, 3], new Float32Array(24).fill(NaN)) },
      { path: 'set/train.txt', file: new Blob(['data1.npy\tmodel1.npy\n']) },
      { path: 'set/val.txt', file: new Blob(['data2.npy\tmodel2.npy\n']) },
      { path: 'set/infer.txt', file: new Blob(['data9.npy\n']) },
    ];
    const state = await buildDataState(supplied, new Map());
    const files = filesToCheck(state);
    expect([...files].map(([p, f]) => [p, f.kind, [...f.roles].join()])).toEqual([
      ['set/data1.npy', 'seismic', 'train'],
      ['set/model1.npy', 'velocity', 'train'],
      ['set/data2.npy', 'seismic', 'validation'],
      ['set/model2.npy', 'velocity', 'validation'],
    ]);
    const reports = await Promise.all([...files].map(([p, f]) => checkValues(f.file, p, f.kind)));
    expect(reports[0]).toEqual({
      file: 'set/data1.npy',
      kind: 'seismic',
      axes: ['shot', 'time', 'receiver'],
      count: 2,
      nan: 1,
      posInf: 1,
      negInf: 0,
      samples: [0, 2],
      first: [
        { sample: 0, position: [0, 1, 2], value: 'Infinity' },
        { sample: 2, position: [1, 3, 1], value: 'NaN' },
      ],
    });
    expect(reports[1]).toEqual({
      file: 'set/model1.npy',
      kind: 'velocity',
      axes: ['depth', 'offset'],
      count: 2,
      nan: 1,
      posInf: 0,
      negInf: 1,
      samples: [1, 2],
      first: [
        { sample: 1, position: [2, 0], value: 'NaN' },
        { sample: 2, position: [0, 1], value: '-Infinity' },
      ],
    });
    expect(reports.slice(2).map((r) => r.count)).toEqual([0, 0]);
    // Kept per file: asking again reads nothing and gives the same report.
    expect(checkValues(supplied[0].file, 'set/data1.npy', 'seismic')).toBe(checkValues(supplied[0].file, 'set/data1.npy', 'seismic'));
  });
});
