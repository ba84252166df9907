/**
 * Re-attaching a dropped file the browser stopped letting the run read: the supplied data names
 * the files it cannot read now, refuses a picked file that is not the same (size, then shape and
 * dtype, or not a file of the dataset) with why, and once the same file is picked again the
 * dataset already open reads on from it, the same rows as before.
 */
import { describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { encodeNpy } from '../../../src/engine/io/npy.ts';
import { SuppliedData } from '../../../src/worker/suppliedData.ts';

const REFUSED = 'The requested file could not be read, typically due to permission problems that have occurred after a reference to a file was acquired.';

/** A File whose reads fail, as Chromium's do once the file changed on disk, after `break()`. */
class DiskFile extends File {
  private broken = false;
  break(): void {
    this.broken = true;
  }
  override slice(start?: number, end?: number, type?: string): Blob {
    if (!this.broken) return super.slice(start, end, type);
    return { arrayBuffer: () => Promise.reject(new DOMException(REFUSED, 'NotReadableError')) } as unknown as Blob;
  }
}

// Seismic samples of (shots 2, time 4, receivers 3), velocity samples of (1, 3, 3).
const seismic = Float32Array.from({ length: 4 * 24 }, (_, i) => i / 10);
const velocity = Float32Array.from({ length: 4 * 9 }, (_, i) => 1500 + i);
const npy = (shape: number[], values: Float32Array) => encodeNpy(shape, values) as Uint8Array<ArrayBuffer>;

async function supplied(): Promise<{ data: SuppliedData; disk: DiskFile }> {
  const disk = new DiskFile([npy([4, 2, 4, 3], seismic)], 'data1.npy');
  const data = new SuppliedData(() => undefined);
  await data.add([
    { path: 'set/data1.npy', file: disk },
    { path: 'set/model1.npy', file: new File([npy([4, 1, 3, 3], velocity)], 'model1.npy') },
    { path: 'set/train.txt', file: new File(['data1.npy\tmodel1.npy\n'], 'train.txt') },
  ]);
  return { data, disk };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(FwiError);
  return (e as FwiError).message;
}

describe('re-attaching a file the run cannot read', () => {
  it('names the file that cannot be read, refuses one that is not the same, and the open dataset reads on from the same file picked again', async () => {
    const { data, disk } = await supplied();
    const train = (await data.openSplit('train', { memoryMode: 'stream', memoryBudgetBytes: 1 }))!;
    const before = await train.read([1, 2]);
    expect(await data.unreadable()).toEqual([]);

    disk.break();
    expect(await data.unreadable()).toEqual([{ path: 'set/data1.npy', size: disk.size, reason: REFUSED }]);
    expect(await refusal(train.read([1, 2]))).toBe(`set/data1.npy: could not read the file (${REFUSED})`);

    const bigger = new File([npy([5, 2, 4, 3], new Float32Array(5 * 24))], 'data1.npy');
    expect(await refusal(data.reattach([{ path: 'data1.npy', file: bigger }]))).toBe(
      `set/data1.npy: was not re-attached: the file picked has ${bigger.size.toLocaleString('en-US')} bytes, the one the run reads has ${disk.size.toLocaleString('en-US')} bytes; pick the same file the run was reading`,
    );
    const reshaped = new File([npy([4, 4, 2, 3], seismic)], 'data1.npy');
    expect(reshaped.size).toBe(disk.size);
    expect(await refusal(data.reattach([{ path: 'data1.npy', file: reshaped }]))).toBe(
      'set/data1.npy: was not re-attached: the file picked holds (4, 4, 2, 3) <f4, the one the run reads holds (4, 2, 4, 3) <f4; pick the same file the run was reading',
    );
    expect(await refusal(data.reattach([{ path: 'data7.npy', file: bigger }]))).toBe(
      "data7.npy: is not one of the dataset's files (data1.npy, model1.npy, train.txt): pick the file the run could not read",
    );
    expect(await data.unreadable(), 'a refused file replaces nothing').toHaveLength(1);

    const again = new File([npy([4, 2, 4, 3], seismic)], 'data1.npy');
    expect(await data.reattach([{ path: 'data1.npy', file: again }])).toEqual(['set/data1.npy']);
    expect(await data.unreadable()).toEqual([]);
    const after = await train.read([1, 2]);
    expect(Buffer.from(after.seismic.buffer, after.seismic.byteOffset, after.seismic.byteLength).equals(Buffer.from(before.seismic.buffer, before.seismic.byteOffset, before.seismic.byteLength))).toBe(true);
    expect(after.velocity).toEqual(before.velocity);
  });

  it('a preloaded dataset whose file could not be loaded loads it from the file picked again', async () => {
    const { data, disk } = await supplied();
    const train = (await data.openSplit('train', { memoryMode: 'preload' }))!;
    disk.break();
    expect(await refusal(train.read([1, 2]))).toBe(`set/data1.npy: could not read the file (${REFUSED})`);
    await data.reattach([{ path: 'data1.npy', file: new File([npy([4, 2, 4, 3], seismic)], 'data1.npy') }]);
    const after = await train.read([1, 2]);
    expect([...after.seismic.subarray(0, 3)]).toEqual([...seismic.subarray(24, 27)]);
    expect([...after.velocity!.subarray(0, 3)]).toEqual([...velocity.subarray(9, 12)]);
  });
});
