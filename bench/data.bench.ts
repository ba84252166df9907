/**
 * Data layer benchmark: one epoch of random-order reads plus the seismic transform over a
 * FlatVel-A-sized seismic file (500 × 5 × 1000 × 70 float32, 700 MB, made here and deleted
 * after), in batches of 64 as OpenFWI trains. Prints samples per second and the peak resident
 * memory above the baseline, then the same for numpy (`np.load(mmap_mode='r')` and OpenFWI's
 * transform) when `python3` with numpy is available. The file is freshly written, so both read
 * it from the page cache.
 *
 * Then the trainer's batch check for NaN/±Infinity (data/nonFinite.ts): its time on a batch of 64
 * FlatVel-A-sized samples beside the transform's, and as a share of the cheapest training step
 * this machine runs (wasm, tiny widths: the largest share any run here would see).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { errorMessage } from '../src/engine/errors.ts';
import { NpyWriter } from '../src/engine/io/npy.ts';
import { fileSink, fileSource } from '../src/cli/nodeFiles.ts';
import { DEFAULT_MEMORY_BUDGET, openDataset } from '../src/engine/data/dataset.ts';
import { normalizeSeismic } from '../src/engine/data/transforms.ts';
import { getPreset } from '../src/engine/data/presets.ts';
import { createRng } from '../src/engine/data/random.ts';
import { batchNonFinite } from '../src/engine/data/nonFinite.ts';
import { SPEED_BATCH as STEP_BATCH, timeTiny } from './train.bench.ts';

const SHAPE = [500, 5, 1000, 70] as const;
const BATCH = 64;
const SEED = 1;
/** Cache budget and batch handling: reused batch buffers with in-place normalisation, or fresh arrays (the defaults). */
const CONFIGS = [
  { budget: 0, reuse: true },
  { budget: 64e6, reuse: true },
  { budget: DEFAULT_MEMORY_BUDGET, reuse: false },
];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function makeFile(path: string): Promise<void> {
  const rowLength = SHAPE[1] * SHAPE[2] * SHAPE[3];
  const rng = createRng(7);
  const base = new Float32Array(rowLength);
  // Amplitudes spread like FlatVel-A's: mostly small, a long tail to the limits.
  for (let i = 0; i < rowLength; i++) base[i] = (rng.next() - 0.34) * 79.7 * rng.next() ** 6;
  const w = new NpyWriter(fileSink(path), SHAPE);
  const rowsPerChunk = 10;
  for (let r = 0; r < SHAPE[0]; r += rowsPerChunk) {
    const chunk = new Float32Array(rowsPerChunk * rowLength);
    for (let k = 0; k < rowsPerChunk; k++) chunk.set(base, k * rowLength);
    chunk[0] = r; // rows differ
    await w.writeRows(chunk);
  }
  await w.close();
}

async function nodeEpoch(path: string, budget: number, reuse: boolean): Promise<{ samplesPerSecond: number; peakAboveBaselineMB: number; checksum: number }> {
  gc();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  const transform = getPreset('flatvel-a');
  const ds = await openDataset([{ seismic: fileSource(path), velocity: null }], { memoryBudgetBytes: budget });
  const start = performance.now();
  let samples = 0;
  let checksum = 0;
  for await (const batch of ds.batches({ batchSize: BATCH, seed: SEED, epoch: 0, dropLast: false, reuseBuffers: reuse })) {
    // In place when reusing: a batch is the caller's own copy, never the cache.
    const norm = normalizeSeismic(batch.seismic, transform, reuse ? batch.seismic : undefined);
    checksum += norm[norm.length >> 1];
    samples += batch.indices.length;
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  await ds.close();
  return { samplesPerSecond: samples / seconds, peakAboveBaselineMB: (peak - baseline) / 1e6, checksum };
}

const PYTHON = `
import sys, time, resource, numpy as np
import { errorMessage } from '../src/engine/errors.ts';
path, batch = sys.argv[1], int(sys.argv[2])
def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'): return int(line.split()[1]) * 1024
    return 0
k, dmin, dmax = 1.0, -26.95, 52.77
log = lambda x: np.sign(x) * np.log1p(np.abs(k * x))  # OpenFWI LogTransform
lo, hi = log(dmin), log(dmax)
base = rss(); peak = base
mm = np.load(path, mmap_mode='r')
order = np.random.default_rng(1).permutation(mm.shape[0])
t = time.perf_counter(); n = 0
for b in range(0, len(order), batch):
    idx = order[b:b + batch]
    x = mm[idx]                                  # random-order read through the memory map
    y = (log(x) - lo) / (hi - lo) * 2 - 1        # OpenFWI MinMaxNormalize to [-1, 1]
    n += len(idx); peak = max(peak, rss())
s = time.perf_counter() - t
print(n / s, (peak - base) / 1e6)
`;

function numpyEpoch(path: string): { samplesPerSecond: number; peakAboveBaselineMB: number } | string {
  try {
    const out = execFileSync('python3', ['-c', PYTHON, path, String(BATCH)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [sps, mb] = out.trim().split(/\s+/).map(Number);
    return { samplesPerSecond: sps, peakAboveBaselineMB: mb };
  } catch (e) {
    return `numpy comparison skipped (${errorMessage(e).split('\n')[0]})`;
  }
}

function medianMs(repeats: number, f: () => void): number {
  f(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** The batch check's cost: per batch of 64, beside the transform, and as a share of a training step. */
async function nonFiniteCheckCost(): Promise<void> {
  const [, shots, time, receivers] = SHAPE;
  const seismicShape = [shots, time, receivers];
  const velocityShape = [1, 70, 70];
  const rng = createRng(3);
  const seismic = Float32Array.from({ length: BATCH * shots * time * receivers }, () => (rng.next() - 0.34) * 79.7 * rng.next() ** 6);
  const velocity = Float32Array.from({ length: BATCH * 70 * 70 }, () => 1500 + 3000 * rng.next());
  const locate = (i: number) => ({ seismicFile: 'data.npy', velocityFile: 'model.npy', row: i });
  const indices = Array.from({ length: BATCH }, (_, i) => i);
  let found = 0;
  const checkMs = medianMs(15, () => {
    found += batchNonFinite({ seismic, velocity, indices }, seismicShape, velocityShape, locate).length;
  });
  const out = new Float32Array(seismic.length);
  const transformMs = medianMs(5, () => void normalizeSeismic(seismic, getPreset('flatvel-a'), out));
  const perSampleMs = checkMs / BATCH;
  console.log(
    `batch check for NaN/±Infinity (one pass over seismic + velocity, batch ${BATCH}): ${checkMs.toFixed(1)} ms per batch, ${(perSampleMs * 1000).toFixed(0)} µs per sample ` +
      `(the flatvel-a transform of the same batch: ${transformMs.toFixed(1)} ms)${found ? ` [found ${found}?]` : ''}`,
  );
  const step = await timeTiny('wasm');
  const stepPerSampleMs = ((step.criticS + step.generatorS) / 2 / STEP_BATCH) * 1000;
  console.log(
    `  share of a training step: ${((100 * perSampleMs) / stepPerSampleMs).toFixed(2)}% of the cheapest step here ` +
      `(wasm, tiny widths, batch ${STEP_BATCH}: critic ${step.criticS.toFixed(2)} s, generator ${step.generatorS.toFixed(2)} s, mean ${stepPerSampleMs.toFixed(0)} ms per sample); ` +
      'larger widths make the share smaller',
  );
}

/** Prints samples/s and peak RSS above baseline for the studio's reader and for numpy, then the batch check's cost. */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fwi-data-bench-'));
  const path = join(dir, 'data1.npy');
  try {
    const t0 = performance.now();
    await makeFile(path);
    console.log(`made ${path}: (${SHAPE.join(', ')}) float32, ${(fileSource(path).size / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`one epoch, random order, batch ${BATCH}, read + flatvel-a transform (log1p + min-max):`);
    for (const { budget, reuse } of CONFIGS) {
      // Each measurement in a fresh process, so one run's heap does not colour the next one's baseline.
      const child = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, path, String(budget), String(reuse)], { encoding: 'utf8' });
      const r = JSON.parse(child.trim().split('\n').pop()!) as Awaited<ReturnType<typeof nodeEpoch>>;
      console.log(
        `  studio (Node ${process.version}, cache ${budget / 1e6} MB, ${reuse ? 'reused batch buffers, in-place transform' : 'fresh arrays per batch'}): ${r.samplesPerSecond.toFixed(1)} samples/s, peak RSS +${r.peakAboveBaselineMB.toFixed(0)} MB above baseline`,
      );
    }
    const np = numpyEpoch(path);
    if (typeof np === 'string') console.log(`  ${np}`);
    else {
      console.log(`  numpy (np.load mmap_mode='r' + same transform): ${np.samplesPerSecond.toFixed(1)} samples/s, peak RSS +${np.peakAboveBaselineMB.toFixed(0)} MB above baseline (mapped file pages count as resident)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await nonFiniteCheckCost();
}


const CHILD_FLAG = '--epoch-child';

// `tsx bench/data.bench.ts` runs it alone; the parent runs each measured epoch as a child.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf(CHILD_FLAG);
  if (at >= 0) console.log(JSON.stringify(await nodeEpoch(process.argv[at + 1], Number(process.argv[at + 2]), process.argv[at + 3] === 'true')));
  else if (process.argv.includes('--check-only')) await nonFiniteCheckCost(); // without the 700 MB file
  else await main();
}
