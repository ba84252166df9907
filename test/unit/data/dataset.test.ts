import { describe, expect, it } from 'vitest';
import { blobSource, bytesSource, type ByteSource } from '../../../src/engine/io/byteSource.ts';
import { encodeNpy } from '../../../src/engine/io/npy.ts';
import { openAnnotatedDataset, openDataset, type DatasetPairSource } from '../../../src/engine/data/dataset.ts';
import { FwiError } from '../../../src/engine/errors.ts';

const SEIS = [2, 4, 3]; // shots, time, receivers
const VEL = [1, 3, 3];
const seisLen = 24;
const velLen = 9;

/** Seismic value of global sample i, element e; velocity likewise. Distinct everywhere. */
const seisValue = (i: number, e: number) => i * 1000 + e;
const velValue = (i: number, e: number) => 1500 + i * 10 + e;

function seismicFile(first: number, n: number, name: string, trailing = SEIS): ByteSource {
  const len = trailing.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n * len }, (_, k) => seisValue(first + Math.floor(k / len), k % len));
  return bytesSource(encodeNpy([n, ...trailing], data), name);
}

function velocityFile(first: number, n: number, name: string, trailing = VEL): ByteSource {
  const len = trailing.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n * len }, (_, k) => velValue(first + Math.floor(k / len), k % len));
  return bytesSource(encodeNpy([n, ...trailing], data), name);
}

/** Files of 3, 5 and 2 samples. */
function unequalPairs(): DatasetPairSource[] {
  const sizes = [3, 5, 2];
  let first = 0;
  return sizes.map((n, f) => {
    const pair = { seismic: seismicFile(first, n, `data${f + 1}.npy`), velocity: velocityFile(first, n, `model${f + 1}.npy`) };
    first += n;
    return pair;
  });
}

function expectSamples(seismic: Float32Array, velocity: Float32Array | null, indices: number[]) {
  expect(seismic.length).toBe(indices.length * seisLen);
  indices.forEach((i, k) => {
    for (const e of [0, 7, seisLen - 1]) expect(seismic[k * seisLen + e]).toBe(seisValue(i, e));
    if (velocity) for (const e of [0, 4, velLen - 1]) expect(velocity[k * velLen + e]).toBe(velValue(i, e));
  });
}

async function fwiError(p: Promise<unknown>): Promise<FwiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FwiError);
  return e as FwiError;
}

describe('dataset over files of unequal sizes', () => {
  for (const memoryMode of ['preload', 'stream'] as const) {
    it(`maps samples to (file, row) by cumulative counts (${memoryMode})`, async () => {
      const ds = await openDataset(unequalPairs(), { memoryMode });
      expect(ds.length).toBe(10);
      expect(ds.seismicShape).toEqual(SEIS);
      expect(ds.velocityShape).toEqual(VEL);
      expect(ds.hasLabels).toBe(true);
      expect(ds.memoryMode).toBe(memoryMode);
      expect(ds.files.map((f) => [f.samples, f.firstSample])).toEqual([[3, 0], [5, 3], [2, 8]]);
      const indices = [7, 0, 3, 9, 2, 8, 4, 4];
      const { seismic, velocity } = await ds.read(indices);
      expectSamples(seismic, velocity, indices);
      await expect(ds.read([10])).rejects.toThrow(/out of range: the dataset has 10 samples/);
    });

    it(`hands out fresh arrays, so changing them never changes the cache (${memoryMode})`, async () => {
      const ds = await openDataset(unequalPairs(), { memoryMode });
      const a = await ds.read([5, 6]);
      a.seismic.fill(-1);
      a.velocity!.fill(-1);
      const b = await ds.read([5, 6]);
      expectSamples(b.seismic, b.velocity, [5, 6]);
    });
  }

  it('preloads when the whole dataset fits the budget, streams otherwise', async () => {
    const sampleBytes = (seisLen + velLen) * 4;
    expect((await openDataset(unequalPairs(), { memoryBudgetBytes: 10 * sampleBytes })).memoryMode).toBe('preload');
    expect((await openDataset(unequalPairs(), { memoryBudgetBytes: 10 * sampleBytes - 1 })).memoryMode).toBe('stream');
    const ds = await openDataset(unequalPairs(), { memoryBudgetBytes: 10 * sampleBytes });
    expect(ds.sampleBytes).toBe(sampleBytes);
    await ds.read([0, 4]);
    expect(ds.cacheStats().bytes).toBe(8 * sampleBytes); // files 1 and 2, whole
  });

  it('reads dropped browser files (Blob sources, read by slice) the same way', async () => {
    const asBlob = async (src: ByteSource) => blobSource(new Blob([(await src.read(0, src.size)) as Uint8Array<ArrayBuffer>]), src.name);
    const pairs = await Promise.all(unequalPairs().map(async (p) => ({ seismic: await asBlob(p.seismic), velocity: await asBlob(p.velocity!) })));
    for (const memoryMode of ['preload', 'stream'] as const) {
      const ds = await openDataset(pairs, { memoryMode });
      const indices = [9, 3, 4, 5, 0];
      const { seismic, velocity } = await ds.read(indices);
      expectSamples(seismic, velocity, indices);
    }
  });

  it('reads seismic-only data (no velocity files)', async () => {
    const ds = await openDataset([{ seismic: seismicFile(0, 3, 'a.npy'), velocity: null }, { seismic: seismicFile(3, 2, 'b.npy'), velocity: null }]);
    expect(ds.hasLabels).toBe(false);
    expect(ds.velocityShape).toBeNull();
    const { seismic, velocity } = await ds.read([4, 1]);
    expect(velocity).toBeNull();
    expectSamples(seismic, null, [4, 1]);
  });
});

describe('dataset validation names the file and the problem', () => {
  it('seismic files that disagree in shape', async () => {
    const e = await fwiError(openDataset([{ seismic: seismicFile(0, 2, 'data1.npy'), velocity: null }, { seismic: seismicFile(2, 2, 'data2.npy', [2, 4, 4]), velocity: null }]));
    expect(e.code).toBe('dataset-mismatch');
    expect(e.message).toBe('data2.npy: seismic samples are (2, 4, 4) here but (2, 4, 3) in data1.npy; every seismic file must have the same (shots, time, receivers)');
  });

  it('seismic that is not 4-D', async () => {
    const e = await fwiError(openDataset([{ seismic: bytesSource(encodeNpy([2, 12], new Float32Array(24)), 'flat.npy'), velocity: null }]));
    expect(e.code).toBe('npy-shape');
    expect(e.message).toBe('flat.npy: seismic must be (n, shots, time, receivers), got shape (2, 12)');
  });

  it('a velocity file whose shape is not (n, 1, H, W)', async () => {
    for (const shape of [[2, 3, 3], [2, 2, 3, 3]]) {
      const e = await fwiError(openDataset([{ seismic: seismicFile(0, 2, 'data1.npy'), velocity: bytesSource(encodeNpy(shape, new Float32Array(shape.reduce((a, b) => a * b))), 'model1.npy') }]));
      expect(e.code).toBe('npy-shape');
      expect(e.message).toBe(`model1.npy: velocity must be (n, 1, H, W), got shape (${shape.join(', ')})`);
    }
  });

  it('pairs with different sample counts', async () => {
    const e = await fwiError(openDataset([{ seismic: seismicFile(0, 3, 'data1.npy'), velocity: velocityFile(0, 2, 'model1.npy') }]));
    expect(e.code).toBe('dataset-mismatch');
    expect(e.message).toBe('model1.npy: holds 2 velocity maps but its seismic file data1.npy holds 3 samples');
  });

  it('velocity maps of different sizes, and a mix of labelled and unlabelled pairs', async () => {
    const e1 = await fwiError(
      openDataset([
        { seismic: seismicFile(0, 1, 'data1.npy'), velocity: velocityFile(0, 1, 'model1.npy') },
        { seismic: seismicFile(1, 1, 'data2.npy'), velocity: velocityFile(1, 1, 'model2.npy', [1, 4, 4]) },
      ]),
    );
    expect(e1.message).toMatch(/^model2\.npy: velocity maps are \(1, 4, 4\) here but \(1, 3, 3\) in model1\.npy/);
    const e2 = await fwiError(
      openDataset([
        { seismic: seismicFile(0, 1, 'data1.npy'), velocity: velocityFile(0, 1, 'model1.npy') },
        { seismic: seismicFile(1, 1, 'data2.npy'), velocity: null },
      ]),
    );
    expect(e2.message).toMatch(/^data2\.npy: has no velocity file while 1 other pair/);
  });

  it('a broken file among good ones', async () => {
    const broken = bytesSource(new TextEncoder().encode('PK\x03\x04 this is a zip'), 'data2.npy');
    const e = await fwiError(openDataset([{ seismic: seismicFile(0, 1, 'data1.npy'), velocity: null }, { seismic: broken, velocity: null }]));
    expect(e.code).toBe('npy-magic');
    expect(e.file).toBe('data2.npy');
  });
});

describe('streaming with a cache far smaller than the data', () => {
  it('reads the right rows of a file 50× the budget and never holds more than the budget', async () => {
    const n = 400;
    const shape = [1, 16, 16];
    const len = 256;
    const data = Float32Array.from({ length: n * len }, (_, k) => Math.floor(k / len) + (k % len) / 1000);
    const src = bytesSource(encodeNpy([n, ...shape], data), 'big.npy');
    const sampleBytes = len * 4;
    const budget = 8 * sampleBytes; // file: 400 samples, 50x the budget
    const ds = await openDataset([{ seismic: src, velocity: null }], { memoryBudgetBytes: budget });
    expect(ds.memoryMode).toBe('stream');
    let maxBytes = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      for await (const batch of ds.batches({ batchSize: 16, epoch, seed: 5 })) {
        batch.indices.forEach((i, k) => {
          expect(batch.seismic[k * len]).toBe(i);
          expect(batch.seismic[k * len + 255]).toBeCloseTo(i + 0.255, 4);
        });
        maxBytes = Math.max(maxBytes, ds.cacheStats().bytes);
      }
    }
    const stats = ds.cacheStats();
    expect(maxBytes).toBeLessThanOrEqual(budget);
    expect(stats.samples).toBeLessThanOrEqual(8);
    expect(stats.misses + stats.hits).toBe(800);
    expect(stats.bytesRead).toBe(stats.misses * sampleBytes);
  });

  it('serves repeated reads from the cache and reads adjacent rows in one request', async () => {
    const src = seismicFile(0, 20, 'data1.npy');
    const calls: [number, number][] = [];
    const counting: ByteSource = { name: src.name, size: src.size, read: (o, l) => (calls.push([o, l]), src.read(o, l)) };
    const ds = await openDataset([{ seismic: counting, velocity: null }], { memoryMode: 'stream' });
    calls.length = 0;
    await ds.read([4, 5, 6, 7, 12]);
    expect(calls.map(([, l]) => l / (seisLen * 4))).toEqual([4, 1]);
    calls.length = 0;
    const { seismic } = await ds.read([12, 5]);
    expect(calls).toEqual([]);
    expectSamples(seismic, null, [12, 5]);
    expect(ds.cacheStats().hits).toBe(2);
  });
});

describe('epoch batches', () => {
  it('shuffles by (seed, epoch), drops or keeps the last partial batch, and covers every sample once', async () => {
    const ds = await openDataset(unequalPairs());
    const epoch = async (opts: Parameters<typeof ds.batches>[0]) => {
      const out: number[][] = [];
      for await (const b of ds.batches(opts)) {
        expectSamples(b.seismic, b.velocity, b.indices);
        expect(b.batchCount).toBe(ds.batchCount(opts));
        out.push(b.indices);
      }
      return out;
    };
    const dropped = await epoch({ batchSize: 4, epoch: 0, seed: 1 });
    expect(dropped.map((b) => b.length)).toEqual([4, 4]);
    const kept = await epoch({ batchSize: 4, epoch: 0, seed: 1, dropLast: false });
    expect(kept.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(kept.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(kept.slice(0, 2)).toEqual(dropped);
    expect(await epoch({ batchSize: 4, epoch: 0, seed: 1, dropLast: false })).toEqual(kept);
    expect((await epoch({ batchSize: 4, epoch: 1, seed: 1, dropLast: false })).flat()).not.toEqual(kept.flat());
    expect((await epoch({ batchSize: 3, shuffle: false, dropLast: false })).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await epoch({ batchSize: 4, epoch: 0, seed: 1, dropLast: false, startBatch: 1 })).toEqual(kept.slice(1));
    expect(() => ds.batchCount({ batchSize: 0 })).toThrow(/positive integer/);
  });

  it('leaves excluded samples out of the epoch order and keeps the batches full', async () => {
    const ds = await openDataset(unequalPairs());
    const exclude = new Set([2, 7]);
    const all: number[][] = [];
    for await (const b of ds.batches({ batchSize: 3, epoch: 1, seed: 5 })) all.push(b.indices);
    const rest: number[][] = [];
    for await (const b of ds.batches({ batchSize: 3, epoch: 1, seed: 5, exclude })) {
      expectSamples(b.seismic, b.velocity, b.indices);
      expect(b.batchCount).toBe(2);
      rest.push(b.indices);
    }
    // The same permutation with 2 and 7 taken out, cut into full batches of 3 (8 samples: 2 batches).
    const order = [...all.flat(), ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((i) => !all.flat().includes(i))];
    expect(rest.flat()).toEqual(order.filter((i) => !exclude.has(i)).slice(0, 6));
    expect(ds.batchCount({ batchSize: 3, exclude })).toBe(2);
    expect(ds.batchCount({ batchSize: 3, dropLast: false, exclude: new Set([0, 1, 2, 3, 99]) })).toBe(2);
  });

  it('locates a dataset sample in its file pair', async () => {
    const ds = await openDataset(unequalPairs());
    expect([0, 2, 3, 7, 8, 9].map((i) => `${ds.locate(i).file.seismic.name}:${ds.locate(i).row}`)).toEqual(['data1.npy:0', 'data1.npy:2', 'data2.npy:0', 'data2.npy:4', 'data3.npy:0', 'data3.npy:1']);
    expect(() => ds.locate(10)).toThrow(/out of range/);
  });

  it('with reuseBuffers, alternates between two batch buffers and still delivers the right samples', async () => {
    const ds = await openDataset(unequalPairs(), { memoryMode: 'stream', memoryBudgetBytes: 0 });
    const buffers = new Set<ArrayBuffer>();
    const seen: number[] = [];
    for await (const b of ds.batches({ batchSize: 3, seed: 2, dropLast: false, reuseBuffers: true })) {
      expectSamples(b.seismic, b.velocity, b.indices);
      expect(b.seismic.length).toBe(b.indices.length * seisLen);
      buffers.add(b.seismic.buffer as ArrayBuffer);
      seen.push(...b.indices);
    }
    expect(buffers.size).toBe(2);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('starts reading the next batch before the caller asks for it', async () => {
    const src = seismicFile(0, 12, 'data1.npy');
    let reads = 0;
    const counting: ByteSource = { name: src.name, size: src.size, read: (o, l) => (reads++, src.read(o, l)) };
    const ds = await openDataset([{ seismic: counting, velocity: null }], { memoryMode: 'stream' });
    const it = ds.batches({ batchSize: 4, shuffle: false });
    reads = 0;
    const first = await it.next();
    expect(first.value!.indices).toEqual([0, 1, 2, 3]);
    expect(reads).toBe(2); // batch 0, and batch 1 already on its way
    await it.next();
    expect(reads).toBe(3);
    await it.return(undefined);
  });
});

describe('value-range scan', () => {
  it('finds seismic and velocity limits in one streaming pass, naming NaN and infinity by file, sample and position', async () => {
    const pairs = unequalPairs();
    const ds = await openDataset(pairs, { memoryMode: 'stream' });
    const progress: number[] = [];
    const r = await ds.scanRanges((done) => progress.push(done));
    expect(r).toEqual({ dataMin: 0, dataMax: seisValue(9, seisLen - 1), labelMin: 1500, labelMax: velValue(9, velLen - 1), samples: 10, nonFinite: [] });
    expect(progress[progress.length - 1]).toBe(10);

    const odd = Float32Array.from([1, NaN, -3, Infinity, 2, 0]);
    const ds2 = await openDataset([{ seismic: bytesSource(encodeNpy([1, 1, 2, 3], odd), 'odd.npy'), velocity: null }]);
    expect(await ds2.scanRanges()).toEqual({
      dataMin: -3,
      dataMax: 2,
      labelMin: null,
      labelMax: null,
      samples: 1,
      nonFinite: [
        {
          file: 'odd.npy',
          kind: 'seismic',
          axes: ['shot', 'time', 'receiver'],
          count: 2,
          nan: 1,
          posInf: 1,
          negInf: 0,
          samples: [0],
          first: [
            { sample: 0, position: [0, 0, 1], value: 'NaN' },
            { sample: 0, position: [0, 1, 0], value: 'Infinity' },
          ],
        },
      ],
    });
    expect(ds2.cacheStats().bytes).toBe(24); // a preload-mode scan is the preload
  });
});

describe('dataset from an annotation list', () => {
  it('resolves OpenFWI cluster paths against supplied files and opens the pairs', async () => {
    const files = [
      { path: 'flatvel-a/data/data1.npy', file: seismicFile(0, 3, 'x') },
      { path: 'flatvel-a/model/model1.npy', file: velocityFile(0, 3, 'x') },
      { path: 'flatvel-a/data/data2.npy', file: seismicFile(3, 5, 'x') },
      { path: 'flatvel-a/model/model2.npy', file: velocityFile(3, 5, 'x') },
    ];
    const text = '/global/cfs/openfwi/flatvel-a/data/data2.npy\t/global/cfs/openfwi/flatvel-a/model/model2.npy\r\n/global/cfs/openfwi/flatvel-a/data/data1.npy\t/global/cfs/openfwi/flatvel-a/model/model1.npy';
    const ds = await openAnnotatedDataset({
      text,
      listName: 'flatvel_a_train.txt',
      files,
      source: (src, path) => ({ ...src, name: path, read: src.read }),
    });
    expect(ds.length).toBe(8);
    expect(ds.pairs.map((p) => p.seismic.path)).toEqual(['flatvel-a/data/data2.npy', 'flatvel-a/data/data1.npy']);
    expect(ds.files[0].seismic.name).toBe('flatvel-a/data/data2.npy');
    const { seismic } = await ds.read([0, 5]);
    expect(seismic[0]).toBe(seisValue(3, 0)); // sample 0 is data2's first row
    expect(seismic[seisLen]).toBe(seisValue(0, 0)); // sample 5 is data1's first row
  });
});
