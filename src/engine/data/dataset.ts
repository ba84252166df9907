/**
 * An OpenFWI dataset over any number of (seismic, velocity) `.npy` file pairs, read on demand:
 * sample `i` maps to (file, row) by cumulative counts, so files may hold different numbers of
 * samples. Small datasets are preloaded whole; larger ones are streamed through an LRU cache
 * bounded by a byte budget, and the next batch is read while the current one is in use. Samples
 * come out raw (un-normalised) and always as fresh arrays, so no caller can change the cache.
 */
import { FwiError } from '../errors.ts';
import type { ByteSource } from '../io/byteSource.ts';
import { openNpy, type NpyFile } from '../io/npy.ts';
import { readAnnotation, type ResolvedPair, type SuppliedFile } from '../io/annotation.ts';
import { NonFiniteScan, type NonFiniteReport } from './nonFinite.ts';
import type { ValueRanges } from './presets.ts';
import { epochPermutation } from './random.ts';

/** Default cache budget: 256 MB (decimal, as file sizes are quoted) of float32 samples. */
export const DEFAULT_MEMORY_BUDGET = 256e6;
/** Rows fetched per read while scanning, so a scan holds at most this much at once. */
const SCAN_CHUNK_BYTES = 32e6;

/** One line of the dataset: a seismic file and its velocity file (null for seismic-only data). */
export interface DatasetPairSource {
  readonly seismic: ByteSource;
  readonly velocity: ByteSource | null;
  /** Where the pair came from (e.g. the annotation line), for error messages. */
  readonly label?: string;
}

export interface DatasetOptions {
  /** Bytes of float32 samples the dataset may keep in memory. */
  memoryBudgetBytes?: number;
  /** Forces a mode; by default `preload` when everything fits the budget, else `stream`. */
  memoryMode?: MemoryMode;
}

export type MemoryMode = 'preload' | 'stream';

/** Preload when the whole dataset (as float32) fits the cache budget, else stream rows per batch. */
export function memoryModeFor(float32Bytes: number, budget = DEFAULT_MEMORY_BUDGET): MemoryMode {
  return float32Bytes <= budget ? 'preload' : 'stream';
}

/** What the dataset learnt about one file pair when it opened. */
export interface DatasetFileInfo {
  readonly seismic: NpyFile;
  readonly velocity: NpyFile | null;
  readonly samples: number;
  /** Index of this pair's first sample in the dataset. */
  readonly firstSample: number;
  readonly label?: string;
}

/** Raw samples in index order, NCHW: seismic (n, shots, time, receivers), velocity (n, 1, H, W). */
export interface DatasetSamples {
  seismic: Float32Array;
  velocity: Float32Array | null;
}

/** One batch of an epoch, with the dataset indices it holds. */
export interface DatasetBatch extends DatasetSamples {
  readonly indices: number[];
  readonly batchIndex: number;
  readonly batchCount: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Epoch number: with `seed`, fixes the shuffled order (so a resumed run repeats it). */
  epoch?: number;
  seed?: number;
  shuffle?: boolean;
  /** Drop the last partial batch (training, as OpenFWI) or keep it (evaluation). */
  dropLast?: boolean;
  /** Start at this batch of the epoch (resuming mid-epoch). */
  startBatch?: number;
  /**
   * Samples left out of the epoch (those found holding NaN or ±Infinity, when a run skips them):
   * the epoch's order without them is cut into batches, so batches stay full.
   */
  exclude?: ReadonlySet<number>;
  /**
   * Double-buffer the batch arrays: a batch's arrays are overwritten once the next batch is
   * requested, so an epoch holds two batches of memory, not one per step until the garbage
   * collector runs. For loops that copy each batch (into a tensor) before asking for the next.
   */
  reuseBuffers?: boolean;
}

export interface CacheStats {
  readonly bytes: number;
  readonly budget: number;
  readonly samples: number;
  readonly hits: number;
  readonly misses: number;
  /** Bytes read from the files so far. */
  readonly bytesRead: number;
}

export interface Dataset {
  readonly length: number;
  /** [shots, time, receivers] of one seismic sample. */
  readonly seismicShape: readonly [number, number, number];
  /** [1, H, W] of one velocity sample, or null for seismic-only data. */
  readonly velocityShape: readonly [number, number, number] | null;
  readonly hasLabels: boolean;
  readonly files: readonly DatasetFileInfo[];
  readonly memoryMode: MemoryMode;
  readonly memoryBudgetBytes: number;
  /** Bytes of one sample (seismic and velocity) as float32. */
  readonly sampleBytes: number;
  /** Raw samples at `indices`, in that order, in fresh arrays (or in `into`, when given and large enough). */
  read(indices: readonly number[], into?: DatasetSamples): Promise<DatasetSamples>;
  /** The batches of one epoch; the next batch is read while the caller works on the current one. */
  batches(opts: BatchOptions): AsyncGenerator<DatasetBatch>;
  /** Number of batches an epoch has with these options. */
  batchCount(opts: Pick<BatchOptions, 'batchSize' | 'dropLast' | 'exclude'>): number;
  /** The file pair holding dataset sample `index`, and its row there. */
  locate(index: number): { file: DatasetFileInfo; row: number };
  /**
   * One streaming pass over every file: the seismic and velocity value ranges of the finite values
   * (for the `auto` preset) and a report of each file holding NaN or ±Infinity.
   */
  scanRanges(onProgress?: (samplesDone: number, total: number) => void): Promise<DatasetScan>;
  cacheStats(): CacheStats;
  close(): Promise<void>;
}

/** What a scan of every value finds: the finite ranges, and the files holding non-finite values. */
export type DatasetScan = ValueRanges & { nonFinite: NonFiniteReport[] };

function shapeText(s: readonly number[]): string {
  return `(${s.join(', ')})`;
}

function product(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

/**
 * Opens every file's header and checks the dataset is consistent: seismic files are
 * (n, shots, time, receivers) with one trailing shape, velocity files (n, 1, H, W) with one
 * trailing shape, each pair has the same n, and either every pair has labels or none does.
 * Throws FwiError naming the file at fault.
 */
export async function openDataset(pairs: readonly DatasetPairSource[], options: DatasetOptions = {}): Promise<Dataset> {
  if (pairs.length === 0) throw new FwiError('annotation-empty', 'the dataset has no files');
  const opened = await Promise.all(
    pairs.map(async (p) => ({ pair: p, seismic: await openNpy(p.seismic), velocity: p.velocity ? await openNpy(p.velocity) : null })),
  );

  const first = opened[0].seismic;
  for (const { seismic } of opened) {
    if (seismic.shape.length !== 4) {
      throw new FwiError('npy-shape', `seismic must be (n, shots, time, receivers), got shape ${shapeText(seismic.shape)}`, seismic.name);
    }
    if (seismic.rowShape.some((d, i) => d !== first.rowShape[i])) {
      throw new FwiError(
        'dataset-mismatch',
        `seismic samples are ${shapeText(seismic.rowShape)} here but ${shapeText(first.rowShape)} in ${first.name}; every seismic file must have the same (shots, time, receivers)`,
        seismic.name,
      );
    }
  }
  const labelled = opened.filter((o) => o.velocity !== null);
  if (labelled.length !== 0 && labelled.length !== opened.length) {
    const bare = opened.find((o) => o.velocity === null)!;
    throw new FwiError('dataset-mismatch', `has no velocity file while ${labelled.length} other pair(s) do; a dataset is either all labelled or all seismic-only`, bare.seismic.name);
  }
  const firstVelocity = labelled[0]?.velocity ?? null;
  for (const { seismic, velocity } of opened) {
    if (!velocity) continue;
    if (velocity.shape.length !== 4 || velocity.shape[1] !== 1) {
      throw new FwiError('npy-shape', `velocity must be (n, 1, H, W), got shape ${shapeText(velocity.shape)}`, velocity.name);
    }
    if (velocity.rowShape.some((d, i) => d !== firstVelocity!.rowShape[i])) {
      throw new FwiError('dataset-mismatch', `velocity maps are ${shapeText(velocity.rowShape)} here but ${shapeText(firstVelocity!.rowShape)} in ${firstVelocity!.name}`, velocity.name);
    }
    if (velocity.rows !== seismic.rows) {
      throw new FwiError('dataset-mismatch', `holds ${velocity.rows} velocity maps but its seismic file ${seismic.name} holds ${seismic.rows} samples`, velocity.name);
    }
  }

  const files: DatasetFileInfo[] = [];
  const starts: number[] = [];
  let length = 0;
  for (const o of opened) {
    files.push({ seismic: o.seismic, velocity: o.velocity, samples: o.seismic.rows, firstSample: length, label: o.pair.label });
    starts.push(length);
    length += o.seismic.rows;
  }
  const seismicLength = first.rowLength;
  const velocityLength = firstVelocity?.rowLength ?? 0;
  const sampleBytes = (seismicLength + velocityLength) * 4;
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
  const memoryMode: MemoryMode = options.memoryMode ?? memoryModeFor(length * sampleBytes, budget);

  return new FileDataset(files, starts, length, first.rowShape as [number, number, number], (firstVelocity?.rowShape as [number, number, number]) ?? null, sampleBytes, budget, memoryMode);
}

interface CachedSample {
  seismic: Float32Array;
  velocity: Float32Array | null;
}

class FileDataset implements Dataset {
  readonly hasLabels: boolean;
  private readonly seismicLength: number;
  private readonly velocityLength: number;
  /** LRU in stream mode (Map keeps insertion order; a hit re-inserts). */
  private readonly cache = new Map<number, CachedSample>();
  private cacheBytes = 0;
  /** Whole files, decoded, in preload mode; shared promises so a file is loaded once. */
  private readonly preloaded = new Map<number, Promise<CachedSample>>();
  private hits = 0;
  private misses = 0;
  private bytesRead = 0;

  constructor(
    readonly files: readonly DatasetFileInfo[],
    private readonly starts: readonly number[],
    readonly length: number,
    readonly seismicShape: readonly [number, number, number],
    readonly velocityShape: readonly [number, number, number] | null,
    readonly sampleBytes: number,
    readonly memoryBudgetBytes: number,
    readonly memoryMode: MemoryMode,
  ) {
    this.hasLabels = velocityShape !== null;
    this.seismicLength = product(seismicShape);
    this.velocityLength = velocityShape ? product(velocityShape) : 0;
  }

  locate(index: number): { file: DatasetFileInfo; row: number } {
    const [f, row] = this.fileAndRow(index);
    return { file: this.files[f], row };
  }

  /** The pair holding sample i and the row within it (binary search over cumulative counts). */
  private fileAndRow(i: number): [number, number] {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new FwiError('usage', `sample index ${i} is out of range: the dataset has ${this.length} samples`);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return [lo, i - this.starts[lo]];
  }

  async read(indices: readonly number[], into?: DatasetSamples): Promise<DatasetSamples> {
    const n = indices.length;
    const fits = (a: Float32Array | null | undefined, len: number): a is Float32Array => !!a && a.length >= n * len;
    const seismic = fits(into?.seismic, this.seismicLength) ? into.seismic.subarray(0, n * this.seismicLength) : new Float32Array(n * this.seismicLength);
    const velocity = !this.hasLabels
      ? null
      : fits(into?.velocity, this.velocityLength)
        ? into.velocity.subarray(0, n * this.velocityLength)
        : new Float32Array(n * this.velocityLength);
    const place = (k: number, s: Float32Array, sOffset: number, v: Float32Array | null, vOffset: number) => {
      seismic.set(s.subarray(sOffset, sOffset + this.seismicLength), k * this.seismicLength);
      if (velocity && v) velocity.set(v.subarray(vOffset, vOffset + this.velocityLength), k * this.velocityLength);
    };

    if (this.memoryMode === 'preload') {
      await Promise.all(
        indices.map(async (idx, k) => {
          const [f, row] = this.fileAndRow(idx);
          const whole = await this.loadFile(f);
          place(k, whole.seismic, row * this.seismicLength, whole.velocity, row * this.velocityLength);
        }),
      );
      return { seismic, velocity };
    }

    // Stream mode: serve hits from the cache, group misses by file and read runs of adjacent rows together.
    const missing = new Map<number, { row: number; slots: number[] }[]>();
    indices.forEach((idx, k) => {
      const [f, row] = this.fileAndRow(idx);
      const hit = this.cache.get(idx);
      if (hit) {
        this.hits++;
        this.cache.delete(idx);
        this.cache.set(idx, hit);
        place(k, hit.seismic, 0, hit.velocity, 0);
        return;
      }
      this.misses++;
      const rows = missing.get(f) ?? [];
      const existing = rows.find((r) => r.row === row);
      if (existing) existing.slots.push(k);
      else rows.push({ row, slots: [k] });
      missing.set(f, rows);
    });

    // Rows adjacent in the file and in the batch form one run, read straight into the batch
    // (one request, no buffer between); a sample asked for twice is read once and copied.
    const reads: Promise<void>[] = [];
    const S = this.seismicLength;
    const V = this.velocityLength;
    for (const [f, rows] of missing) {
      rows.sort((a, b) => a.row - b.row);
      let start = 0;
      for (let r = 1; r <= rows.length; r++) {
        if (r < rows.length && rows[r].row === rows[r - 1].row + 1 && rows[r].slots[0] === rows[r - 1].slots[0] + 1) continue;
        const run = rows.slice(start, r);
        start = r;
        const k0 = run[0].slots[0];
        reads.push(
          this.readRunInto(f, run[0].row, run[run.length - 1].row + 1, seismic, velocity, k0).then(() => {
            for (const { slots } of run) {
              for (const k of slots.slice(1)) {
                seismic.copyWithin(k * S, slots[0] * S, (slots[0] + 1) * S);
                velocity?.copyWithin(k * V, slots[0] * V, (slots[0] + 1) * V);
              }
            }
          }),
        );
      }
    }
    await Promise.all(reads);
    return { seismic, velocity };
  }

  private async readRun(f: number, i: number, j: number): Promise<CachedSample> {
    const info = this.files[f];
    const [s, v] = await Promise.all([info.seismic.readRows(i, j), info.velocity ? info.velocity.readRows(i, j) : Promise.resolve(null)]);
    this.bytesRead += (j - i) * (info.seismic.rowLength * info.seismic.dtype.itemSize + (info.velocity ? info.velocity.rowLength * info.velocity.dtype.itemSize : 0));
    return { seismic: s, velocity: v };
  }

  private async readRunInto(f: number, i: number, j: number, seismic: Float32Array, velocity: Float32Array | null, k0: number): Promise<void> {
    const info = this.files[f];
    const S = this.seismicLength;
    const V = this.velocityLength;
    await Promise.all([info.seismic.readRowsInto(i, j, seismic, k0 * S), info.velocity && velocity ? info.velocity.readRowsInto(i, j, velocity, k0 * V) : null]);
    this.bytesRead += (j - i) * (info.seismic.rowLength * info.seismic.dtype.itemSize + (info.velocity ? info.velocity.rowLength * info.velocity.dtype.itemSize : 0));
    if (this.sampleBytes > this.memoryBudgetBytes) return;
    for (let r = 0; r < j - i; r++) {
      const k = k0 + r;
      const index = info.firstSample + i + r;
      if (this.cache.has(index)) continue;
      // Copy into the arrays of the sample it evicts, if any: no garbage per cached sample, so
      // memory stays at the budget instead of waiting for the collector.
      const slot = this.evictForOne() ?? { seismic: new Float32Array(S), velocity: velocity ? new Float32Array(V) : null };
      slot.seismic.set(seismic.subarray(k * S, (k + 1) * S));
      if (velocity && slot.velocity) slot.velocity.set(velocity.subarray(k * V, (k + 1) * V));
      this.cache.set(index, slot);
      this.cacheBytes += this.sampleBytes;
    }
  }

  /** Makes room for one more sample; returns the evicted sample's arrays when they can be reused. */
  private evictForOne(): CachedSample | null {
    let reusable: CachedSample | null = null;
    while (this.cache.size && this.cacheBytes + this.sampleBytes > this.memoryBudgetBytes) {
      const oldest = this.cache.keys().next().value as number;
      const sample = this.cache.get(oldest)!;
      this.cache.delete(oldest);
      this.cacheBytes -= this.sampleBytes;
      // Only whole, unshared buffers are reused (entries cached straight from a one-row read own theirs).
      if (sample.seismic.length === this.seismicLength) reusable = sample;
    }
    return reusable;
  }

  private loadFile(f: number): Promise<CachedSample> {
    let p = this.preloaded.get(f);
    if (!p) {
      p = this.readRun(f, 0, this.files[f].samples);
      this.preloaded.set(f, p);
      p.then(
        () => {
          this.cacheBytes += this.files[f].samples * this.sampleBytes;
        },
        () => this.preloaded.delete(f),
      );
    }
    return p;
  }

  batchCount({ batchSize, dropLast = true, exclude }: Pick<BatchOptions, 'batchSize' | 'dropLast' | 'exclude'>): number {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new FwiError('config', `batch size must be a positive integer, got ${batchSize}`);
    let n = this.length;
    if (exclude) for (const i of exclude) if (Number.isInteger(i) && i >= 0 && i < this.length) n--;
    return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }

  async *batches(opts: BatchOptions): AsyncGenerator<DatasetBatch> {
    const { batchSize, epoch = 0, seed = 0, shuffle = true, dropLast = true, startBatch = 0, reuseBuffers = false, exclude } = opts;
    const count = this.batchCount({ batchSize, dropLast, exclude });
    let order = shuffle ? epochPermutation(this.length, seed, epoch) : Array.from({ length: this.length }, (_, i) => i);
    if (exclude?.size) order = order.filter((i) => !exclude.has(i));
    const indicesOf = (b: number) => order.slice(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    const buffers: DatasetSamples[] = [];
    const bufferFor = (b: number): DatasetSamples | undefined => {
      if (!reuseBuffers) return undefined;
      const slot = b % 2;
      buffers[slot] ??= {
        seismic: new Float32Array(batchSize * this.seismicLength),
        velocity: this.hasLabels ? new Float32Array(batchSize * this.velocityLength) : null,
      };
      return buffers[slot];
    };
    let next: Promise<DatasetSamples> | null = startBatch < count ? this.read(indicesOf(startBatch), bufferFor(startBatch)) : null;
    for (let b = startBatch; b < count; b++) {
      const samples = await next!;
      // Start the next read before handing this batch out, so it overlaps the caller's step.
      // With reuseBuffers it fills the other buffer: the one the caller gave back by asking for this batch.
      next = b + 1 < count ? this.read(indicesOf(b + 1), bufferFor(b + 1)) : null;
      // A pending prefetch whose consumer stopped early must not surface as an unhandled rejection.
      next?.catch(() => undefined);
      yield { ...samples, indices: indicesOf(b), batchIndex: b, batchCount: count };
    }
  }

  async scanRanges(onProgress?: (done: number, total: number) => void): Promise<DatasetScan> {
    let dataMin = Infinity;
    let dataMax = -Infinity;
    let labelMin = Infinity;
    let labelMax = -Infinity;
    let done = 0;
    const nonFinite: NonFiniteReport[] = [];
    const rowsPerRead = Math.max(1, Math.floor(SCAN_CHUNK_BYTES / this.sampleBytes));
    for (let f = 0; f < this.files.length; f++) {
      const info = this.files[f];
      const seismicScan = new NonFiniteScan(info.seismic.name, info.seismic.rowShape, 'seismic');
      const velocityScan = info.velocity ? new NonFiniteScan(info.velocity.name, info.velocity.rowShape, 'velocity') : null;
      for (let i = 0; i < info.samples; i += rowsPerRead) {
        const j = Math.min(info.samples, i + rowsPerRead);
        // In preload mode the scan is the preload: the files stay for training.
        const preloaded = this.memoryMode === 'preload' ? this.loadFile(f) : null;
        const { seismic, velocity } = preloaded
          ? await preloaded.then((w) => ({
              seismic: w.seismic.subarray(i * this.seismicLength, j * this.seismicLength),
              velocity: w.velocity?.subarray(i * this.velocityLength, j * this.velocityLength) ?? null,
            }))
          : await this.readRun(f, i, j);
        // x − x is 0 exactly for finite x: NaN and ±∞ are not taken as limits, and a chunk
        // holding any is handed to the non-finite scan, which names each one.
        let bad = 0;
        for (let e = 0; e < seismic.length; e++) {
          const x = seismic[e];
          if (x - x !== 0) bad++;
          else {
            if (x < dataMin) dataMin = x;
            if (x > dataMax) dataMax = x;
          }
        }
        if (bad) seismicScan.add(seismic, i);
        if (velocity) {
          bad = 0;
          for (let e = 0; e < velocity.length; e++) {
            const x = velocity[e];
            if (x - x !== 0) bad++;
            else {
              if (x < labelMin) labelMin = x;
              if (x > labelMax) labelMax = x;
            }
          }
          if (bad) velocityScan!.add(velocity, i);
        }
        done += j - i;
        onProgress?.(done, this.length);
      }
      for (const scan of [seismicScan, velocityScan]) {
        const r = scan?.report();
        if (r?.count) nonFinite.push(r);
      }
    }
    return {
      dataMin,
      dataMax,
      labelMin: this.hasLabels ? labelMin : null,
      labelMax: this.hasLabels ? labelMax : null,
      samples: done,
      nonFinite,
    };
  }

  cacheStats(): CacheStats {
    return {
      bytes: this.cacheBytes,
      budget: this.memoryBudgetBytes,
      samples: this.memoryMode === 'preload' ? Math.round(this.cacheBytes / this.sampleBytes) : this.cache.size,
      hits: this.hits,
      misses: this.misses,
      bytesRead: this.bytesRead,
    };
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.preloaded.clear();
    this.cacheBytes = 0;
    await Promise.all(this.files.flatMap((f) => [f.seismic.source.close?.(), f.velocity?.source.close?.()]));
  }
}

/** Options for opening a dataset from an annotation list. */
export interface AnnotatedDatasetOptions<T> extends DatasetOptions {
  /** The list's text. */
  text: string;
  /** Its display name (for errors) and, if known, its path within the supplied files. */
  listName: string;
  listPath?: string;
  /** Every file the user supplied, with its relative path. */
  files: readonly SuppliedFile<T>[];
  /** Makes a byte source of a supplied file (a Blob in the browser, a path in the CLI). */
  source: (file: T, path: string) => ByteSource;
}

/** Parses and resolves an annotation list against the supplied files, then opens the dataset it names. */
export async function openAnnotatedDataset<T>(opts: AnnotatedDatasetOptions<T>): Promise<Dataset & { pairs: ResolvedPair<T>[] }> {
  const pairs = readAnnotation(opts.text, opts.files, { listName: opts.listName, listPath: opts.listPath });
  const dataset = await openDataset(
    pairs.map((p) => ({
      seismic: opts.source(p.seismic.file, p.seismic.path),
      velocity: p.velocity ? opts.source(p.velocity.file, p.velocity.path) : null,
      label: `${opts.listName} line ${p.line}`,
    })),
    opts,
  );
  return Object.assign(dataset, { pairs });
}
